"""Offline validation of ERN messages: safe parse, XSD (compiled once, cached), then business rules.

``validate_bytes`` / ``validate_file`` return a :class:`FileReport` with every :class:`Issue` (rule id,
line, message, severity). Schema problems the user must fix in their setup (a schema folder that does
not exist, an XSD that does not compile) raise :class:`~stardust_tui.errors.ConfigError` instead:
the CLI maps those to exit 2 ("cannot run"). Without any schema folder the XSD step is skipped and
the report says so; the business rules still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from stardust_tui.ern import rules
from stardust_tui.ern.rules import Issue
from stardust_tui.ern.safe_xml import UnsafeXmlError, XmlSyntaxError, parse_bytes
from stardust_tui.ern.schemas import NAMESPACE_VERSIONS, schema_for
from stardust_tui.errors import StardustError


@dataclass
class FileReport:
    """The outcome of validating one message."""

    path: str
    version: str | None = None
    root: str | None = None
    schema_checked: bool = False
    schema_note: str | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "version": self.version, "root": self.root, "valid": self.ok,
            "schema_checked": self.schema_checked, "schema_note": self.schema_note,
            "issues": [{"rule": i.rule, "line": i.line, "severity": i.severity, "message": i.message}
                       for i in self.issues],
        }


def detect_version(root: etree._Element) -> str | None:
    """The ERN version of a parsed message from its root namespace, or None when it is not ERN."""
    return NAMESPACE_VERSIONS.get(etree.QName(root).namespace or "")


def xsd_issues(root: etree._Element, version: str, schema_dir: Path) -> list[Issue]:
    """XSD errors (rule ``XSD``) with line numbers; an empty list when the message is schema-valid."""
    schema = schema_for(version, schema_dir, root.get("AvsVersionId"))
    if schema.validate(root):
        return []
    return [Issue("XSD", e.line or None, e.message) for e in schema.error_log]


def validate_tree(tree: etree._ElementTree, *, path: str = "<message>", schema_dir: Path | None = None,
                  package: Path | None = None, business_rules: bool = True, update: bool | None = None) -> FileReport:
    """XSD then business rules; ``update=True`` says the package re-delivers (files the recipient has may be
    left out), None finds it out (see :func:`stardust_tui.ern.rules.check_package`)."""
    root = tree.getroot()
    report = FileReport(path=path, root=etree.QName(root).localname)
    report.version = detect_version(root)
    if report.version is None:
        report.issues.append(Issue("ERN-VERSION", root.sourceline,
                                   f"root {root.tag!r} is not an ERN 3.8.2, 4.2 or 4.3 message"))
        return report
    if schema_dir is None:
        from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT

        report.schema_note = f"{NO_SCHEMAS_HINT}; XSD validation skipped"
    else:
        report.issues.extend(xsd_issues(root, report.version, schema_dir))
        report.schema_checked = True
    if business_rules:
        report.issues.extend(rules.check_all(root, package, update=update))
    return report


def validate_bytes(data: bytes, *, path: str = "<message>", schema_dir: Path | None = None,
                   package: Path | None = None, business_rules: bool = True, update: bool | None = None) -> FileReport:
    """Validate one message given as bytes (UTF-8 or UTF-16 with a BOM)."""
    try:
        tree = parse_bytes(data, source=path)
    except UnsafeXmlError as exc:
        return FileReport(path=path, issues=[Issue("XML-UNSAFE", _line(exc.message), exc.message)])
    except XmlSyntaxError as exc:
        return FileReport(path=path, issues=[Issue("XML-SYNTAX", exc.line, exc.message)])
    return validate_tree(tree, path=path, schema_dir=schema_dir, package=package, business_rules=business_rules,
                         update=update)


def validate_file(path: str | Path, *, schema_dir: Path | None = None, package: Path | None = None,
                  business_rules: bool = True, update: bool | None = None) -> FileReport:
    """Validate one message file; an unreadable file raises :class:`StardustError` (cannot run)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise StardustError(f"cannot read: {exc.strerror or exc}", where=str(p)) from None
    return validate_bytes(data, path=str(p), schema_dir=schema_dir, package=package, business_rules=business_rules,
                          update=update)


def _line(message: str) -> int | None:
    if message.startswith("line "):
        head = message[5:].split(":", 1)[0]
        return int(head) if head.isascii() and head.isdigit() else None
    return None
