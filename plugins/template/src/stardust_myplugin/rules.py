"""An example readiness rule: titles do not end with a full stop."""

from __future__ import annotations

from collections.abc import Iterable

from stardust_tui.plugin import Finding, ReleaseFacts, Rule, RuleContext


class NoTrailingPeriod(Rule):
    """A title ending with "." is a warning, with the title to use instead as its fix."""

    name = "no-trailing-period"

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        places = [("title", release.title)] + [(f"{t.where}.title", t.title) for t in release.tracks]
        for field, title in places:
            if title.endswith(".") and not title.endswith("..."):
                yield Finding("myplugin.trailing-period", field, f"{title!r} ends with a full stop", "warning",
                              fix=f'title "{title.rstrip(".")}"')
