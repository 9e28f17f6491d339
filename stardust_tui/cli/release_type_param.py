"""The ``--type`` of a release on the command line: any DDEX ReleaseType in any spelling ("dj mix", "djmix",
"DjMix"), the old catalog names (album, ep, single, compilation) or an explicit ``UserDefined:<value>``;
anything else is refused with one line naming a few accepted values."""

from __future__ import annotations

from typing import Any

import click

from stardust_tui.domain.release_types import (
    COMMON_RELEASE_TYPES,
    RELEASE_TYPE_CHOICES,
    is_ddex_release_type,
    release_type_and_compilation,
)


class ReleaseTypeParam(click.ParamType):
    name = "type"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = " ".join(str(value).split())
        if text.lower() == "compilation":
            return "compilation"  # stored as an Album marked multi-artist compilation
        try:
            kind, _ = release_type_and_compilation(text)
        except ValueError:
            kind = ""
        if kind and (is_ddex_release_type(kind) or (kind.startswith("UserDefined:") and len(kind) > 12)):
            return kind
        self.fail(f"{text!r} is not a DDEX release type (e.g. {', '.join(COMMON_RELEASE_TYPES[:8])}; "
                  "write UserDefined:<value> for a user-defined one)", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "TYPE"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in RELEASE_TYPE_CHOICES if c.lower().startswith(incomplete.lower())]


RELEASE_TYPE = ReleaseTypeParam()
