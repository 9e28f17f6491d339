"""A doctor check's result, and what a set of them adds up to."""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("pass", "skip", "warn", "fail")
"""Lowest first: the report's state is its worst check's."""
SECTIONS = ("system", "ddex", "delivery", "worker", "notifications", "permissions", "speed")


@dataclass(frozen=True)
class Check:
    """One line of the doctor: ``section/name: what`` and, when it is not a pass, how to fix it."""

    section: str
    name: str
    state: str  # pass | skip | warn | fail
    what: str
    fix: str | None = None
    seconds: float = 0.0

    @property
    def line(self) -> str:
        """One line, whatever the finding's text holds (an SQLite or server message may span lines)."""
        fix = f" — fix: {one_line(self.fix)}" if self.fix and self.state in ("warn", "fail") else ""
        return f"{self.state.upper():<4}  {self.section}/{self.name}: {one_line(self.what)}{fix}"


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def passed(section: str, name: str, what: str) -> Check:
    return Check(section, name, "pass", what)


def warned(section: str, name: str, what: str, fix: str | None = None) -> Check:
    return Check(section, name, "warn", what, fix)


def failed(section: str, name: str, what: str, fix: str | None = None) -> Check:
    return Check(section, name, "fail", what, fix)


def skipped(section: str, name: str, what: str) -> Check:
    return Check(section, name, "skip", what)


def worst(checks: list[Check]) -> str:
    """The worst state among ``checks`` (``pass`` when there are none)."""
    return max((c.state for c in checks), key=STATES.index, default="pass")


def exit_code(checks: list[Check], *, strict: bool = False) -> int:
    """0 unless a check failed (1); with ``strict`` a warning also gives 1."""
    state = worst(checks)
    return 1 if state == "fail" or (strict and state == "warn") else 0
