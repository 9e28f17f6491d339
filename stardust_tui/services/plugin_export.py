"""Export through a plugin's catalog format (``stardust export OUT --format NAME``, issue 16).

The service loads each selected release in its own short session and hands the plugin's
:class:`~stardust_tui.plugin.Exporter` a lazy sequence of :class:`~stardust_tui.plugin.ExportItem`: the
release's plain values, its version-neutral view (genres mapped by ``--profile`` when one is named, exactly
as a delivery to that profile maps them) and the stored files behind its resources. The exporter writes
``OUT``; a plugin's own refusal (:class:`~stardust_tui.errors.StardustError`) is one line, and any other
exception it raises is one line naming the plugin (its bug, not Stardust's crash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.plugin import ExportItem, ExportResult
    from stardust_tui.services import Services

Progress = Callable[[int, int | None], None]


def check_output(exporter: Any, out: Path) -> None:
    """``OUT`` fits the exporter: a file for "file" formats; an existing folder, or a new one named with the
    format's suffix, for "directory" formats. One line when it does not."""
    parent = out.absolute().parent
    if exporter.output == "directory":
        if out.is_dir():
            return
        if out.exists():
            raise ValidationError(f"the {exporter.name} format writes a folder; {out} is a file", where=str(out))
        if exporter.suffix and out.suffix.lower() != exporter.suffix:
            raise ValidationError(f"the {exporter.name} format writes into an existing folder or a new "
                                  f"'*{exporter.suffix}' folder", where=str(out))
    elif out.is_dir():
        raise ValidationError(f"the {exporter.name} format writes a file; {out} is a directory", where=str(out))
    if not parent.is_dir():
        raise ValidationError(f"{parent}: no such directory", where=str(out))


def release_ids(services: Services, refs: Sequence[int | str]) -> list[int]:
    """The ids of the selected releases (every release, ascending, when ``refs`` is empty)."""
    from sqlmodel import col, select

    from stardust_tui.domain.models import Release
    from stardust_tui.store.releases import get_release

    with session_scope(services.engine) as session:
        if refs:
            refs = [int(r) if str(r).isascii() and str(r).isdigit() and len(str(r)) <= 10 else r for r in refs]
            return sorted({stored_id(get_release(session, ref)) for ref in refs})
        ids = session.exec(select(col(Release.id)).order_by(col(Release.id))).all()
        return [i for i in ids if i is not None]  # a primary key is never NULL: this only narrows the type


def export_item(services: Services, release_id: int, profile: Any = None) -> ExportItem:
    """One release as an exporter receives it (loaded in its own session)."""
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.delivery.package import map_view_genres, release_assets
    from stardust_tui.ern.release_view import view_from_release
    from stardust_tui.plugin import ExportItem
    from stardust_tui.plugin_points import release_facts
    from stardust_tui.store.releases import load_release

    store = AssetStore(services.settings.paths)
    with session_scope(services.engine) as session:
        release = load_release(session, release_id)
        view = view_from_release(release)
        if profile is not None:
            view = map_view_genres(view, profile.genre_rules, who=profile.name)
        assets = release_assets(release)
        files = {res.ref: Path(store.path_for(assets[res.asset_id])) for res in view.resources
                 if res.asset_id is not None and res.asset_id in assets}
        return ExportItem(facts=release_facts(release), view=view, files=files)


def export_with_plugin(services: Services, out: str | Path, fmt: str, *, refs: Sequence[int | str] = (),
                       options: Mapping[str, str] | None = None, profile: str | None = None,
                       progress: Progress | None = None) -> ExportResult:
    """Write the selected releases (all when ``refs`` is empty) with the plugin format ``fmt``."""
    from stardust_tui.plugin import ExportContext
    from stardust_tui.plugin_points import exporters

    services.authorize("release.read")
    found = exporters()
    exporter = found.get(fmt)
    if exporter is None:
        known = ", ".join(("json", "csv", *found))
        raise ValidationError(f"unknown export format {fmt!r} (formats: {known})", where="--format")
    chosen = exporter.check_options(dict(options or {}))
    prof = services.profiles.get(profile) if profile else None
    target = Path(out).expanduser()
    check_output(exporter, target)
    ids = release_ids(services, refs)

    def items() -> Iterator[ExportItem]:
        for release_id in ids:
            yield export_item(services, release_id, prof)

    def step(done: int, total: int | None = None) -> None:
        if progress is not None:
            progress(done, len(ids))

    try:
        return exporter.export(items(), target, ExportContext(options=chosen, profile=prof, progress=step))
    except StardustError:
        raise
    except Exception as exc:  # noqa: BLE001 - the plugin's bug: one line naming it (no crash log of ours)
        raise StardustError(f"the {fmt} exporter failed: {type(exc).__name__}: {exc}", where=str(target)) from None
