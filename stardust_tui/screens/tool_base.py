"""Bases of the screens added for issue 17/14: their CSS file, and failed workers reported in one place.

Full screens subclass :class:`ToolScreen` (a :class:`~stardust_tui.screens.base.StardustScreen`), dialogs
:class:`ToolModal`; both load ``stardust_tui/tools.tcss`` and hand a failed thread worker to the app's
single error handler (``Worker.StateChanged`` does not bubble from a screen to the app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.segment import Segment
from textual import on
from textual.content import Content
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.worker import Worker, WorkerState

from stardust_tui.screens.base import StardustScreen

if TYPE_CHECKING:
    from textual import getters
    from textual._path import CSSPathType

    from stardust_tui.app import StardustApp

CSS_FILE = "../tools.tcss"
T = TypeVar("T")


class ToolScreen(StardustScreen):
    """A full screen of the workstation with the tools' CSS."""

    CSS_PATH: ClassVar[CSSPathType | None] = CSS_FILE  # Screen's type: a tool screen may add its own file


class ToolModal(ModalScreen[T]):
    """A dialog with the tools' CSS whose failed workers reach ``StardustApp.worker_failed``."""

    CSS_PATH = CSS_FILE

    if TYPE_CHECKING:  # as StardustScreen's: Textual's getters.app, for the checker only
        app = getters.app(StardustApp)

    @on(Worker.StateChanged)
    def _forward_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)


class MarkedCheckbox(Checkbox):
    """A checkbox whose state reads without colour: ``X`` when ticked, blank when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class MarkedRadioButton(RadioButton):
    """A radio button whose state reads without colour: ``●`` when chosen, blank when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button


class MarkedSelectionList(SelectionList[T]):
    """A selection list whose ticks read without colour: ``X`` on picked lines, blank on the others."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) > 1 and selection.value not in self._selected:
            segments[1] = Segment(" ", segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip
