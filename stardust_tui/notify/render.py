"""Subject, plain text and HTML of a notification, from Jinja2 templates the user can override.

The shipped templates are ``stardust_tui/notify/templates/*.j2``; a file of the same name in the config
directory's ``notify/templates/`` replaces one (``subject.txt.j2``, ``message.txt.j2``, ``message.html.j2``,
``weekly.txt.j2``, ``weekly.html.j2``). Templates run in Jinja2's sandbox; ``*.html.j2`` templates are
autoescaped, so a release title or a DSP's error text can never inject markup. A broken template is a
permanent failure of that message naming the file and line (``stardust notify test`` shows it at once).

Context: ``events`` (the payloads as dicts), ``event`` (the first one), ``count``, ``digest`` (immediate,
hourly, daily), ``delivery_id``; filter ``local`` shows an ISO time in ``[notify] timezone``.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from stardust_tui.notify.channel import Outgoing, SendFailed

if TYPE_CHECKING:
    from stardust_tui.paths import Paths

TEMPLATES = ("subject.txt.j2", "message.txt.j2", "message.html.j2", "weekly.txt.j2", "weekly.html.j2")
SUBJECT_MAX = 200


def user_template_dir(paths: Paths) -> Path:
    return paths.config_dir / "notify" / "templates"


class Renderer:
    """Renders messages with the user's templates first, then the shipped ones."""

    def __init__(self, template_dir: Path | None, tz: tzinfo) -> None:
        loaders = [FileSystemLoader(str(template_dir))] if template_dir is not None else []
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader([*loaders, PackageLoader("stardust_tui.notify", "templates")]),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")), undefined=Undefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.filters["local"] = self._local
        self.tz = tz

    def _local(self, value: object) -> str:
        if not isinstance(value, str) or not value:
            return "" if value is None else str(value)
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return when.astimezone(self.tz).strftime("%Y-%m-%d %H:%M %Z").strip()

    def render(self, message: Outgoing) -> tuple[str, str, str]:
        events = [e.data for e in message.events]
        context = {"events": events, "event": events[0] if events else {}, "count": len(events),
                   "digest": message.digest, "delivery_id": message.delivery_id}
        out = []
        for name in ("subject.txt.j2", "message.txt.j2", "message.html.j2"):
            try:
                out.append(self.env.get_template(name).render(context))
            except TemplateError as exc:
                line = getattr(exc, "lineno", None)
                where = getattr(exc, "name", None) or name
                raise SendFailed(f"template {where}{f' line {line}' if line else ''}: {exc}", permanent=True) from None
        subject = " ".join(out[0].split())
        if len(subject) > SUBJECT_MAX:
            subject = subject[: SUBJECT_MAX - 1] + "…"
        return subject, out[1], out[2]
