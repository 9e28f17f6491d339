"""``stardust user add|list|remove|set-role|whoami``: who may use a shared installation, with which role.

Roles, lowest first (each includes the ones before it): viewer (read), editor (change drafts), releaser
(mark ready, deliver, take down), admin (targets, secrets, keys, users, restore). ``--label`` limits a
user to some labels' releases. A fresh install is single-user (whoever runs it is admin) until someone
else is added; the one adding them becomes admin, the owner.
"""

from __future__ import annotations

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json
from stardust_tui.services.actor import ROLES

USER_NAME = P.Text(200, nonempty=True)
LABEL = P.Text(500, nonempty=True)
ROLE = P.Vocabulary(ROLES, "role", "ROLE")


def register(cli: click.Group) -> None:
    cli.add_command(user)


@click.group()
def user() -> None:
    """Users of a shared installation and their roles (viewer, editor, releaser, admin)."""


def _labels(labels: tuple[str, ...] | None) -> str:
    return ", ".join(labels) if labels else "all labels"


@user.command("add")
@click.argument("name", type=USER_NAME)
@click.argument("role", type=ROLE)
@click.option("--label", "labels", type=LABEL, multiple=True,
              help="Only releases of this label (repeat for several) [default: every label].")
@click.pass_obj
def user_add(obj: StardustContext, name: str, role: str, labels: tuple[str, ...]) -> None:
    """Add NAME (an OS login) with ROLE; the first user added also makes you admin (the owner)."""
    change = obj.services.users.add(name, role, labels)
    for u in change.users:
        click.echo(f"added {u.name}: {u.role}, {_labels(u.labels)}")
    for note in change.notes:
        click.echo(f"note: {note}", err=True)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def user_list(obj: StardustContext, as_json: bool) -> None:
    """List users with their role and labels."""
    rows = obj.services.users.list()
    if as_json:
        echo_json([r.as_dict() for r in rows])
        return
    if not rows:
        click.echo("no users: this installation is single-user (whoever runs it is admin)", err=True)
        return
    click.echo(f"{'NAME':<24} {'ROLE':<9} {'ADDED BY':<16} LABELS")
    for r in rows:
        click.echo(f"{r.name:<24} {r.role:<9} {r.created_by:<16} {_labels(r.labels)}")


@user.command("set-role")
@click.argument("name", type=USER_NAME)
@click.argument("role", type=ROLE)
@click.option("--label", "labels", type=LABEL, multiple=True, help="Replace the user's labels with these.")
@click.option("--all-labels", is_flag=True, help="Lift the user's label limit.")
@click.pass_obj
def user_set_role(obj: StardustContext, name: str, role: str, labels: tuple[str, ...], all_labels: bool) -> None:
    """Change NAME's role (labels are kept unless --label or --all-labels)."""
    change = obj.services.users.set_role(name, role, labels=labels or None, all_labels=all_labels)
    click.echo(change.notes[0])
    for note in change.notes[1:]:
        click.echo(f"note: {note}", err=True)


@user.command("remove")
@click.argument("name", type=USER_NAME)
@click.pass_obj
def user_remove(obj: StardustContext, name: str) -> None:
    """Remove NAME: they can no longer use Stardust here (what they did stays in the audit log)."""
    row = obj.services.users.remove(name)
    click.echo(f"removed {row.name} (was {row.role}, {_labels(row.labels)})")


@user.command("whoami")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def user_whoami(obj: StardustContext, as_json: bool) -> None:
    """Who you act as here, and your role and labels."""
    me = obj.services.users.whoami()
    if as_json:
        echo_json(me)
        return
    role = me.role or "no role"
    click.echo(f"{me.name} ({me.kind}{', OS user ' + me.login if me.login and me.login != me.name else ''}): "
               f"{role}, {_labels(tuple(me.labels) if me.labels else None)}")
    if me.note:
        click.echo(f"note: {me.note}", err=True)
