"""The ``itmsp`` export format (a ``stardust.exporters`` entry point): one iTunes package per release."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from stardust_itmsp.metadata import MetadataError
from stardust_itmsp.package import write_package
from stardust_tui.plugin import ExportContext, Exporter, ExportItem, ExportResult, ValidationError

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class ItmspExporter(Exporter):
    name = "itmsp"
    description = "Apple iTunes Store packages (<UPC>.itmsp folders: metadata.xml, audio, artwork, MD5s)"
    suffix = ".itmsp"
    output = "directory"
    options = {"provider": "your Apple provider short name (<provider>; required)",
               "language": "the metadata language (default: the release's, else en)"}

    def check_options(self, options: Mapping[str, str]) -> dict[str, str]:
        checked = super().check_options(options)
        provider = checked.get("provider", "").strip()
        if not provider or len(provider) > 100 or not provider.isprintable():
            raise ValidationError("the itmsp format needs --set provider=SHORTNAME (your Apple provider short name)",
                                  where="--set")
        language = checked.get("language")
        if language is not None and not LANGUAGE.match(language):
            raise ValidationError(f"language {language!r} is not a language code (en, fr, pt-BR...)", where="--set")
        return checked

    def export(self, items: Iterable[ExportItem], out: Path, context: ExportContext) -> ExportResult:
        result = ExportResult()
        single = out.suffix == ".itmsp"  # OUT names the package itself (one release)
        for item in items:
            upc = item.view.release.upc or ""
            folder = out if single else out / f"{upc}.itmsp"
            if single and (result.count or out.name != f"{upc}.itmsp"):
                raise ValidationError(f"{out.name}: a package folder is named after its release's UPC "
                                      f"({upc}.itmsp); export several releases into a folder instead", where=str(out))
            language = context.options.get("language") or item.view.release.language or "en"
            try:
                write_package(item.view, item.files, folder, provider=context.options["provider"],
                              language=language)
            except MetadataError as exc:
                done = f" ({result.count} package(s) written before: {', '.join(p.name for p in result.written)})" \
                    if result.count else ""
                raise ValidationError(f"{exc}{done}", where=str(folder)) from None
            result.count += 1
            result.written.append(folder)
            if context.progress is not None:
                context.progress(result.count, None)
        if not result.count:
            result.notes.append("no release selected: nothing written")
        return result
