"""Characters that str.isdigit() calls digits but int() refuses ('²', '٣'): a message, a header or a search
term holding one is reported or ignored, never a ValueError (issue 19: no traceback for any input)."""

from __future__ import annotations

from lxml import etree

from stardust_tui.ern.rules import Issue, check_dates, check_identifiers
from stardust_tui.notify.webhook import _retry_after


def test_an_icpn_with_a_superscript_digit_is_a_finding() -> None:
    root = etree.fromstring(b"<M><ICPN>1234567\xc2\xb2</ICPN></M>")
    issues: list[Issue] = []
    check_identifiers(root, issues)
    assert [i.rule for i in issues] == ["ERN-ID-002"]


def test_a_partial_date_of_other_digits_is_a_finding_or_nothing() -> None:
    root = etree.fromstring("<M><Deal><StartDate>٢٠٢٤</StartDate></Deal></M>".encode())
    issues: list[Issue] = []
    check_dates(root, issues)  # no exception; what it reports is the rule's business


def test_a_retry_after_of_other_digits_is_ignored() -> None:
    assert _retry_after("²") is None
    assert _retry_after("7") == 7.0
