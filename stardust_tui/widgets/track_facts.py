"""How a track's audio is described in the track editor: its facts and its QC verdict, from the stored
asset row (no file is read), so every row shows its verdict, not only the one just attached."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App

from stardust_tui.widgets.styling import state_colour


def audio_verdicts(tracks: Any) -> dict[int, list[Any]]:
    """QC findings of each track's attached audio, by track id (pure checks over the asset rows)."""
    from stardust_tui.domain.qc import check_audio

    return {t.id: list(check_audio(t.audio)) for t in tracks if t.audio is not None}


def _errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if getattr(f, "severity", "error") == "error"]


def audio_facts_text(audio: Any, findings: list[Any] | None) -> str:
    """``take.wav: WAV 44100 Hz 16-bit 2 ch 1.0 s`` and ``QC: pass`` / ``QC: FAIL`` with each finding."""
    if audio is None:
        return "No audio attached."
    facts = (f"{audio.original_name}: {audio.container or '?'} {audio.sample_rate or '?'} Hz "
             f"{audio.bit_depth or '?'}-bit {audio.channels or '?'} ch {audio.duration_seconds or 0:.1f} s")
    findings = findings or []
    verdict = "QC: FAIL" if _errors(findings) else "QC: pass"
    lines = [facts, verdict] + [f"  {'✗' if f in _errors(findings) else '!'} {f.message}" for f in findings]
    return "\n".join(lines)


def cover_facts_text(cover: Any, findings: list[Any] | None) -> str:
    """``Cover: front.jpg JPEG 3000×3000 RGB`` and its QC verdict with each finding."""
    if cover is None:
        return "No cover attached."
    findings = findings or []
    lines = [f"Cover: {cover.original_name} {cover.container or '?'} {cover.width or '?'}×{cover.height or '?'} "
             f"{cover.color_mode or '?'}", "QC: FAIL" if _errors(findings) else "QC: pass"]
    lines += [f"  {'✗' if f in _errors(findings) else '!'} {f.message}" for f in findings]
    return "\n".join(lines)


def verdict_cell(app: App, findings: list[Any] | None, has_audio: bool) -> Text:
    """The QC column: ``ok``, ``warn`` or ``FAIL`` in the delivery state colours; empty without audio."""
    if not has_audio:
        return Text("")
    findings = findings or []
    if _errors(findings):
        word, kind = "FAIL", "failed"
    elif findings:
        word, kind = "warn", "retry-wait"
    else:
        word, kind = "ok", "succeeded"
    colour = state_colour(app, "delivery", kind)
    return Text(word, style=colour or "")
