"""The release wizard's artwork and deals steps: attach a cover (checked before it replaces one) and keep
several deals per release (add, edit, remove through ``services.deals``).

:class:`WizardStepsScreen` is the base of :class:`~stardust_tui.screens.release_wizard.ReleaseWizardScreen`;
its jobs run on the wizard's :class:`~stardust_tui.screens.serial.SerialWriter` after the pending field
saves, and their results come back through the wizard's ``written``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.widgets import Input, Static

from stardust_tui.errors import StardustError
from stardust_tui.screens.base import StardustScreen
from stardust_tui.services.deals import DealRow, list_deals, remove_deal, save_deal
from stardust_tui.widgets.confirm import ConfirmModal
from stardust_tui.widgets.deal_form import DealFormModal
from stardust_tui.widgets.deal_list import DealList, territory_text
from stardust_tui.widgets.track_facts import cover_facts_text


class WizardStepsScreen(StardustScreen):
    """Artwork and deals of the release being edited (``release_id``, ``writer``, ``saved`` and
    ``action_save`` come from the wizard)."""

    release_id: int | None
    writer: Any
    saved: dict[str, Any]

    def action_save(self) -> None:  # the wizard's: send pending field changes
        raise NotImplementedError

    def saved_id(self) -> int:
        """The release's id, for work that only starts once the release is saved (artwork, deals, loading):
        the actions check ``release_id`` before they start it, and a saved release keeps its id."""
        assert self.release_id is not None, "the release is not saved yet"
        return self.release_id

    @on(Input.Submitted, "#cover-path")
    def _attach_cover(self, event: Input.Submitted) -> None:
        if self.release_id is None:
            self.notify("Save the release (give it a title) before attaching artwork", severity="warning")
            return
        path = event.value.strip()
        if path:
            self.query_one("#cover-facts", Static).update("Storing and checking the image…")
            self.writer.submit(lambda: ("cover", self._attach_cover_job(path)))

    def _attach_cover_job(self, path: str) -> tuple[str, Any]:
        """(writer thread) Check, store and attach the image; the outcome and the cover now attached."""
        from stardust_tui.services.attachments import attach_cover

        try:
            result = attach_cover(self.app.services, self.saved_id(), path)
            note = "" if result.attached else f"✗ not attached: {result.reason} · {result.kept} stays attached"
        except StardustError as exc:
            note = f"✗ not attached: {exc}"
        return note, self.app.services.drafts.load(self.saved_id()).cover

    def _show_cover(self, cover: Any, note: str = "") -> None:
        from stardust_tui.domain.qc import check_artwork

        text = cover_facts_text(cover, list(check_artwork(cover)) if cover is not None else None)
        self.query_one("#cover-facts", Static).update(f"{note}\n{text}" if note else text)

    # -- deals ----------------------------------------------------------------------------------------
    @on(DealList.AddAsked)
    def _add_deal(self) -> None:
        self._edit_deal(None)

    @on(DealList.EditAsked)
    def _change_deal(self, event: DealList.EditAsked) -> None:
        self._edit_deal(event.deal)

    def _edit_deal(self, deal: DealRow | None) -> None:
        if self.release_id is None:
            self.notify("Give the release a title first: deals belong to a saved release", severity="warning")
            return
        release_date = self.saved.get("release_date")
        self._open_deal_form(deal or DealRow(None, start=release_date or date.today()), "")

    def _open_deal_form(self, deal: DealRow, error: str) -> None:
        """The deal form; a deal the store refuses comes back in it, as typed, with the reason."""
        def done(values: DealRow | None) -> None:
            if values is not None:
                self._deal_job(lambda: save_deal(self.app.services, self.saved_id(), values), values)

        self.app.push_screen(DealFormModal(deal, release_date=self.saved.get("release_date"), error=error), done)

    def deal_refused(self, values: DealRow, error: str) -> None:
        """(main thread) The store refused a deal from the form: open it again with what was typed."""
        self._open_deal_form(values, error)

    @on(DealList.RemoveAsked)
    def _remove_deal(self, event: DealList.RemoveAsked) -> None:
        deal = event.deal

        def answered(ok: bool | None) -> None:
            if ok and deal.id is not None:
                self._deal_job(lambda: remove_deal(self.app.services, self.saved_id(), deal.id))

        self.app.push_screen(ConfirmModal(f"Remove the deal {territory_text(deal)} "
                                          f"({', '.join(deal.commercial_models)}) from this release?",
                                          yes="Remove", danger=True), answered)

    def _deal_job(self, change: Any, values: DealRow | None = None) -> None:
        """Run a deal change after the pending field saves; the list shows the stored deals either way (a
        refused deal from the form is handed back with ``values``)."""
        def job() -> tuple[str, list[DealRow], str, DealRow | None]:
            try:
                return "deals", change(), "", None
            except StardustError as exc:
                return "deals", list_deals(self.app.services, self.saved_id()), str(exc), values

        self.action_save()
        self.writer.submit(job)
