"""What a check reports: :class:`Finding` (one problem on one field) and :class:`CheckReport` (all of them).

Shared by the readiness rules (:mod:`stardust_tui.domain.rules`), the pure QC checks
(:mod:`stardust_tui.domain.qc`), duplicate detection and a delivery profile's own rules
(:mod:`stardust_tui.delivery.preflight`). Pure data, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem: a stable ``code``, the ``field`` it concerns (``tracks[1-2].isrc``), a message, and
    optionally ``fix``: a one-line suggestion of what to change (``set the title to "Night Drive"``)."""

    code: str
    field: str
    message: str
    severity: str = "error"
    fix: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.message} [{self.code}]"

    def at(self, where: str) -> Finding:
        """The same finding on a field of the object at ``where`` (``cover`` + ``size`` -> ``cover.size``)."""
        return replace(self, field=f"{where}.{self.field}" if self.field else where)

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain data (``fix`` only when there is one)."""
        data = asdict(self)
        if data["fix"] is None:
            del data["fix"]
        return data

    def with_severity(self, severity: str) -> Finding:
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        return replace(self, severity=severity)


@dataclass
class CheckReport:
    """Findings of a check; ``ok`` when nothing blocks."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    infos: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, finding: Finding) -> None:
        {"error": self.errors, "warning": self.warnings}.get(finding.severity, self.infos).append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.add(f)

    def all(self) -> list[Finding]:
        """Errors, then warnings, then notes."""
        return [*self.errors, *self.warnings, *self.infos]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": [f.as_dict() for f in self.errors],
                "warnings": [f.as_dict() for f in self.warnings], "infos": [f.as_dict() for f in self.infos]}
