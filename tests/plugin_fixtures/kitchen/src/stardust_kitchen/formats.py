"""The acme-tsv catalog format: a header line, then one release per line, tab-separated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from stardust_tui.plugin import Importer, ImportRecord, ValidationError

COLUMNS = ["upc", "title", "artist", "label", "release_date", "genre", "isrc", "track_title"]


class AcmeTsv(Importer):
    name = "acme-tsv"
    description = "Acme's tab-separated release list"
    suffixes = (".acme",)

    def read(self, path: Path) -> Iterator[ImportRecord]:
        with path.open(encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            if header != COLUMNS:
                raise ValidationError(f"line 1: expected the columns {', '.join(COLUMNS)}")
            for line_no, line in enumerate(fh, start=2):
                cells = line.rstrip("\n").split("\t")
                if len(cells) != len(COLUMNS):
                    raise ValidationError(f"line {line_no}: {len(cells)} cells, expected {len(COLUMNS)}")
                row = dict(zip(COLUMNS, cells, strict=True))
                yield ImportRecord(line_no, {
                    "upc": row["upc"], "title": row["title"], "display_artist": row["artist"],
                    "label": row["label"], "release_date": row["release_date"], "genre": row["genre"],
                    "release_type": "Single", "artists": [{"name": row["artist"], "role": "MainArtist"}],
                    "tracks": [{"disc_number": 1, "track_number": 1, "isrc": row["isrc"], "title": row["track_title"]}],
                })
