"""The audit log (issue 15): hash-chained entries that `stardust audit verify` checks — an edited, a deleted and a
slipped-in entry are found — on SQLite and PostgreSQL, with concurrent writers; the viewer's filters and field-level
changes; existing entries chained by migration 0009; bulk-imported entries join the chain."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.services.audit import AuditFilters
from stardust_tui.store import audit_chain
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.releases import create_release


def _verify(engine: Engine) -> audit_chain.ChainReport:
    with engine.connect() as conn:
        return audit_chain.verify(conn)


def _catalog(settings: Settings, engine: Engine, n: int = 4) -> Services:
    svc = Services(settings, engine, actor=Actor("ann"))
    for i in range(n):
        rid = svc.releases.create(title=f"Song {i}", artists=["Luna Park"], label="Star Records")
        svc.releases.edit(rid, genre="Pop")
    return svc


def test_a_tampered_a_deleted_and_a_slipped_in_entry_are_found(settings: Settings, engine: Engine) -> None:
    _catalog(settings, engine)
    report = _verify(engine)
    assert report.ok and report.checked == report.head_seq == 8, report.problems
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    assert _verify(engine).problems == [
        "entry #3 (id 3, create release 2) was changed after it was written: its content does not match its hash"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'ann' WHERE seq = 3"))  # put back: intact again
    assert _verify(engine).ok
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    assert _verify(engine).problems == ["entry #5 deleted (the chain jumps from #4 to #6)"]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 8"))
        conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id, note) "
                          "VALUES ('2026-01-01 00:00:00', 'mallory', 'edit', 'release', '1', 'nothing to see')"))
    problems = _verify(engine).problems
    assert problems == ["entry #5 deleted (the chain jumps from #4 to #6)",
                        "the newest 1 entry was deleted (#8 to #8; the chain's head names them)",
                        "1 entry is outside the chain (written without Stardust's audit writer)"]


def test_audit_verify_on_the_command_line(settings: Settings, sqlite_engine: Engine) -> None:
    _catalog(settings, sqlite_engine, n=2)
    ok = CliRunner().invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0 and ok.output.startswith("audit chain intact: 4 entries checked, head #4 ")
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET note = 'rewritten' WHERE seq = 2"))
    bad = CliRunner().invoke(cli, ["audit", "verify", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["problems"] == [
        "entry #2 (id 2, edit release 1) was changed after it was written: its content does not match its hash"]


def test_concurrent_writers_form_one_chain(settings: Settings, engine: Engine) -> None:
    """Four threads save releases at once (PostgreSQL: concurrent transactions); the chain has no fork or gap."""
    svc = _catalog(settings, engine, n=4)
    errors: list[BaseException] = []

    def work(rid: int) -> None:
        worker = Services(settings, engine, actor=Actor(f"editor{rid}"))
        try:
            for i in range(15):
                worker.releases.edit(rid, genre=f"G{i}")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    ids = [r.id for r in svc.releases.list().releases]
    threads = [threading.Thread(target=work, args=(rid,)) for rid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    report = _verify(engine)
    assert report.ok, report.problems
    assert report.checked == report.head_seq == 8 + 4 * 15
    with engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
    assert seqs == list(range(1, 8 + 4 * 15 + 1))


def test_migration_0009_chains_the_entries_written_before(settings: Settings) -> None:
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine, "0008")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, note) "
                              "VALUES (:at, 'old', 'edit', 'release', '7', NULL, :after, 'before 0009')"),
                         {"at": f"2024-05-0{i + 1} 10:00:00.123456", "after": json.dumps({"title": f"T{i} é"})})
    upgrade(engine)
    report = _verify(engine)
    assert report.ok and report.checked == 3, report.problems
    with session_scope(engine) as s:
        create_release(s, actor="ann", title="After", artists=["X"])
    assert _verify(engine).head_seq == 4 and _verify(engine).ok
    engine.dispose()


def test_bulk_imported_entries_join_the_chain(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    """SQLite: sealed as they are inserted (the import holds the database); PostgreSQL: sealed at commit."""
    from stardust_tui.importexport.importer import ImportOptions

    def upc(body: str) -> str:  # a UPC-A with its check digit
        odd = sum(int(c) for c in body[0::2])
        return body + str((10 - (3 * odd + sum(int(c) for c in body[1::2])) % 10) % 10)

    rows = "\n".join(f"{upc(f'0360002{9145 + i:04d}')},Album {i},Ann Lee,Star,Track {i}" for i in range(30))
    src = tmp_path / "catalog.csv"
    src.write_text("upc,title,artist,label,track_title\n" + rows + "\n")
    svc = Services(settings, engine, actor=Actor("ann"))
    svc.releases.create(title="Before", artists=["X"])  # an ORM-written entry first
    report = svc.imports.catalog(src, ImportOptions())
    assert report.created == 30, report.render()
    svc.releases.create(title="After", artists=["X"])
    chain = _verify(engine)
    assert chain.ok and chain.checked == 32, chain.problems


def test_the_viewer_filters_and_shows_field_level_changes(settings: Settings, sqlite_engine: Engine,
                                                          tmp_path: Path) -> None:
    ann = Services(settings, sqlite_engine, actor=Actor("ann"))
    rid = ann.releases.create(title="Night Drive", artists=["Luna Park"])
    Services(settings, sqlite_engine, actor=Actor("bob")).releases.edit(rid, title="Night Drive II", genre="Pop")
    out = tmp_path / "dsp"
    out.mkdir()
    ann.targets.add(name="shop", url=f"file://{out}")
    ann.targets.set_enabled("shop", False)

    entries = ann.audit.list(AuditFilters(entity=f"release:{rid}")).entries
    assert [(e.actor, e.action) for e in entries] == [("bob", "edit"), ("ann", "create")]
    assert [(c.path, c.before, c.after) for c in entries[0].changes] == [
        ("genre", None, "Pop"), ("title", "Night Drive", "Night Drive II")]
    assert ann.audit.list(AuditFilters(actor="bob")).entries[0].action == "edit"
    assert [e.action for e in ann.audit.list(AuditFilters(entity="target:shop")).entries] == [
        "edit-target", "add-target"]
    assert ann.audit.list(AuditFilters(action="edit-target")).entries[0].changes[0].path == "enabled"
    future = (date.today() + timedelta(days=2)).isoformat()

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["audit", *args])
        assert result.exit_code == 0, result.output + result.stderr
        return result.stdout

    text_out = run("--entity", f"release:{rid}", "--actor", "bob")
    assert "bob edit release:1 — revision 2 edit: changed genre, title" in text_out
    assert "    title: Night Drive -> Night Drive II" in text_out
    assert run("--since", future) == ""
    doc = json.loads(run("--action", "edit", "--json"))
    assert doc[0]["changes"] == [{"field": "genre", "before": None, "after": "Pop"},
                                 {"field": "title", "before": "Night Drive", "after": "Night Drive II"}]
    bad = CliRunner().invoke(cli, ["audit", "--entity", "track:3"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: --entity: 'track:3': expected KIND:VALUE")
