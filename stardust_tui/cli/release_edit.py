"""``stardust release edit`` and ``release add-deal``: change a release's fields and deals from scripts.

Attached to the ``release`` group by :mod:`stardust_tui.cli.release`. Every change is one save (one
revision, one audit entry); bad values fail with one line naming the option.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from stardust_tui.cli.context import StardustContext
from stardust_tui.domain.enums import COMMERCIAL_MODELS, USE_TYPES, ParentalAdvisory, ReleaseType

DATE = click.DateTime(formats=["%Y-%m-%d"])
_LINE_FIELDS = ("p_line", "c_line")
_CLEARABLE = ("upc", "catalog_number", "version", "subgenre", "language", "p_line", "c_line")


def _line_year(line: str) -> int | None:
    first = line.split()[0] if line.split() else ""
    return int(first) if first.isdigit() and len(first) == 4 else None


@click.command("edit")
@click.argument("ref")
@click.option("--title", default=None)
@click.option("--version", "version_", default=None, help='Version / subtitle ("Deluxe", "Remastered").')
@click.option("--artist", "artists", multiple=True, help="Main artist (repeat); replaces the release's artists.")
@click.option("--label", default=None, help="Label name (created if new).")
@click.option("--upc", default=None, help='UPC/EAN; "" removes it.')
@click.option("--catalog-number", default=None)
@click.option("--type", "release_type", type=click.Choice([t.value for t in ReleaseType]), default=None)
@click.option("--date", "release_date", type=DATE, default=None, help="Release date YYYY-MM-DD.")
@click.option("--original-date", "original_release_date", type=DATE, default=None)
@click.option("--genre", default=None)
@click.option("--subgenre", default=None)
@click.option("--language", default=None, help="ISO 639 code (en, eng, pt-BR).")
@click.option("--advisory", "parental_advisory", type=click.Choice([p.value for p in ParentalAdvisory]), default=None)
@click.option("--p-line", default=None, help='e.g. "2024 Star Records" (the year is taken from it).')
@click.option("--c-line", default=None)
@click.pass_obj
def edit(obj: StardustContext, ref: str, label: str | None, artists: tuple[str, ...], **values: Any) -> None:
    """Change release fields (only the options given); prints the new revision."""
    from stardust_tui.domain.enums import ArtistRole, PartyKind
    from stardust_tui.domain.identifiers import is_language
    from stardust_tui.domain.models import ReleaseArtist
    from stardust_tui.errors import ValidationError
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.parties import get_or_create_party
    from stardust_tui.store.releases import get_release, save_release

    values["version"] = values.pop("version_")
    changes = {k: v for k, v in values.items() if v is not None}
    for key in ("release_date", "original_release_date"):
        if key in changes:
            changes[key] = changes[key].date()
    if changes.get("language") and not is_language(changes["language"]):
        raise ValidationError(f"{changes['language']!r} is not an ISO 639 language code", where="--language")
    for key in _LINE_FIELDS:
        if key in changes:
            changes[f"{key}_year"] = _line_year(changes[key])
    if not changes and label is None and not artists:
        raise ValidationError("nothing to change: give at least one option (see --help)")
    with session_scope(obj.engine) as s:
        rel = get_release(s, ref)
        for key, value in changes.items():
            setattr(rel, key, None if value == "" and key in _CLEARABLE else value)
        if artists:
            rel.artists = [ReleaseArtist(party=get_or_create_party(s, name), role=ArtistRole.MAIN, sequence=i)
                           for i, name in enumerate(artists, start=1)]
            rel.display_artist = " & ".join(artists)
        if label is not None:
            rel.label = get_or_create_party(s, label, PartyKind.LABEL) if label.strip() else None
        rev = save_release(s, rel, actor=obj.actor, action="edit")
        click.echo(f"release {rel.id} revision {rev.number}")


@click.command("add-deal")
@click.argument("ref")
@click.option("--territory", "territories", multiple=True, default=("Worldwide",), show_default=True,
              help="ISO 3166-1 code or Worldwide (repeat).")
@click.option("--exclude", "excluded", multiple=True, help="Territory excluded from Worldwide (repeat).")
@click.option("--model", "models", multiple=True, default=("SubscriptionModel", "AdvertisementSupportedModel"),
              show_default=True, help=f"Commercial model (repeat): {', '.join(COMMERCIAL_MODELS)}.")
@click.option("--use-type", "use_types", multiple=True, default=("OnDemandStream",), show_default=True,
              help=f"Use type (repeat): {', '.join(USE_TYPES)}.")
@click.option("--start", type=DATE, default=None, help="Start date (default: the release date).")
@click.option("--end", type=DATE, default=None)
@click.option("--price-tier", default=None)
@click.pass_obj
def add_deal(obj: StardustContext, ref: str, territories: tuple[str, ...], excluded: tuple[str, ...],
             models: tuple[str, ...], use_types: tuple[str, ...], start: Any, end: Any, price_tier: str | None) -> None:
    """Add a deal (where, which models and use types, from when) to a release."""
    from stardust_tui.domain.identifiers import is_territory
    from stardust_tui.domain.models import Deal
    from stardust_tui.errors import ValidationError
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import get_release, save_release

    for code in territories + excluded:
        if not is_territory(code):
            raise ValidationError(f"{code!r} is not an ISO 3166-1 territory code (or Worldwide)", where="--territory")
    if end is not None and start is not None and end <= start:
        raise ValidationError("the deal must end after it starts", where="--end")
    with session_scope(obj.engine) as s:
        rel = get_release(s, ref)
        begin = start or (datetime.combine(rel.release_date, datetime.min.time()) if rel.release_date else None)
        if begin is None:
            raise ValidationError("give --start or set the release date first", where="--start")
        rel.deals.append(Deal(territories=list(territories), excluded_territories=list(excluded),
                              commercial_models=list(models), use_types=list(use_types),
                              start=begin.replace(tzinfo=UTC), end=end.replace(tzinfo=UTC) if end else None,
                              price_tier=price_tier))
        rev = save_release(s, rel, actor=obj.actor, action="add-deal")
        click.echo(f"release {rel.id} has {len(rel.deals)} deal(s) (revision {rev.number})")
