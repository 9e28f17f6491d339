"""The JSON the catalog keeps for DDEX parts without a column (``details`` of releases, tracks, resources).

One module writes and reads it, so the catalog (importexport/ern_ingest.py writes, release_view.py reads)
and the views always agree. Shapes (every key optional):

- every row a message made: ``stated`` (true: titles are written back as stated, not the catalog's defaults).
- release: ``icpn`` (the ICPN as a message wrote it), ``catalog_namespace``, ``ids`` (list of ident),
  ``display_title_text``, ``titles`` (list of title), ``lines_verbatim``, ``duration`` (stated, or null),
  ``compilation_stated``, ``group`` (the resource-group tree), ``track_releases`` ("stored": exactly the
  track releases stored on tracks/resources), ``cover`` (the front cover's ``key``/``ids``/``c_line``/...),
  ``unstated`` (fields the message did not state: written back as absent).
- track / resource: ``ids``, ``works`` (MusicalWorkId blocks, each a list of idents), ``display_title_text``,
  ``titles``, ``lines_verbatim``, ``related`` (list of
  ``{type, key, start, duration}``), ``track_release`` (its release: ``ref_ids``, ``type``, titles, artists,
  ``warning``, ``genre``, ``linked``...), ``unstated``; resources also ``artists`` / ``contributors`` (by
  name: ``{name, isni, role, sequence, instrument}``), ``preview_start``, ``file`` (name and facts of a
  file the asset store does not hold).
- ident: ``{kind, value, namespace}``; title: ``{text, subtitle, type, language}``; line: ``{year, text}``;
  group: ``{sequence, type, title, titles, ids, groups, items: [{key, sequence, linked}], linked:
  [{key, description}]}`` where ``key`` names a track (``track.key``), a resource (``release_resource.key``)
  or the cover (``details.cover.key``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from stardust_tui.ern.view_model import (
    ChannelView,
    ExtraFile,
    FileView,
    GroupItemView,
    GroupView,
    Ident,
    LineView,
    LinkView,
    TitleView,
)

_FILE_FIELDS = tuple(f.name for f in fields(FileView) if f.name not in ("name", "from_message"))


def idents_json(ids: Iterable[Ident]) -> list[dict[str, Any]]:
    return [{"kind": i.kind, "value": i.value, "namespace": i.namespace} for i in ids]


def idents(data: Any) -> tuple[Ident, ...]:
    return tuple(Ident(str(d["kind"]), str(d["value"]), d.get("namespace")) for d in data or ()
                 if isinstance(d, dict) and d.get("kind") and d.get("value"))


def titles_json(titles: Iterable[TitleView]) -> list[dict[str, Any]]:
    return [{"text": t.text, "subtitle": t.subtitle, "type": t.title_type, "language": t.language}
            | ({"territory": t.territory} if t.territory else {}) for t in titles]


def titles(data: Any) -> tuple[TitleView, ...]:
    return tuple(TitleView(str(d.get("text") or ""), d.get("subtitle"), d.get("type"), d.get("language"),
                           d.get("territory"))
                 for d in data or () if isinstance(d, dict))


def line_json(line: LineView | None) -> dict[str, Any] | None:
    return None if line is None else {"year": line.year, "text": line.text}


def line(data: Any, verbatim: bool = True) -> LineView | None:
    if not isinstance(data, dict) or not data.get("text"):
        return None
    return LineView(data.get("year"), str(data["text"]), verbatim)


def links_json(links: Iterable[LinkView], key_of: Callable[[str], str]) -> list[dict[str, Any]]:
    return [{"key": key_of(link.ref), "description": link.description} for link in links]


def links(data: Any, ref_of: Callable[[str], str | None]) -> tuple[LinkView, ...]:
    out = []
    for d in data or ():
        ref = ref_of(str(d.get("key"))) if isinstance(d, dict) else None
        if ref is not None:
            out.append(LinkView(ref, d.get("description")))
    return tuple(out)


def group_json(group: GroupView, key_of: Callable[[str], str]) -> dict[str, Any]:
    """A resource-group tree as JSON, resources named by catalog key (``key_of(ref)``)."""
    return {
        "sequence": group.sequence, "type": group.group_type, "title": group.title,
        "titles": titles_json(group.titles), "ids": idents_json(group.ids),
        "groups": [group_json(g, key_of) for g in group.groups],
        "items": [{"key": key_of(i.ref), "sequence": i.sequence, "linked": links_json(i.linked, key_of)}
                  for i in group.items],
        "linked": links_json(group.linked, key_of),
    }


def group(data: Any, ref_of: Callable[[str], str | None]) -> GroupView | None:
    """The tree back as views; items whose resource is gone are left out (``ref_of`` returns None)."""
    if not isinstance(data, dict):
        return None
    items = []
    for d in data.get("items") or ():
        ref = ref_of(str(d.get("key"))) if isinstance(d, dict) else None
        if ref is not None:
            items.append(GroupItemView(ref, d.get("sequence"), links(d.get("linked"), ref_of)))
    subgroups = tuple(g for g in (group(d, ref_of) for d in data.get("groups") or ()) if g is not None)
    return GroupView(sequence=data.get("sequence"), group_type=data.get("type"), title=data.get("title"),
                     titles=titles(data.get("titles")), ids=idents(data.get("ids")), groups=subgroups,
                     items=tuple(items), linked=links(data.get("linked"), ref_of))


def file_json(file: FileView) -> dict[str, Any]:
    """A file's facts as a message stated them (kept when the file itself is not in the store)."""
    data = asdict(file)
    return {"name": data["name"], **{k: data[k] for k in _FILE_FIELDS if data[k] is not None}}


