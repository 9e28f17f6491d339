"""ERN 4.2 / 4.3 resources of every kind: SoundRecording, Video, Image, Text, SheetMusic, Software.

Each kind is written in its XSD element order (``LAYOUT``); 4.3 moves identifiers, P/C lines and technical
details of recordings and videos into an ``...Edition`` and describes files in ``DeliveryFile``s, 4.2 keeps
them flat. Only what the view holds is written; elements a version requires get the catalog's defaults
(the release's artists, NoAdviceAvailable), and a part no default can stand in for was refused before
building (:func:`stardust_tui.ern.preflight.check_view`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lxml import etree

from stardust_tui.domain.ddex_types import AUDIO_CODECS_42, AUDIO_CODECS_43, TEXT_CODECS_43, VIDEO_CODECS_43
from stardust_tui.domain.release_types import resource_types
from stardust_tui.ern.common import image_codec_and_size, iso_duration, sub, sub_avs
from stardust_tui.ern.v4_parts import contributor, display_artist, file_el, line_el, localized, titles_4, write_ids
from stardust_tui.ern.view_model import ArtistCredit, LineView, ReleaseView, ResourceView

AUDIO_CODECS = {"PCM": "PCM", "FLAC": "FLAC", "MP3": "MP3", "AAC": "AAC", "ALAC": "UserDefined"}
VIDEO_CODEC_ALIASES = {"H264": "AVC", "AVC1": "AVC", "H265": "HEVC", "HVC1": "HEVC", "HEV1": "HEVC",
                       "MP4V": "MPEG-4", "APCN": "ProRes-422", "APCH": "ProRes-422_HQ"}
CONTAINERS = {"MP4": "MP4", "QUICKTIME": "QuickTime", "MOV": "QuickTime", "AVI": "AVI", "WAV": "WAV",
              "AIFF": "AIFF", "OGG": "Ogg"}
_EDITION = {"SoundRecording": ("ResourceId", "PLine", "TechnicalDetails"),
            "Video": ("ResourceId", "PLine", "CLine", "TechnicalDetails")}
_TITLES = ("DisplayTitleText", "DisplayTitle", "AdditionalTitle", "DisplayArtistName", "DisplayArtist", "Contributor")
LAYOUT: dict[str, dict[int, tuple[str, ...]]] = {
    "SoundRecording": {
        2: ("ResourceId", "WorkId", *_TITLES, "PLine", "Duration", "ParentalWarningType", "RelatedResource",
            "LanguageOfPerformance", "TechnicalDetails"),
        3: ("Edition", "WorkId", *_TITLES, "Duration", "ParentalWarningType", "RelatedResource",
            "LanguageOfPerformance")},
    "Video": {
        2: ("ResourceId", "WorkId", *_TITLES, "PLine", "CLine", "Duration", "ParentalWarningType", "RelatedResource",
            "LanguageOfPerformance", "TechnicalDetails"),
        3: ("Edition", "WorkId", *_TITLES, "Duration", "ParentalWarningType", "RelatedResource",
            "LanguageOfPerformance")},
    "Image": {v: ("ResourceId", *_TITLES, "CLine", "ParentalWarningType", "RelatedResource", "TechnicalDetails")
              for v in (2, 3)},
    "Text": {2: ("ResourceId", "WorkId", *_TITLES, "CLine", "ParentalWarningType", "RelatedResource",
                 "TechnicalDetails"),
             3: ("ResourceId", "WorkId", *_TITLES, "CLine", "ParentalWarningType", "RelatedResource",
                 "TechnicalDetails", "LanguageOfText")},
    "SheetMusic": {v: ("ResourceId", "WorkId", *_TITLES, "CLine", "ParentalWarningType", "RelatedResource",
                       "TechnicalDetails") for v in (2, 3)},
    "Software": {v: ("ResourceId", "WorkId", *_TITLES, "PLine", "CLine", "ParentalWarningType", "RelatedResource",
                     "TechnicalDetails") for v in (2, 3)},
}
WORK_IDS = ("ISWC", "OpusNumber", "ComposerCatalogNumber", "ProprietaryId")
WARNINGS = frozenset({"Explicit", "ExplicitContentEdited", "NoAdviceAvailable", "NotExplicit", "Unknown"})
# Elements a kind must carry (the release's artists / NoAdviceAvailable stand in when the view has none).
_REQUIRED_ARTISTS = {"SoundRecording", "Video"}
_ID_TAGS = {"SoundRecording": ("ISRC", "CatalogNumber", "ProprietaryId"),
            "Video": ("ISRC", "ISAN", "VISAN", "CatalogNumber", "ProprietaryId", "EIDR"),
            "Image": ("ProprietaryId",), "Software": ("ProprietaryId",),
            "Text": ("ISBN", "ISSN", "SICI", "ProprietaryId"), "SheetMusic": ("ISMN", "ProprietaryId")}


def _decimal(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


class ResourceWriter:
    """Writes the resources of one view in one 4.x version (``minor`` 2 or 3)."""

    def __init__(self, view: ReleaseView, minor: int, namespace: str) -> None:
        self.view, self.minor, self.namespace = view, minor, namespace
        self.fallback_artists: tuple[ArtistCredit, ...] = view.release.artists
        self.version = f"4.{minor}"
        self.steps = self._steps()
        self.layout = {kind: [self.steps[tag] for tag in layout[minor]] for kind, layout in LAYOUT.items()}
        self.types = {kind: resource_types(kind, self.version) for kind in LAYOUT}

    def write(self, parent: etree._Element, res: ResourceView) -> None:
        if res.kind == "SoundRecording":
            self._sound_recording(parent, res)
            return
        el = sub(parent, res.kind)
        sub(el, "ResourceReference", res.ref)
        sub_avs(el, "Type", res.type or "Unknown", self.types[res.kind])
        for step in self.layout[res.kind]:
            step(el, res)

    def _sound_recording(self, parent: etree._Element, res: ResourceView) -> None:
        """The hot path (every track): the same elements as LAYOUT["SoundRecording"], written straight."""
        el = sub(parent, "SoundRecording")
        sub(el, "ResourceReference", res.ref)
        sub_avs(el, "Type", res.type or "Unknown", self.types["SoundRecording"])
        minor3 = self.minor >= 3
        holder = sub(el, "SoundRecordingEdition") if minor3 else el
        self._ids(holder, res)
        if minor3:
            self._lines(holder, "PLine", res.p_line, res.extra_lines)
            self._technical(holder, res)
        if res.works:
            self._works(el, res)
        titles_4(el, res.title, res.subtitle, res.display_title_text, res.additional_titles, required=True)
        self._artist_name(el, res)
        for credit in res.artists or self.fallback_artists:
            display_artist(el, credit)
        for contributor_credit in res.contributors:
            contributor(el, contributor_credit)
        if not minor3:
            self._lines(el, "PLine", res.p_line, res.extra_lines)
        sub(el, "Duration", iso_duration(res.duration_seconds))
        self._warning(el, res)
        if res.related:
            self._related(el, res)
        if res.language:
            sub(el, "LanguageOfPerformance", res.language)
        if not minor3:
            self._technical(el, res)

    def _steps(self) -> dict[str, Callable[[etree._Element, ResourceView], None]]:
        return {
            "Edition": self._edition, "ResourceId": self._ids, "WorkId": self._works,
            "DisplayTitleText": self._display_title_text,
            "DisplayTitle": self._display_title, "AdditionalTitle": lambda el, r: None,
            "DisplayArtistName": self._artist_name, "DisplayArtist": self._artists, "Contributor": self._contributors,
            "PLine": lambda el, r: self._lines(el, "PLine", r.p_line, r.extra_lines),
            "CLine": lambda el, r: self._lines(el, "CLine", r.c_line, r.extra_lines),
            "Duration": lambda el, r: sub(el, "Duration", iso_duration(r.duration_seconds)),
            "ParentalWarningType": self._warning, "RelatedResource": self._related,
            "LanguageOfPerformance": lambda el, r: sub(el, "LanguageOfPerformance", r.language) if r.language else None,
            "LanguageOfText": lambda el, r: sub(el, "LanguageOfText", r.language) if r.language else None,
            "TechnicalDetails": self._technical,
        }

    @staticmethod
    def _lines(el: etree._Element, tag: str, first: LineView | None, extra: tuple[tuple[str, LineView], ...]) -> None:
        if first is not None:
            line_el(el, tag, first)
        for kind, line in extra:
            if kind == tag:
                line_el(el, tag, line)

    def _edition(self, el: etree._Element, res: ResourceView) -> None:
        edition = sub(el, f"{res.kind}Edition")
        for tag in _EDITION[res.kind]:
            self.steps[tag](edition, res)

    def _ids(self, el: etree._Element, res: ResourceView) -> None:
        tags = _ID_TAGS.get(res.kind, ("ProprietaryId",))
        values = {"ISRC": res.isrc}
        if not res.ids and not (res.isrc and "ISRC" in tags) and res.kind in ("Image", "Software", "SheetMusic"):
            values["ProprietaryId"] = res.ref  # ResourceId is required: the reference stands in
        write_ids(sub(el, "ResourceId"), tags, values, res.ids, self.namespace)

    def _works(self, el: etree._Element, res: ResourceView) -> None:
        for work in res.works:
            write_ids(sub(el, "WorkId"), WORK_IDS, {}, work, self.namespace)

    def _display_title_text(self, el: etree._Element, res: ResourceView) -> None:
        titles_4(el, res.title, res.subtitle, res.display_title_text, res.additional_titles,
                 required=res.kind in ("SoundRecording", "Video"))

    def _display_title(self, el: etree._Element, res: ResourceView) -> None:
        return None  # written with DisplayTitleText (one helper keeps the three title elements in order)

    def _artist_name(self, el: etree._Element, res: ResourceView) -> None:
        name = res.display_artist
        if name is None and res.kind in (*_REQUIRED_ARTISTS, "SheetMusic"):
            name = self.view.release.display_artist
        if name == "":  # a message's empty DisplayArtistName
            sub(el, "DisplayArtistName", "")
        elif name:
            sub(el, "DisplayArtistName", name, ApplicableTerritoryCode="Worldwide", IsDefault="true")
            localized(el, "DisplayArtistName", res.additional_titles)

    def _artists(self, el: etree._Element, res: ResourceView) -> None:
        credits = res.artists or (self.fallback_artists if res.kind in _REQUIRED_ARTISTS else ())
        for credit in credits:
            display_artist(el, credit)

    def _contributors(self, el: etree._Element, res: ResourceView) -> None:
        for credit in res.contributors:
            contributor(el, credit)

    def _warning(self, el: etree._Element, res: ResourceView) -> None:
        if res.parental_warning or res.kind in _REQUIRED_ARTISTS:
            sub_avs(el, "ParentalWarningType", res.parental_warning or "NoAdviceAvailable",
                    WARNINGS)

    def _related(self, el: etree._Element, res: ResourceView) -> None:
        for rel in res.related:
            rr = sub(el, "RelatedResource")
            sub(rr, "ResourceRelationshipType", rel.relationship)
            sub(rr, "ResourceRelatedResourceReference", rel.ref)
            if rel.start is not None or rel.duration_used is not None:
                timing = sub(rr, "Timing")  # 4.2 states the start as a duration, 4.3 in seconds
                start = rel.start or 0.0
                sub(timing, "StartPoint", iso_duration(start) if self.minor < 3 else _decimal(start))
                if rel.duration_used is not None:
                    sub(timing, "DurationUsed", iso_duration(rel.duration_used))

    # --- technical details -------------------------------------------------------------------------------
    def _technical(self, el: etree._Element, res: ResourceView) -> None:
        self._technical_one(el, res)
        for n, extra in enumerate(res.extra_files, start=2):
            self._technical_one(el, replace(res, file=extra.file, tech_ref=f"{res.tech_ref}_{n}",
                                            preview_start=extra.preview_start, preview_duration=extra.preview_duration,
                                            preview_expression=extra.preview_expression, extra_files=()))

    def _technical_one(self, el: etree._Element, res: ResourceView) -> None:
        if res.file is None:
            return
        td = sub(el, "TechnicalDetails")
        sub(td, "TechnicalResourceDetailsReference", res.tech_ref)
        if res.kind == "SoundRecording":
            self._audio(td, res)
        elif res.kind == "Video":
            self._video(td, res)
        elif res.kind == "Image":
            image_codec_and_size(td, res.file)
            file_el(td, res.file)
        elif res.kind == "Text":
            codec = (res.file.codec or res.file.container or "").upper()
            if codec:
                sub_avs(td, "TextCodecType", codec, TEXT_CODECS_43)
            file_el(td, res.file)
        else:
            file_el(td, res.file)

    def _audio(self, td: etree._Element, res: ResourceView) -> None:
        file = res.file
        assert file is not None
        target = sub(td, "DeliveryFile") if self.minor >= 3 else td
        if self.minor >= 3:
            sub(target, "Type", "AudioFile")
            container = CONTAINERS.get((file.container or "").upper()) if file.from_message else None
            if container:
                sub(target, "ContainerFormat", container)
        codec = (file.codec or "").upper()
        if codec:
            value = AUDIO_CODECS.get(codec) or (codec if codec in (AUDIO_CODECS_43 if self.minor >= 3
                                                                   else AUDIO_CODECS_42) else "UserDefined")
            if value == "UserDefined":
                sub(target, "AudioCodecType", value, UserDefinedValue=file.codec or "")
            else:
                sub(target, "AudioCodecType", value)
        if file.audio_bit_rate:
            sub(target, "BitRate", str(file.audio_bit_rate), UnitOfMeasure="kbps")
        if file.channels:
            sub(target, "NumberOfChannels", str(file.channels))
        if file.sample_rate:
            sub(target, "SamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
        if file.bit_depth:
            sub(target, "BitsPerSample", str(file.bit_depth))
        if file.duration_seconds:
            sub(target, "Duration", iso_duration(file.duration_seconds))
        if self.minor < 3 and res.preview_start is not None:
            preview_details(target, res)
        file_el(target, file)
        if self.minor >= 3 and res.preview_start is not None:
            clip_details(td, res)

    def _video(self, td: etree._Element, res: ResourceView) -> None:
        file = res.file
        assert file is not None
        if file.bit_rate:
            sub(td, "OverallBitRate", str(file.bit_rate), UnitOfMeasure="kbps")
        if self.minor >= 3:
            target = sub(td, "DeliveryFile")
            sub(target, "Type", "AudioVisualFile")
        else:
            target = td
        container = CONTAINERS.get((file.container or "").upper())
        if container:
            sub(target, "ContainerFormat", container)
        codec = file.video_codec
        if codec:
            value = VIDEO_CODEC_ALIASES.get(codec.upper(), codec)
            sub_avs(target, "VideoCodecType", value, VIDEO_CODECS_43)
        if file.video_bit_rate:
            sub(target, "VideoBitRate", str(file.video_bit_rate), UnitOfMeasure="kbps")
        if file.frame_rate:
            sub(target, "FrameRate", _decimal(file.frame_rate))
        if file.height:
            sub(target, "ImageHeight", str(file.height), UnitOfMeasure="Pixel")
        if file.width:
            sub(target, "ImageWidth", str(file.width), UnitOfMeasure="Pixel")
        if file.audio_codec:
            sub_avs(target, "AudioCodecType", file.audio_codec, AUDIO_CODECS_43 if self.minor >= 3 else AUDIO_CODECS_42)
        if file.audio_bit_rate:
            sub(target, "AudioBitRate", str(file.audio_bit_rate), UnitOfMeasure="kbps")
        if file.channels:
            sub(target, "NumberOfAudioChannels", str(file.channels))
        if file.sample_rate:
            sub(target, "AudioSamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
        if file.bit_depth:
            sub(target, "AudioBitsPerSample", str(file.bit_depth))
        if file.duration_seconds:
            sub(target, "Duration", iso_duration(file.duration_seconds))
        if self.minor < 3 and res.preview_start is not None:
            preview_details(target, res)
        file_el(target, file)
        if self.minor >= 3 and res.preview_start is not None:
            clip_details(td, res)


def preview_details(target: etree._Element, res: ResourceView) -> None:
    """4.2: IsPreview and PreviewDetails (start, the clip's length when stated, expression type)."""
    sub(target, "IsPreview", "false")
    pd = sub(target, "PreviewDetails")
    sub(pd, "StartPoint", _decimal(res.preview_start or 0.0))
    if res.preview_duration is not None:
        sub(pd, "Duration", iso_duration(res.preview_duration))
    sub(pd, "ExpressionType", res.preview_expression or "Instructive")


def clip_details(td: etree._Element, res: ResourceView) -> None:
    """4.3: the preview as ClipDetails (Timing start and DurationUsed when stated, expression type)."""
    clip = sub(td, "ClipDetails")
    sub(clip, "TechnicalResourceDetailsReference", res.tech_ref + "C")
    sub(clip, "ClipType", "Preview")
    timing = sub(clip, "Timing")
    sub(timing, "StartPoint", _decimal(res.preview_start or 0.0))
    if res.preview_duration is not None:
        sub(timing, "DurationUsed", iso_duration(res.preview_duration))
    sub(clip, "ExpressionType", res.preview_expression or "Instructive")
