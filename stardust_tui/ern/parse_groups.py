"""Which sound recordings of a read message are the catalog's tracks, and their disc and track numbers.

The tracks are the sound recordings the main release's resource group lists, in the group's order
(sub-groups before a group's own items, as the XSD orders them). A top-level sub-group is a disc unless it
groups the parts of one work (``MultiWorkPart``: a classical work's movements stay on their disc). Sound
recordings the group does not list (a DJ mix's sources) are resources of the release, not tracks. When no
group lists a sound recording, the message's order is used and a note says so.
"""

from __future__ import annotations

from dataclasses import replace

from stardust_tui.ern.view_model import GroupView, ResourceView

_PART_GROUPS = frozenset({"MultiWorkPart"})


def _walk(group: GroupView, disc: int, out: list[tuple[str, int]]) -> None:
    for sub in group.groups:
        _walk(sub, disc, out)
    out.extend((item.ref, disc) for item in group.items)


def track_order(top: GroupView | None) -> list[tuple[str, int]]:
    """``(reference, disc)`` of every content item, in order."""
    if top is None:
        return []
    out: list[tuple[str, int]] = []
    discs = [g for g in top.groups if g.group_type not in _PART_GROUPS]
    next_disc = len(discs) + 1 if discs else 1
    for sub in top.groups:
        _walk(sub, discs.index(sub) + 1 if sub in discs else next_disc if discs else 1, out)
    out.extend((item.ref, next_disc) for item in top.items)
    return out


def number_tracks(top: GroupView | None, resources: dict[str, ResourceView], notes: list[str],
                  fallback: list[str] | None = None) -> list[ResourceView]:
    """The resources with their tracks numbered (disc, track); tracks first, in order, then the rest."""
    numbered: dict[str, ResourceView] = {}
    per_disc: dict[int, int] = {}
    for ref, disc in track_order(top):
        res = resources.get(ref)
        if res is None or res.kind != "SoundRecording" or ref in numbered:
            continue
        per_disc[disc] = per_disc.get(disc, 0) + 1
        numbered[ref] = replace(res, disc=disc, track=per_disc[disc])
    recordings = [r for r in resources.values() if r.kind == "SoundRecording"]
    if not numbered and recordings:
        refs = [r for r in dict.fromkeys(fallback or []) if r in resources and resources[r].kind == "SoundRecording"]
        refs = refs or [r.ref for r in recordings]
        for number, ref in enumerate(refs, start=1):
            numbered[ref] = replace(resources[ref], disc=1, track=number)
        notes.append("the main release's resource group lists no sound recording; tracks numbered in message order")
    rest = [r for ref, r in resources.items() if ref not in numbered]
    return [*sorted(numbered.values(), key=lambda r: (r.disc, r.track)), *rest]