def file_view(data: Any, name: str | None = None) -> FileView | None:
    if not isinstance(data, dict):
        return None
    return FileView(name=name or str(data.get("name") or ""), from_message=True,
                    **{k: data[k] for k in _FILE_FIELDS if k in data})


def extra_files_json(extra: Iterable[ExtraFile]) -> list[dict[str, Any]]:
    return [{"tech_ref": e.tech_ref, "preview_start": e.preview_start, "file": file_json(e.file)}
            | {k: v for k, v in (("preview_duration", e.preview_duration), ("preview_expression", e.preview_expression))
               if v is not None} for e in extra]


def extra_files(data: Any) -> tuple[ExtraFile, ...]:
    out = []
    for d in data or ():
        file = file_view(d.get("file")) if isinstance(d, dict) else None
        if file is not None:
            out.append(ExtraFile(str(d.get("tech_ref") or ""), file, d.get("preview_start"), d.get("preview_duration"),
                                 d.get("preview_expression")))
    return tuple(out)


def channels_json(channels: Iterable[ChannelView]) -> list[dict[str, Any]]:
    return [{"name": c.name, "trading_name": c.trading_name, "ids": idents_json(c.ids), "urls": list(c.urls)}
            for c in channels]


def channels(data: Any) -> tuple[ChannelView, ...]:
    return tuple(ChannelView(d.get("name"), d.get("trading_name"), idents(d.get("ids")),
                             tuple(str(u) for u in d.get("urls") or ()))
                 for d in data or () if isinstance(d, dict))


def group_refs(tree: GroupView) -> list[str]:
    """Every content item's resource reference, depth first (sub-groups before a group's own items)."""
    out: list[str] = []
    for sub in tree.groups:
        out.extend(group_refs(sub))
    out.extend(item.ref for item in tree.items)
    return out


def works_json(works: Iterable[tuple[Ident, ...]]) -> list[list[dict[str, Any]]]:
    return [idents_json(w) for w in works]


def works(data: Any) -> tuple[tuple[Ident, ...], ...]:
    return tuple(idents(w) for w in data or () if isinstance(w, list))


def unstated(details: dict[str, Any] | None) -> frozenset[str]:
    return frozenset((details or {}).get("unstated") or ())


def day(data: Any) -> date | None:
    """A day kept as ISO text (``YYYY-MM-DD``) in a details column; None when absent or unreadable."""
    if isinstance(data, date):
        return data
    try:
        return date.fromisoformat(str(data)[:10]) if data else None
    except ValueError:
        return None
