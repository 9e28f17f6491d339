"""What an import did: counts, and every problem with file, line and column/field.

``ImportReport`` is returned by every importer (CSV, JSON, DDEX, audio); the CLI prints
:meth:`ImportReport.render`, the hot folder writes :meth:`ImportReport.to_json` next to the file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from stardust_tui.errors import ValidationError

MAX_ISSUES = 1000  # kept in the report; the count goes on


class SourceError(ValidationError):
    """A source file that cannot be read any further, with the line where reading stopped."""

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message, where=file)
        self.message = message


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem. ``severity`` is "error" (the release cannot go in) or "warning" (it can)."""

    severity: str
    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None  # the header of the column, or the field name
    release: str | None = None  # UPC (or title) of the release concerned

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        if self.column:
            where = f"{where} [{self.column}]" if where else f"[{self.column}]"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportReport:
    """Counts and issues of one import run."""

    source: str = ""
    format: str = ""
    dry_run: bool = False
    atomic: bool = True
    rows: int = 0
    releases_seen: int = 0
    tracks_seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    rolled_back: bool = False
    seconds: float = 0.0
    error_count: int = 0
    warning_count: int = 0
    issues: list[Issue] = field(default_factory=list)
    release_ids: list[int] = field(default_factory=list)  # created or updated, first 1000
    notes: list[str] = field(default_factory=list)  # what matched what (audio import), first 1000
    decisions: list[str] = field(default_factory=list)  # how the file was read (encoding, date order, levels...)
    cancelled: bool = False

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_ISSUES:
            self.notes.append(text)

    def add(self, issue: Issue) -> None:
        if issue.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)

    def error(self, message: str, **where: object) -> None:
        self.add(Issue("error", message, **where))  # type: ignore[arg-type]

    def warning(self, message: str, **where: object) -> None:
        self.add(Issue("warning", message, **where))  # type: ignore[arg-type]

    @property
    def ok(self) -> bool:
        """True when the run changed the catalog as asked (no errors, or --partial)."""
        return self.error_count == 0 or (not self.atomic and not self.rolled_back)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        state = " (dry run: nothing changed)" if self.dry_run else ""
        if self.rolled_back and not self.dry_run:
            state = " (cancelled: nothing changed)" if self.cancelled else " (rolled back: nothing changed)"
        rate = f", {self.rows / self.seconds:,.0f} rows/s" if self.seconds > 0 and self.rows else ""
        return (f"{self.source}: {self.rows} rows, {self.releases_seen} releases, {self.tracks_seen} tracks: "
                f"{self.created} {verb}created, {self.updated} {verb}updated, {self.unchanged} unchanged, "
                f"{self.skipped} skipped ({self.duplicates} duplicates); {self.error_count} errors, "
                f"{self.warning_count} warnings in {self.seconds:.1f}s{rate}{state}")

    def render(self, *, limit: int = 50) -> str:
        """Human-readable: the issues (errors first, at most ``limit``) then the summary line."""
        lines = [f"note: {d}" for d in self.decisions]
        lines += [f"error: {i}" for i in self.errors[:limit]]
        lines += [f"warning: {i}" for i in self.warnings[: max(0, limit - len(lines) + len(self.decisions))]]
        hidden = self.error_count + self.warning_count - (len(lines) - len(self.decisions))
        if hidden > 0:
            lines.append(f"... and {hidden} more")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["ok"] = self.ok
        data["issues"] = [asdict(i) for i in self.issues]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str)
