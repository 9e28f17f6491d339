"""Rules (events -> channels, by target and label), their config check, digest/weekly schedules, redaction and
webhook signatures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stardust_tui.config import load_settings
from stardust_tui.errors import ConfigError
from stardust_tui.notify.redact import redact
from stardust_tui.notify.rules import channels_for, parse_rules
from stardust_tui.notify.schedule import Schedule, zone
from stardust_tui.notify.signing import BadSignature, sign, verify

CHANNELS = ["ops-mail", "pager", "label-hook"]


def test_without_rules_every_channel_gets_every_default_event() -> None:
    assert channels_for([], CHANNELS, "delivery.failed", target="spotify", label="A") == CHANNELS
    assert channels_for([], CHANNELS, "delivery.retrying", target="spotify", label="A") == []
    assert channels_for([], CHANNELS, "notify.test", target=None, label=None) == []


def test_rules_filter_by_event_target_and_label() -> None:
    rules = parse_rules([
        {"events": ["delivery.failed", "circuit.*"], "channels": ["pager"]},
        {"events": ["*"], "channels": ["label-hook"], "labels": ["Star Records"]},
        {"events": ["ack.rejected"], "channels": ["ops-mail"], "targets": ["Spotify", "deezer"]},
        {"events": ["delivery.retrying"], "channels": ["Ops-Mail"]},
    ])
    assert channels_for(rules, CHANNELS, "circuit.opened", target="x", label=None) == ["pager"]
    assert channels_for(rules, CHANNELS, "delivery.failed", target="x", label="star records") == ["pager",
                                                                                                  "label-hook"]
    assert channels_for(rules, CHANNELS, "ack.rejected", target="spotify", label=None) == ["ops-mail"]
    assert channels_for(rules, CHANNELS, "ack.rejected", target="youtube", label=None) == []
    assert channels_for(rules, CHANNELS, "backup.failed", target=None, label=None) == []  # no label: not "*"
    # an off-by-default event goes only where a rule names it ("*" does not include it)
    assert channels_for(rules, CHANNELS, "delivery.retrying", target="x", label="Star Records") == ["ops-mail"]
    assert channels_for(rules, ["pager"], "delivery.failed", target="x", label=None) == ["pager"]


@pytest.mark.parametrize(("rule", "message"), [
    ({"channels": ["a"]}, "rule 1: 'events' is missing"),
    ({"events": [], "channels": ["a"]}, "rule 1: 'events' is empty"),
    ({"events": ["delivery.faild"], "channels": ["a"]}, "rule 1: 'delivery.faild' names no event"),
    ({"events": ["nothing.*"], "channels": ["a"]}, "names no event"),
    ({"events": ["*"], "channels": [""]}, "'channels' must be a list of non-empty strings"),
    ({"events": ["*"], "channels": ["a"], "target": ["x"]}, "unknown key 'target'"),
])
def test_bad_rules_are_refused_naming_the_rule(rule: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rules([rule])


def _config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_the_config_file_is_checked(isolated_home: Path) -> None:
    _config(isolated_home, '[notify]\ntimezone = "Europe/Berlin"\nweekly_day = "Friday"\n\n'
                           '[[notify.rules]]\nevents = ["ack.*"]\nchannels = ["ops"]\ntargets = ["spotify"]\n')
    settings = load_settings()
    assert settings.notify["weekly_day"] == "friday" and settings.notify["rules"][0]["targets"] == ["spotify"]
    assert settings.warnings == []
    for text, message in [
        ('[[notify.rules]]\nevents = ["ack.rejectd"]\nchannels = ["ops"]\n',
         "notify.rules: rule 1: 'ack.rejectd' names no event"),
        ('[notify]\ntimezone = "Mars/Olympus"\n', "notify.timezone: unknown time zone 'Mars/Olympus'"),
        ('[notify]\nweekly_day = "someday"\n', "notify.weekly_day: expected a day of the week"),
        ('[notify]\ndaily_hour = 24\n', "notify.daily_hour: expected an integer from 0 to 23, got 24"),
        ('[notify]\nrules = "all"\n', "notify.rules: expected a list of tables"),
    ]:
        _config(isolated_home, text)
        with pytest.raises(ConfigError, match=message):
            load_settings()
    _config(isolated_home, '[notify]\nretry_bse_seconds = 3\n')
    assert "did you mean 'notify.retry_base_seconds'" in load_settings().warnings[0]


def test_digest_windows_and_the_weekly_slot_in_the_users_zone() -> None:
    berlin = Schedule(tz=zone("Europe/Berlin"), daily_hour=8, weekly_day=0, weekly_hour=9)
    now = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)  # Friday 08:30 in Berlin
    assert berlin.due_at("immediate", now) == now
    assert berlin.due_at("hourly", now) == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    assert berlin.due_at("daily", now) == datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # tomorrow 08:00 Berlin
    assert berlin.due_at("daily", datetime(2026, 12, 4, 6, 59, tzinfo=UTC)) == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    assert berlin.weekly_slot(now) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 Berlin
    assert berlin.weekly_slot(datetime(2026, 11, 30, 7, 59, tzinfo=UTC)) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    # across the switch to summer time the slot stays 09:00 local
    assert berlin.weekly_slot(datetime(2026, 4, 1, tzinfo=UTC)) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_redaction_of_error_texts() -> None:
    text = ("PUT https://user:p%40ss@bucket.example/x?X-Amz-Signature=abcdef&X-Amz-Credential=AKIA/1&part=2 "
            "failed; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig; api_key=s3cr3tvalue whsec_abcDEF123")
    out = redact(text, secrets=("hunter22",)) or ""
    for secret in ("p%40ss", "abcdef", "AKIA/1", "eyJhbGci", "s3cr3tvalue", "abcDEF123"):
        assert secret not in out
    assert "https://user:***@bucket.example/x?X-Amz-Signature=***&X-Amz-Credential=***&part=2" in out
    assert redact("login hunter22 refused", secrets=("hunter22",)) == "login *** refused"
    assert redact("a\nb   c") == "a b c" and len(redact("x" * 5000) or "") == 1000 and redact(None) is None


def test_signatures() -> None:
    secret, body = "whsec_test", b'{"id":"evt_1"}'
    header = sign(secret, body, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify(secret, header, body, now=1_700_000_100) == 1_700_000_000
    for bad_secret, bad_body, now, message in [
        ("whsec_other", body, 1_700_000_100, "does not match"),
        (secret, body + b" ", 1_700_000_100, "does not match"),
        (secret, body, 1_700_000_400, "more than 300 s"),
    ]:
        with pytest.raises(BadSignature, match=message):
            verify(bad_secret, header, bad_body, now=now)
    with pytest.raises(BadSignature, match="no Stardust-Signature header"):
        verify(secret, None, body)
    # a receiver may list several v1 values while rotating secrets
    assert verify(secret, header + ",v1=" + "0" * 64, body, now=1_700_000_000)
