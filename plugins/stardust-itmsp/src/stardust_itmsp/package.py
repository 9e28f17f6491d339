"""Writing one ``<UPC>.itmsp`` package: files copied under their package names, checked, then renamed in.

Names follow the example in Apple's package format: ``<UPC>_01.wav`` ... for the tracks (``<UPC>_<disc>_<nn>``
when the release has several discs) and ``<UPC>_cover.jpg`` for the artwork; the extension is the stored
file's format. Each file is copied while its MD5 is computed, and must match the MD5 the catalog recorded
when the file was added (a changed or damaged stored file stops the export). The package is built in a
hidden temporary folder beside the final one, verified (:func:`stardust_itmsp.verify.verify_package`), and
only then renamed to ``<UPC>.itmsp``: an interrupted export never leaves a package under its real name.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stardust_itmsp.metadata import MetadataError, PackedFile, build_metadata
from stardust_itmsp.verify import verify_package

AUDIO_EXT = {"WAV": ".wav", "WAVE": ".wav", "FLAC": ".flac", "AIFF": ".aif", "MP3": ".mp3", "M4A": ".m4a",
             "MP4": ".m4a"}
IMAGE_EXT = {"JPEG": ".jpg", "JPG": ".jpg", "PNG": ".png", "TIFF": ".tif"}


def _extension(container: str | None, table: Mapping[str, str], fallback: Path) -> str:
    return table.get((container or "").upper(), fallback.suffix.lower() or ".bin")


def package_names(view: Any, files: Mapping[str, Path]) -> dict[str, str]:
    """Resource ref -> the file's name in the package (tracks and the cover)."""
    upc = view.release.upc
    recordings = list(view.recordings)
    discs = {r.disc for r in recordings}
    width = max(2, len(str(max((r.track for r in recordings), default=1))))
    names = {}
    for rec in recordings:
        stem = f"{upc}_{rec.track:0{width}d}" if len(discs) <= 1 else f"{upc}_{rec.disc}_{rec.track:0{width}d}"
        source = files.get(rec.ref, Path(""))
        names[rec.ref] = stem + _extension(rec.file.container if rec.file else None, AUDIO_EXT, source)
    cover = view.image
    if cover is not None:
        names[cover.ref] = f"{upc}_cover" + _extension(cover.file.container if cover.file else None, IMAGE_EXT,
                                                         files.get(cover.ref, Path("")))
    return names


def _copy(source: Path, target: Path, expected_md5: str | None) -> PackedFile:
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with source.open("rb") as src, target.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
                size += len(block)
    except FileNotFoundError:
        raise MetadataError(f"{source}: the stored file is missing from the asset store") from None
    md5 = digest.hexdigest()
    if expected_md5 and md5 != expected_md5.lower():
        raise MetadataError(f"{source}: MD5 {md5} differs from the catalog's {expected_md5} (the stored file changed)")
    return PackedFile(target.name, size, md5)


def write_package(view: Any, files: Mapping[str, Path], folder: Path, *, provider: str, language: str) -> Path:
    """Write ``folder`` (named ``<UPC>.itmsp``) for one release; returns it. Nothing is left on failure."""
    if folder.exists():
        raise MetadataError(f"{folder} exists: remove it or export somewhere else")
    if view.image is None or view.image.ref not in files:
        raise MetadataError(f"{view.release.title}: an iTunes package needs the cover artwork")
    names = package_names(view, files)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        by_ref = {r.ref: r for r in view.resources}
        packed = {}
        for ref, name in names.items():
            if ref not in files:
                raise MetadataError(f"{view.release.title}: {by_ref[ref].title or ref} has no stored file")
            file_view = by_ref[ref].file
            packed[ref] = _copy(files[ref], scratch / name, file_view.md5 if file_view else None)
        audio = {ref: f for ref, f in packed.items() if ref != view.image.ref}
        data = build_metadata(view, provider=provider, language=language, artwork=packed[view.image.ref],
                              audio=audio)
        (scratch / "metadata.xml").write_bytes(data)
        checked = verify_package(scratch, as_name=folder.name)
        if not checked.ok:
            raise MetadataError(f"the package failed its own check: {'; '.join(checked.problems[:3])}")
        scratch.chmod(0o755)
        scratch.rename(folder)
        return folder
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise

