"""What a view must hold before a version can be built from it: a part no ERN version default can stand in
for is refused here with one line naming it and the version, never written as an XSD-invalid message.

Refused: a resource kind the version does not have (MIDI and user-defined resources exist in 3.8.2 only),
a 3.8.2 main release that lists no resource (its ReleaseResourceReferenceList cannot be empty), a 3.8.2
deal without use types, a resource-group or deal reference to a resource the release does not hold.
"""

from __future__ import annotations

from stardust_tui.domain.release_types import KINDS_BY_VERSION
from stardust_tui.ern.common import BuildOptions
from stardust_tui.ern.view_json import group_refs
from stardust_tui.ern.view_model import ReleaseView
from stardust_tui.errors import ValidationError


def problems(view: ReleaseView, version: str, options: BuildOptions) -> list[str]:
    """Every reason ``view`` cannot be built as ERN ``version`` (empty when it can)."""
    out: list[str] = []
    kinds = KINDS_BY_VERSION[version]
    for res in view.resources:
        if res.kind not in kinds:
            out.append(f"{res.kind} resource {res.ref} ({res.title or res.type}): ERN {version} has no {res.kind} "
                       f"resources (build it as ERN 3.8.2)")
    refs = {r.ref for r in view.resources}
    if view.release.group is not None:
        for ref in group_refs(view.release.group):
            if ref not in refs:
                out.append(f"resource group names {ref}, which the release does not hold")
    if version == "3.8.2" and options.message_type in ("new", "update"):
        if not view.resources:
            out.append("the release has no resources: ERN 3.8.2's ReleaseResourceReferenceList cannot be empty")
        for index, deal in enumerate(view.deals, start=1):
            if not deal.use_types:
                out.append(f"deal {index} has no use types; ERN 3.8.2 requires at least one")
    return out


def check_view(view: ReleaseView, version: str, options: BuildOptions) -> None:
    """Raise one :class:`ValidationError` naming the first refused part (and how many more there are)."""
    found = problems(view, version, options)
    if found:
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        raise ValidationError(f"cannot build ERN {version}: {found[0]}{more}")
