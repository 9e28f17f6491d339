"""Message templates: the shipped ones, a user's override in the config dir, autoescaped HTML, the sandbox, and a
broken template as a permanent failure naming the file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stardust_tui.notify.channel import OutEvent, Outgoing, SendFailed
from stardust_tui.notify.events import build_payload, new_delivery_id
from stardust_tui.notify.render import Renderer


def _message(renderer: Renderer, title: str = "Fish & <Chips>") -> Outgoing:
    payload = build_payload(event_id="evt_1", type="release.ready", occurred_at=datetime(2026, 12, 4, 9, tzinfo=UTC),
                            summary=f"'{title}' is ready", release={"id": 1, "upc": "1", "title": title},
                            target=None, data={})
    return Outgoing(new_delivery_id(), (OutEvent("evt_1", "release.ready", payload),), renderer=renderer)


def test_shipped_templates_escape_html_but_not_text() -> None:
    subject, text, html = _message(Renderer(None, UTC)).rendered()
    assert subject == "[Stardust] 'Fish & <Chips>' is ready"
    assert "'Fish & <Chips>' is ready" in text and "2026-12-04 09:00 UTC  release.ready" in text
    assert "&#39;Fish &amp; &lt;Chips&gt;&#39; is ready" in html and "<Chips>" not in html


def test_a_users_template_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "subject.txt.j2").write_text("ALERT {{ event.summary | upper }}\n", encoding="utf-8")
    (tmp_path / "message.html.j2").write_text("<p>{{ event.release.title }}</p>", encoding="utf-8")
    subject, text, html = _message(Renderer(tmp_path, UTC)).rendered()
    assert subject == "ALERT 'FISH & <CHIPS>' IS READY"
    assert html == "<p>Fish &amp; &lt;Chips&gt;</p>"  # still autoescaped
    assert "Event id: evt_1" in text  # the other templates are the shipped ones


@pytest.mark.parametrize(("source", "message"), [
    ("{% if %}", r"template message.txt.j2 line 1: "),
    ("{{ event.__class__.__mro__ }}", "template message.txt.j2: access to attribute '__class__'"),
    ("{{ event.relase.title }}", "template message.txt.j2: .dict object. has no attribute .relase."),
])
def test_a_broken_or_unsafe_template_is_a_permanent_failure(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "message.txt.j2").write_text(source, encoding="utf-8")
    with pytest.raises(SendFailed, match=message) as caught:
        _message(Renderer(tmp_path, UTC)).rendered()
    assert caught.value.permanent
