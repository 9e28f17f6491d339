"""Picking contributor roles from the DDEX list: a completer for the contributors input and a picker dialog.

Both offer DDEX ``ContributorRole`` values (``domain.ddex_avs``), the common ones first; typing a role
the way people write it ("mastering eng") completes to the DDEX spelling plus ``": "``, ready for the name.
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

COMMON_ROLES = ("Composer", "Lyricist", "ComposerLyricist", "Producer", "CoProducer", "ExecutiveProducer",
                "MixingEngineer", "MasteringEngineer", "RecordingEngineer", "Engineer", "Arranger", "Vocalist",
                "LeadVocalist", "BackgroundVocalist", "Musician", "Programmer", "Remixer", "Conductor",
                "MusicPublisher", "Performer")


def all_roles() -> list[str]:
    """DDEX contributor roles, the common ones first, then the rest alphabetically."""
    from stardust_tui.domain.ddex_avs import CONTRIBUTOR_ROLES

    common = [r for r in COMMON_ROLES if r in CONTRIBUTOR_ROLES]
    return common + sorted(r for r in CONTRIBUTOR_ROLES if r not in common)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def matching_roles(text: str, roles: list[str] | None = None) -> list[str]:
    """Roles whose name starts with ``text`` (spaces and case ignored), then those containing it."""
    roles = roles if roles is not None else all_roles()
    key = _key(text)
    if not key:
        return list(roles)
    starts = [r for r in roles if _key(r).startswith(key)]
    return starts + [r for r in roles if key in _key(r) and r not in starts]


class RoleSuggester(Suggester):
    """Completes the role of the item being typed in ``Role: Name; Role: Name``."""

    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self._roles: list[str] | None = None

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, item = value.rpartition(";")
        typed = item.lstrip()
        if not typed or ":" in typed:
            return None
        if self._roles is None:
            self._roles = all_roles()
        found = matching_roles(typed, self._roles)
        if not found or not _key(found[0]).startswith(_key(typed)):
            return None
        lead = item[: len(item) - len(typed)]
        return f"{head}{sep}{lead}{found[0]}: "


class RolePickerModal(ModalScreen[str | None]):
    """Type to narrow the DDEX roles, Enter picks the highlighted one; None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="roles-cancel", tooltip="Close without picking a role"),
        Binding("down", "move(1)", "Next role", id="roles-next", tooltip="Highlight the next role", show=False,
                priority=True),
        Binding("up", "move(-1)", "Previous role", id="roles-prev", tooltip="Highlight the previous role",
                show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(classes="modal")
        self.roles = all_roles()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-body"):
            yield Label("Contributor role (DDEX): type to narrow, Enter to pick", classes="modal-question",
                        markup=False)
            yield Input(placeholder="e.g. mastering, guitar, producer", id="role-filter")
            yield OptionList(*[Option(r, id=r) for r in self.roles], id="role-list")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#role-filter", Input))

    @on(Input.Changed, "#role-filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one("#role-list", OptionList)
        options.clear_options()
        options.add_options([Option(r, id=r) for r in matching_roles(event.value, self.roles)])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#role-filter")
    def _submitted(self) -> None:
        options = self.query_one("#role-list", OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_move(self, step: int) -> None:
        """Up/down move through the list while typing in the filter."""
        options = self.query_one("#role-list", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(OptionList.OptionSelected, "#role-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
