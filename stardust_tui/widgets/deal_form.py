"""One deal of a release, as a typed modal: territories and exclusions, commercial models, use types,
dates, price tier, and whether it is a pre-order (with its instant-gratification tracks, by ISRC).
Returns a :class:`~stardust_tui.services.deals.DealRow` (or None when cancelled); what is wrong is said
in the form, next to the field, and nothing is returned until it is right."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from stardust_tui.domain.identifiers import normalize_isrc
from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.screens.tool_base import MarkedCheckbox, MarkedSelectionList
from stardust_tui.services.deals import DealRow, check_deal
from stardust_tui.services.fields import check_field, parse_territories
from stardust_tui.widgets.release_form import FormInput, LabelledRow

COMMON_MODELS = ("SubscriptionModel", "AdvertisementSupportedModel", "PayAsYouGoModel", "FreeOfChargeModel")
COMMON_USES = ("OnDemandStream", "NonInteractiveStream", "Stream", "PermanentDownload", "ConditionalDownload",
               "TetheredDownload")


def _ordered(common: tuple[str, ...], allowed: frozenset[str], chosen: list[str]) -> list[str]:
    """The common values first, then the rest of the DDEX list, then any stored value outside it."""
    rest = sorted(v for v in allowed if v not in common)
    extra = [v for v in chosen if v not in allowed and v not in common]
    return [v for v in common if v in allowed] + rest + extra


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


class DealFormModal(ModalScreen[DealRow | None]):
    """Add or edit one deal."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="deal-form-cancel", tooltip="Close without changing the deal"),
        Binding("ctrl+s", "submit", "Save", id="deal-form-save", tooltip="Save the deal"),
    ]

    def __init__(self, deal: DealRow | None = None, *, default_start: date | None = None,
                 release_date: date | None = None, error: str = "") -> None:
        super().__init__(classes="modal")
        self.deal = deal or DealRow(None, start=default_start or date.today())
        self.release_date = release_date
        self.error = error  # why the store refused this deal as typed (shown when the form opens again)

    def compose(self) -> ComposeResult:
        from stardust_tui.domain.ddex_avs import COMMERCIAL_MODELS_4, USE_TYPES_4

        d = self.deal
        with Vertical(classes="modal-body deal-form"):
            with VerticalScroll(id="deal-fields"):
                yield Label("Edit deal" if d.id else "Add a deal", classes="modal-question", markup=False)
                yield LabelledRow("Territories", FormInput(", ".join(d.territories), id="d-territories", compact=True,
                                                       placeholder="Worldwide or US, GB, DE"))
                yield LabelledRow("Excluded", FormInput(", ".join(d.excluded_territories), id="d-excluded",
                                                    compact=True, placeholder="e.g. CU, KP (with Worldwide)"))
                models = _ordered(COMMON_MODELS, COMMERCIAL_MODELS_4, d.commercial_models)
                yield LabelledRow("Commercial models", MarkedSelectionList[str](
                    *[(m, m, m in d.commercial_models) for m in models], id="d-models"))
                uses = _ordered(COMMON_USES, USE_TYPES_4, d.use_types)
                yield LabelledRow("Use types", MarkedSelectionList[str](
                    *[(u, u, u in d.use_types) for u in uses], id="d-uses"))
                yield LabelledRow("Start", FormInput(_date_text(d.start), id="d-start", compact=True,
                                                 placeholder="YYYY-MM-DD"))
                yield LabelledRow("End", FormInput(_date_text(d.end), id="d-end", compact=True,
                                               placeholder="YYYY-MM-DD or empty (open-ended)"))
                yield LabelledRow("Price tier", FormInput(d.price_tier or "", id="d-price", compact=True,
                                                      placeholder="e.g. FRONT, MID, BUDGET (the DSP's price code)"))
                yield LabelledRow("Pre-order", MarkedCheckbox("sold before the release date (ends on it)",
                                                              d.is_preorder, id="d-preorder", compact=True))
                yield LabelledRow("Instant grat", FormInput(", ".join(d.instant_gratification), id="d-instant",
                                                        compact=True,
                                                        placeholder="ISRCs playable at once (pre-order only)"))
            # Outside the scrolling fields: the error and the buttons are always in view.
            yield Static(f"✗ {self.error}" if self.error else "", id="deal-form-error", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#d-territories", Input))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _date(self, widget_id: str, name: str) -> date | None:
        check = check_field(name, self._value(widget_id))
        if not check.ok:
            raise ValidationError(check.message, where=widget_id)
        return check.value

    def read(self) -> DealRow:
        """The deal as typed; ValidationError (``where`` = the widget id) naming what is wrong."""
        try:
            territories = parse_territories(self._value("d-territories")) or ["Worldwide"]
        except ValidationError as exc:
            raise ValidationError(exc.message, where="d-territories") from None
        try:
            excluded = parse_territories(self._value("d-excluded")) if self._value("d-excluded").strip() else []
        except ValidationError as exc:
            raise ValidationError(exc.message, where="d-excluded") from None
        price = self._value("d-price").strip()
        if len(price) > 32:
            raise ValidationError(f"price tier too long ({len(price)} characters, at most 32)", where="d-price")
        preorder = self.query_one("#d-preorder", MarkedCheckbox).value
        instant = []
        for part in self._value("d-instant").replace(";", ",").replace(" ", ",").split(","):
            if part.strip():
                try:
                    instant.append(normalize_isrc(part, field="instant-gratification track"))
                except ValidationError as exc:
                    raise ValidationError(exc.message, where="d-instant") from None
        start, end = self._date("d-start", "deal_start"), self._date("d-end", "deal_end")
        if preorder and end is None and self.release_date is None:
            raise ValidationError("a pre-order ends when the release comes out: give an end date or set the "
                                  "release date (Basics) first", where="d-end")
        if preorder and start is not None and self.release_date is not None and start >= self.release_date:
            raise ValidationError(f"a pre-order opens before the release date ({self.release_date})", where="d-start")
        return DealRow(self.deal.id, territories, excluded,
                       list(self.query_one("#d-models", MarkedSelectionList).selected),
                       list(self.query_one("#d-uses", MarkedSelectionList).selected),
                       start, end, price or None, preorder, instant)

    def action_submit(self) -> None:
        where = {"territories": "d-territories", "commercial_models": "d-models", "use_types": "d-uses",
                 "start": "d-start", "end": "d-end", "instant_gratification": "d-instant"}
        try:
            values = self.read()
            check_deal(values)
        except StardustError as exc:
            self.query_one("#deal-form-error", Static).update(f"✗ {exc.message}")
            target = where.get(exc.where or "", exc.where)
            if target:
                self.set_focus(self.query_one(f"#{target}"))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
