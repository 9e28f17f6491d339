"""``stardust release edit`` and ``release add-deal``: change a release's fields and deals from scripts.

Attached to the ``release`` group by :mod:`stardust_tui.cli.release`. Every change is one save (one
revision, one audit entry); bad values fail with one line naming the option.
"""

from __future__ import annotations

from typing import Any

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.release_type_param import RELEASE_TYPE
from stardust_tui.domain import limits as L
from stardust_tui.domain.enums import COMMERCIAL_MODELS, USE_TYPES, ParentalAdvisory
from stardust_tui.domain.validation import ALLOWED_COMMERCIAL_MODELS, ALLOWED_USE_TYPES

DATE = P.DAY  # YYYY-MM-DD within the catalog's dates (a datetime at midnight)


@click.command("edit")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--title", type=P.Text(L.RELEASE["title"], nonempty=True), default=None)
@click.option("--version", "version_", type=P.Text(L.RELEASE["version"]), default=None,
              help='Version / subtitle ("Deluxe", "Remastered").')
@click.option("--artist", "artists", type=P.Text(L.PARTY["name"], nonempty=True), multiple=True,
              help="Main artist (repeat); replaces the release's artists.")
@click.option("--label", type=P.Text(L.PARTY["name"]), default=None, help="Label name (created if new).")
@click.option("--upc", type=P.Text(32), default=None, help='UPC/EAN; "" removes it.')
@click.option("--catalog-number", type=P.Text(L.RELEASE["catalog_number"]), default=None)
@click.option("--type", "release_type", type=RELEASE_TYPE, default=None,
              help="DDEX ReleaseType (Album, EP, Single, DjMix, VideoAlbum...; compilation = Album + compilation).")
@click.option("--grid", type=P.Text(L.RELEASE["grid"]), default=None, help='GRid; "" removes it.')
@click.option("--compilation/--no-compilation", "is_compilation", default=None,
              help="Multi-artist compilation (DDEX IsMultiArtistCompilation).")
@click.option("--date", "release_date", type=DATE, default=None, help="Release date YYYY-MM-DD.")
@click.option("--original-date", "original_release_date", type=DATE, default=None)
@click.option("--genre", type=P.Text(L.RELEASE["genre"]), default=None)
@click.option("--subgenre", type=P.Text(L.RELEASE["subgenre"]), default=None)
@click.option("--language", type=P.Language(), default=None, help="ISO 639 code (en, eng, pt-BR).")
@click.option("--advisory", "parental_advisory", type=click.Choice([p.value for p in ParentalAdvisory]), default=None)
@click.option("--p-line", type=P.Text(L.RELEASE["p_line"]), default=None,
              help='e.g. "2024 Star Records" (the year is taken from it).')
@click.option("--c-line", type=P.Text(L.RELEASE["c_line"]), default=None)
@click.pass_obj
def edit(obj: StardustContext, ref: str, label: str | None, artists: tuple[str, ...], **values: Any) -> None:
    """Change release fields (only the options given); prints the new revision."""
    values["version"] = values.pop("version_")
    for key in ("release_date", "original_release_date"):
        if values.get(key) is not None:
            values[key] = values[key].date()
    saved = obj.services.releases.edit(ref, label=label, artists=list(artists), **values)
    click.echo(f"release {saved.release_id} revision {saved.revision}")


@click.command("add-deal")
@click.argument("ref", type=P.RELEASE_REF)
@click.option("--territory", "territories", type=P.Territory(), multiple=True,
              default=("Worldwide",), show_default=True,
              help="ISO 3166-1 code or Worldwide (repeat).")
@click.option("--exclude", "excluded", type=P.Territory(), multiple=True,
              help="Territory excluded from Worldwide (repeat).")
@click.option("--model", "models", multiple=True,
              type=P.Vocabulary(ALLOWED_COMMERCIAL_MODELS, "DDEX commercial model", "MODEL", user_defined=True),
              help=f"Commercial model (repeat): {', '.join(COMMERCIAL_MODELS)}. Default: SubscriptionModel and "
                   "AdvertisementSupportedModel (with --preorder: PayAsYouGoModel).")
@click.option("--use-type", "use_types", multiple=True,
              type=P.Vocabulary(ALLOWED_USE_TYPES, "DDEX use type", "USE", user_defined=True),
              help=f"Use type (repeat): {', '.join(USE_TYPES)}. Default: OnDemandStream (with --preorder: "
                   "PermanentDownload).")
@click.option("--start", type=DATE, default=None, help="Start date (default: the release date).")
@click.option("--end", type=DATE, default=None, help="End date (a pre-order: default the release date).")
@click.option("--price-tier", type=P.Text(L.DEAL["price_tier"]), default=None)
@click.option("--preorder", is_flag=True, help="A pre-order deal: the release can be bought from --start until it "
                                               "is released in these territories.")
@click.option("--instant-grat", "instant", type=P.Text(32, nonempty=True), multiple=True, metavar="ISRC",
              help="With --preorder: a track (ISRC) downloadable as soon as the pre-order is bought (repeat).")
@click.pass_obj
def add_deal(obj: StardustContext, ref: str, territories: tuple[str, ...], excluded: tuple[str, ...],
             models: tuple[str, ...], use_types: tuple[str, ...], start: Any, end: Any, price_tier: str | None,
             preorder: bool, instant: tuple[str, ...]) -> None:
    """Add a deal (where, which models and use types, from when) to a release."""
    if not models:
        models = ("PayAsYouGoModel",) if preorder else ("SubscriptionModel", "AdvertisementSupportedModel")
    if not use_types:
        use_types = ("PermanentDownload",) if preorder else ("OnDemandStream",)
    saved = obj.services.releases.add_deal(ref, territories=list(territories), excluded=list(excluded),
                                           models=list(models), use_types=list(use_types),
                                           start=start.date() if start else None, end=end.date() if end else None,
                                           price_tier=price_tier, preorder=preorder,
                                           instant_gratification=list(instant))
    click.echo(f"release {saved.release_id} has {saved.deals} deal(s) (revision {saved.revision})")
