"""Roles (issue 15): every role and every API-key scope against every service action, one table; single-user
until a second user is added; the last admin stays; STARDUST_ACTOR only for admins; editors change drafts only;
refusals are one line naming the role. Real SQLite store, real services, real local target."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.errors import ConflictError, PermissionDenied, StardustError, ValidationError
from stardust_tui.services import Services
from stardust_tui.services.actor import ACTIONS, LEVELS, ROLES, Actor, rank
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, get_release

Call = Callable[[Services, dict[str, Any]], Any]


@pytest.fixture
def world(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """A store with users of every role, a draft release, a queued delivery and a local target."""
    out = tmp_path / "dsp"
    out.mkdir()
    (tmp_path / "note.txt").write_text("liner notes\n")
    owner = Services(settings, sqlite_engine, actor=Actor("olga"))
    owner.users.add("vic", "viewer")
    for name, role in (("eddie", "editor"), ("rita", "releaser"), ("ada", "admin")):
        owner.users.add(name, role)
    owner.targets.add(name="shop", url=f"file://{out}")
    owner.notifications.add("webhook", "hook", {"url": "https://hooks.example.com/stardust"})
    with session_scope(sqlite_engine) as s:
        rid = create_release(s, actor="olga", title="Glass Harbour", artists=["Mira Sol"], label="Star").id
        create_release(s, actor="olga", title="Low Tide", artists=["Jonah Reed"], label="Star")
    delivery = owner.deliveries.enqueue(rid, owner.targets.get("shop").id)
    return {"owner": owner, "release": rid, "delivery": delivery, "note": tmp_path / "note.txt",
            "settings": settings, "engine": sqlite_engine}


def _fresh_release(w: dict[str, Any]) -> int:
    with session_scope(w["engine"]) as s:
        return int(create_release(s, actor="olga", title="Scratch", artists=["Nobody"], label="Star").id)


def _new_target(svc: Services, w: dict[str, Any]) -> Any:
    return svc.targets.add(name=f"t-{svc.actor.name}-{len(svc.targets.list())}", url=f"file://{w['note'].parent}")


def _ack(svc: Services, w: dict[str, Any]) -> Any:
    from stardust_tui.services.ack_inbox import AckInbox

    return AckInbox(svc).receive("shop", "not-the-token", b"<x/>")


# One real service call per action (the table the roles are checked against).
CALLS: dict[str, Call] = {
    "release.read": lambda svc, w: svc.releases.list(),
    "release.write": lambda svc, w: svc.releases.edit(w["release"], genre="Pop"),
    "release.delete": lambda svc, w: svc.releases.delete(_fresh_release(w)),
    "release.status": lambda svc, w: svc.releases.set_status(w["release"], "draft"),
    "asset.read": lambda svc, w: svc.assets.list(),
    "asset.write": lambda svc, w: svc.assets.add([w["note"]]),
    "delivery.read": lambda svc, w: svc.deliveries.find(),
    "delivery.queue": lambda svc, w: svc.deliveries.enqueue(w["release"], svc.targets.get("shop").id, "update"),
    "delivery.run": lambda svc, w: svc.deliveries.make_runner(None),
    "target.read": lambda svc, w: svc.targets.list(),
    "target.test": lambda svc, w: asyncio.run(svc.targets.test("shop", lambda *_: None)),
    "target.admin": _new_target,
    "store.admin": lambda svc, w: svc.releases.reindex(),
    "apikey.admin": lambda svc, w: svc.apikeys.list(),
    "ack.receive": _ack,
    "audit.read": lambda svc, w: svc.audit.list(),
    "privacy.admin": lambda svc, w: svc.personal_data.export("Mira Sol"),
    "user.admin": lambda svc, w: svc.users.list(),
    "retention.admin": lambda svc, w: svc.retention.run(dry_run=False),
    "notify.read": lambda svc, w: svc.notifications.list(),  # issue 10's actions
    "notify.send": lambda svc, w: svc.notifications.retry(),
    "notify.admin": lambda svc, w: svc.notifications.set_enabled("hook", True),
}
PASSED_THE_GATE_THEN_FAILED = {"ack.receive"}  # a wrong ACK token is refused after the role check


def test_the_table_covers_every_action() -> None:
    assert set(CALLS) == set(ACTIONS)


def _outcomes(svc: Services, w: dict[str, Any]) -> dict[str, str]:
    got = {}
    for action, call in CALLS.items():
        try:
            call(svc, w)
            got[action] = "allowed"
        except PermissionDenied as exc:
            got[action] = f"refused: {exc}"
        except StardustError as exc:
            got[action] = "allowed" if action in PASSED_THE_GATE_THEN_FAILED else f"failed: {exc}"
    return got


@pytest.mark.parametrize("who", [*(("user", r) for r in ROLES), *(("apikey", lv) for lv in LEVELS)],
                         ids=lambda who: "-".join(who))
def test_each_role_and_scope_against_each_service_action(world: dict[str, Any], who: tuple[str, str]) -> None:
    kind, role = who
    names = {"viewer": "vic", "editor": "eddie", "releaser": "rita", "admin": "ada"}
    actor = Actor(names[role]) if kind == "user" else Actor.api_key(f"key-{role}", scope=role)
    svc = Services(world["settings"], world["engine"], actor=actor)
    got = _outcomes(svc, world)
    expected = {a: "allowed" if rank(role) >= rank(level) else "refused" for a, level in ACTIONS.items()}
    assert {a: g.split(":")[0] for a, g in got.items()} == expected, got
    for action, outcome in got.items():  # a refusal is one line naming the role the action needs
        if outcome.startswith("refused"):
            needed = ROLES[LEVELS.index(ACTIONS[action])]
            said = f"needs the {needed} role" if kind == "user" else f"needs {ACTIONS[action]} (the {needed} role)"
            assert "\n" not in outcome and said in outcome, outcome


def test_a_user_not_in_the_list_may_do_nothing_and_is_told_how_to_get_in(world: dict[str, Any]) -> None:
    svc = Services(world["settings"], world["engine"], actor=Actor("mallory"))
    with pytest.raises(PermissionDenied, match=r"reading the catalog needs the viewer role \(mallory is not a "
                                               r"Stardust user here; an admin adds them with 'stardust user add "
                                               r"mallory ROLE'\)"):
        svc.releases.list()


def test_single_user_until_a_second_user_is_added(settings: Settings, sqlite_engine: Engine) -> None:
    me = Services(settings, sqlite_engine, actor=Actor("olga"))
    other = Services(settings, sqlite_engine, actor=Actor("pete"))
    assert me.users.whoami().single_user and other.users.whoami().role == "admin"  # anyone runs it as admin
    change = me.users.add("pete", "viewer")
    assert [(u.name, u.role) for u in change.users] == [("olga", "admin"), ("pete", "viewer")]
    assert "olga added as admin" in change.notes[-1]
    other.access.forget()
    with pytest.raises(PermissionDenied, match="managing users needs the admin role"):
        other.users.add("quinn", "admin")
    with pytest.raises(ConflictError, match="olga is the last admin"):
        me.users.set_role("olga", "viewer")
    with pytest.raises(ConflictError, match="last admin"):
        me.users.remove("olga")
    assert [u.name for u in me.users.list()] == ["olga", "pete"]  # nothing changed by the refusals


def test_the_first_user_cannot_lock_the_owner_out(settings: Settings, sqlite_engine: Engine) -> None:
    me = Services(settings, sqlite_engine, actor=Actor("olga"))
    with pytest.raises(ValidationError, match="first user must be an admin"):
        me.users.add("olga", "editor")
    assert me.users.list() == []


def test_stardust_actor_is_only_for_admins(world: dict[str, Any]) -> None:
    s, e = world["settings"], world["engine"]
    as_admin = Services(s, e, actor=Actor("vic", login="ada"))  # an admin acting as vic gets vic's role
    assert as_admin.users.whoami().role == "viewer"
    with pytest.raises(PermissionDenied, match="changing releases needs the editor role"):
        as_admin.releases.edit(world["release"], genre="Jazz")
    as_eddie = Services(s, e, actor=Actor("ada", login="eddie"))  # an editor claiming to be ada
    with pytest.raises(PermissionDenied, match=r"STARDUST_ACTOR=ada: only an admin may act as another user "
                                               r"\(eddie is editor\)"):
        as_eddie.releases.list()


def test_a_worker_acts_with_the_role_of_its_os_account(world: dict[str, Any]) -> None:
    s, e = world["settings"], world["engine"]
    assert Services(s, e, actor=Actor("worker@h1", kind="worker", login="rita")).users.whoami().role == "releaser"
    with pytest.raises(PermissionDenied, match="worker@h2 runs as OS user 'nobody', who is not a Stardust user"):
        Services(s, e, actor=Actor("worker@h2", kind="worker", login="nobody")).deliveries.make_runner(None)


def test_an_editor_changes_drafts_only(world: dict[str, Any]) -> None:
    s, e = world["settings"], world["engine"]
    eddie = Services(s, e, actor=Actor("eddie"))
    eddie.releases.edit(world["release"], genre="Jazz")  # a draft: fine
    with session_scope(e) as ses:
        rel = get_release(ses, world["release"])
        rel.status = "ready"
        ses.add(rel)
    with pytest.raises(PermissionDenied, match=rf"release {world['release']} is ready: changing a release that is "
                                               r"not a draft needs the releaser role \(eddie is editor\)"):
        eddie.releases.edit(world["release"], genre="Soul")
    with pytest.raises(PermissionDenied, match="not a draft"):
        eddie.releases.add_track(world["release"], title="Bonus")
    Services(s, e, actor=Actor("rita")).releases.edit(world["release"], genre="Soul")  # a releaser may
    assert Services(s, e, actor=Actor("vic")).releases.show(world["release"])["genre"] == "Soul"


def test_refusals_on_the_command_line_are_one_line(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from stardust_tui.services import actor as actor_mod

    monkeypatch.setattr(actor_mod, "os_user", lambda: "vic")
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    result = CliRunner().invoke(cli, ["release", "edit", str(world["release"]), "--genre", "Pop"])
    assert result.exit_code == 1
    assert result.stderr == "error: changing releases needs the editor role (vic is viewer)\n"
    result = CliRunner().invoke(cli, ["target", "remove", "shop", "--yes"])
    assert result.stderr == "error: changing targets and their secrets needs the admin role (vic is viewer)\n"
    result = CliRunner().invoke(cli, ["user", "whoami"])
    assert result.exit_code == 0 and result.output == "vic (user): viewer, all labels\n"


def test_deliveries_record_who_queued_them(world: dict[str, Any]) -> None:
    from stardust_tui.domain.delivery_models import Delivery

    rita = Services(world["settings"], world["engine"], actor=Actor("rita"))
    did = rita.deliveries.enqueue(world["release"], rita.targets.get("shop").id, "takedown")
    rita.deliveries.cancel(did)
    with session_scope(world["engine"]) as s:
        assert s.get(Delivery, world["delivery"]).requested_by == "olga"
        assert s.get(Delivery, did).requested_by == "rita"
    entries = rita.audit.list().entries
    assert [(e.actor, e.action, e.subject) for e in entries[:2]] == [
        ("rita", "cancel-delivery", f"delivery:{did}"), ("rita", "queue-delivery", f"delivery:{did}")]



def test_the_daemons_hot_folders_import_as_worker_at_host(world: dict[str, Any], tmp_path: Path) -> None:
    import time

    from stardust_tui.worker import housekeeping
    from stardust_tui.worker.events import JsonLineLog

    drop = tmp_path / "drop"
    drop.mkdir()
    settings = world["settings"]
    settings.watch_dirs = [drop]
    started = housekeeping.start_hot_folders(settings, world["engine"], log=JsonLineLog(tmp_path / "log.jsonl"),
                                             actor="worker@ingest-01")
    assert started is not None
    thread, stop = started
    (drop / "drop.csv").write_text("upc,title,artist,label,track_title\n036000291452,Dropped,Ann Lee,Star,One\n")
    owner = world["owner"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not owner.releases.list().total == 3:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=20)
    (row,) = [r for r in owner.releases.list().releases if r.title == "Dropped"]
    assert [h.actor for h in owner.releases.history(row.id)] == ["worker@ingest-01"]
