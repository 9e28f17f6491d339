"""The deals of a release as a table; posts what the user asked for (add, edit, remove a deal).

The keys live on the table, so they act only while the list has focus (in the wizard's inputs ``a`` or
``x`` are letters); they are in the palette and in the hint under the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message

from stardust_tui.services.deals import DealRow
from stardust_tui.widgets.row_table import RowTable
from stardust_tui.widgets.styling import plain

COLUMNS = (("#", 3), ("Territories", 18), ("Models", 22), ("Use types", 22), ("Start", 10), ("End", 10),
           ("Price", 8), ("Pre-order", 10))
SHORT = {"SubscriptionModel": "Subscription", "AdvertisementSupportedModel": "Ad-supported",
         "PayAsYouGoModel": "Pay as you go", "FreeOfChargeModel": "Free"}


def territory_text(deal: DealRow) -> str:
    text = ", ".join(deal.territories)
    return text + (f" − {', '.join(deal.excluded_territories)}" if deal.excluded_territories else "")


def preorder_text(deal: DealRow) -> str:
    """``yes``, ``yes +2 IG`` (instant-gratification tracks) or empty."""
    if not deal.is_preorder:
        return ""
    return "yes" + (f" +{len(deal.instant_gratification)} IG" if deal.instant_gratification else "")


class DealList(RowTable):
    """Deals, one row each; ``a`` adds, Enter/``e`` edits, ``x`` removes (the screen does the work)."""

    BINDINGS = [
        # Off the footer (the wizard's own keys fill 80 columns): the hint under the list names them.
        Binding("a,insert", "add_deal", "Add deal", id="deals-add", tooltip="Add a deal to the release", show=False),
        Binding("e", "edit_deal", "Edit deal", id="deals-edit", tooltip="Edit the highlighted deal", show=False),
        Binding("x,delete", "remove_deal", "Remove deal", id="deals-remove", tooltip="Remove the highlighted deal",
                show=False),
    ]

    @dataclass
    class AddAsked(Message):
        """The user asked for a new deal."""

        deal_list: DealList

        @property
        def control(self) -> DealList:
            return self.deal_list

    @dataclass
    class EditAsked(Message):
        """The user asked to edit a deal."""

        deal_list: DealList
        deal: DealRow

        @property
        def control(self) -> DealList:
            return self.deal_list

    @dataclass
    class RemoveAsked(Message):
        """The user asked to remove a deal."""

        deal_list: DealList
        deal: DealRow

        @property
        def control(self) -> DealList:
            return self.deal_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.deals: list[DealRow] = []

    def on_mount(self) -> None:
        for label, width in COLUMNS:
            self.add_column(label, key=label, width=width)

    def show(self, deals: list[DealRow]) -> None:
        """Replace the rows, keeping the highlighted deal when it is still there."""
        keep = self.current.id if self.current else None
        self.deals = list(deals)
        self.clear()
        for n, d in enumerate(deals, 1):
            models = ", ".join(SHORT.get(m, m) for m in d.commercial_models)
            self.add_row(str(n), plain(territory_text(d)), plain(models), plain(", ".join(d.use_types)),
                         plain(d.start), plain(d.end or "open"), plain(d.price_tier or ""), plain(preorder_text(d)),
                         key=str(d.id))
        if keep is not None and str(keep) in self.rows:
            self.move_cursor(row=self.get_row_index(str(keep)))

    @property
    def current(self) -> DealRow | None:
        if not self.deals or self.cursor_row >= len(self.deals):
            return None
        return self.deals[self.cursor_row]

    def action_add_deal(self) -> None:
        self.post_message(self.AddAsked(self))

    def action_edit_deal(self) -> None:
        if self.current is not None:
            self.post_message(self.EditAsked(self, self.current))

    def action_remove_deal(self) -> None:
        if self.current is not None:
            self.post_message(self.RemoveAsked(self, self.current))

    def on_data_table_row_selected(self, event: RowTable.RowSelected) -> None:
        event.stop()
        self.action_edit_deal()
