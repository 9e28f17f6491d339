"""ERN 3.8.2 resources of every kind: SoundRecording, MIDI, Video, Image, Text, SheetMusic, Software.

3.8.2 has no PartyList: artists and contributors are named inline in each ``...DetailsByTerritory`` (one
Worldwide block). Each kind is written in its XSD element order (``HEAD`` before the details block,
``DETAILS`` inside it). A DJ mix's sources (4.x ``RelatedResource`` HasContentFrom) are 3.8.2's
``ResourceContainedResourceReferenceList``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lxml import etree

from stardust_tui.domain.ddex_types import AUDIO_CODECS_382, TEXT_CODECS_382, VIDEO_CODECS_382
from stardust_tui.domain.release_types import resource_types
from stardust_tui.ern.common import image_codec_and_size, iso_duration, sub, sub_avs
from stardust_tui.ern.v382_parts import (
    CONTAINERS,
    artist_382,
    contributors_382,
    file_382,
    ids_382,
    language_382,
    line_382,
    titles_382,
)
from stardust_tui.ern.view_model import ReleaseView, ResourceView

AUDIO_CODECS = {"PCM": "PCM", "FLAC": "FLAC", "MP3": "MP3", "AAC": "AAC"}
VIDEO_CODEC_ALIASES = {"H264": "AVC", "AVC1": "AVC", "MP4V": "MPEG-4"}
_TYPE_TAG = {"SoundRecording": "SoundRecordingType", "MIDI": "MidiType", "UserDefinedResource":
             "UserDefinedResourceType"}
_ID_TAG = {"SoundRecording": "SoundRecordingId", "MIDI": "MidiId", "UserDefinedResource": "UserDefinedResourceId"}
_ID_ORDER = {"SoundRecording": ("ISRC", "CatalogNumber", "ProprietaryId"),
             "Video": ("ISRC", "ISAN", "VISAN", "CatalogNumber", "ProprietaryId", "EIDR"),
             "Text": ("ISBN", "ISSN", "SICI", "ProprietaryId"), "SheetMusic": ("ISMN", "ProprietaryId")}
_DETAILS_TAG = {"MIDI": "MidiDetailsByTerritory"}
_TECH_TAG = {"SoundRecording": "TechnicalSoundRecordingDetails", "MIDI": "TechnicalMidiDetails",
             "Video": "TechnicalVideoDetails", "Image": "TechnicalImageDetails", "Text": "TechnicalTextDetails",
             "SheetMusic": "TechnicalSheetMusicDetails", "Software": "TechnicalSoftwareDetails",
             "UserDefinedResource": "TechnicalUserDefinedResourceDetails"}
HEAD: dict[str, tuple[str, ...]] = {
    "SoundRecording": ("Type", "Ids", "Works", "ResourceReference", "ReferenceTitle", "Language", "Duration",
                       "Contained"),
    "MIDI": ("Type", "Ids", "Works", "ResourceReference", "ReferenceTitle", "Language", "Duration", "Contained"),
    "Video": ("Type", "Ids", "Works", "ResourceReference", "ReferenceTitle", "Language", "Duration", "Contained"),
    "Image": ("Type", "Ids", "ResourceReference"),
    "Text": ("Type", "Ids", "Works", "ResourceReference", "Contained"),
    "SheetMusic": ("Type", "Ids", "Works", "ResourceReference", "Contained", "ReferenceTitle"),
    "Software": ("Type", "Ids", "Works", "ResourceReference", "Contained"),
    "UserDefinedResource": ("Type", "Ids", "Works", "ResourceReference", "Contained"),
}
WORK_IDS = ("ISWC", "OpusNumber", "ComposerCatalogNumber", "ProprietaryId")
_PERFORMED = ("Title", "DisplayArtist", "Contributors", "DisplayArtistName", "LabelName")
DETAILS: dict[str, tuple[str, ...]] = {
    "SoundRecording": (*_PERFORMED, "PLine", "Genre", "Warning", "Technical"),
    "Video": (*_PERFORMED, "PLine", "Genre", "Warning", "CLine", "Technical"),
    "MIDI": (*_PERFORMED, "CLine", "Genre", "Warning", "Technical"),
    "Image": ("Title", "Contributors", "DisplayArtistName", "CLine", "Genre", "Warning", "Technical"),
    "Text": ("Title", "Contributors", "DisplayArtistName", "CLine", "Genre", "Warning", "Technical"),
    "SheetMusic": ("Title", "Contributors", "DisplayArtistName", "CLine", "Genre", "Warning", "Technical"),
    "Software": ("Title", "Contributors", "DisplayArtistName", "PLine", "CLine", "Genre", "Warning", "Technical"),
    "UserDefinedResource": ("Title", "Contributors", "DisplayArtistName", "Technical"),
}
WARNINGS = frozenset({"Explicit", "ExplicitContentEdited", "NoAdviceAvailable", "NotExplicit", "Unknown"})
SR_TYPES_382 = resource_types("SoundRecording", "3.8.2")


class ResourceWriter382:
    """Writes the resources of one view as ERN 3.8.2."""

    _tables: tuple[dict[str, list[Any]], dict[str, list[Any]]] | None = None

    def __init__(self, view: ReleaseView, namespace: str) -> None:
        self.view, self.namespace = view, namespace
        if ResourceWriter382._tables is None:  # the step functions of each kind, looked up once per process
            cls = ResourceWriter382
            ResourceWriter382._tables = (
                {kind: [getattr(cls, f"_head_{step.lower()}") for step in steps] for kind, steps in HEAD.items()},
                {kind: [getattr(cls, f"_d_{step.lower()}") for step in steps] for kind, steps in DETAILS.items()})
        self.head, self.details = ResourceWriter382._tables

    def write(self, parent: etree._Element, res: ResourceView) -> None:
        if res.kind == "SoundRecording":
            self._sound_recording(parent, res)
            return
        el = sub(parent, res.kind)
        for step in self.head[res.kind]:
            step(self, el, res)
        d = sub(el, _DETAILS_TAG.get(res.kind, f"{res.kind}DetailsByTerritory"))
        sub(d, "TerritoryCode", "Worldwide")
        for write in self.details[res.kind]:
            write(self, d, res)

    def _sound_recording(self, parent: etree._Element, res: ResourceView) -> None:
        """The hot path (every track): HEAD and DETAILS of a SoundRecording, written straight."""
        el = sub(parent, "SoundRecording")
        if res.type:
            sub_avs(el, "SoundRecordingType", res.type, SR_TYPES_382)
        self._head_ids(el, res)
        if res.works:
            self._head_works(el, res)
        sub(el, "ResourceReference", res.ref)
        self._head_referencetitle(el, res)
        self._head_language(el, res)
        sub(el, "Duration", iso_duration(res.duration_seconds))
        if res.related:
            self._head_contained(el, res)
        d = sub(el, "SoundRecordingDetailsByTerritory")
        sub(d, "TerritoryCode", "Worldwide")
        if res.title is not None or res.additional_titles:
            titles_382(d, res.title, res.subtitle, res.additional_titles, stated=res.titles_stated)
        view = self.view
        for credit in res.artists:
            artist_382(d, view, credit)
        if res.contributors:
            contributors_382(d, view, res.contributors)
        if res.display_artist:
            sub(d, "DisplayArtistName", res.display_artist)
        sub(d, "LabelName", view.release.label_name)
        self._d_pline(d, res)
        self._d_genre(d, res)
        if res.parental_warning:
            sub_avs(d, "ParentalWarningType", res.parental_warning, WARNINGS)
        if res.file is not None:
            self._d_technical(d, res)

    # --- before the details ---------------------------------------------------------------------------
    def _head_type(self, el: etree._Element, res: ResourceView) -> None:
        if res.type:
            sub_avs(el, _TYPE_TAG.get(res.kind, f"{res.kind}Type"), res.type, resource_types(res.kind, "3.8.2"))

    def _head_ids(self, el: etree._Element, res: ResourceView) -> None:
        tag = _ID_TAG.get(res.kind, f"{res.kind}Id")
        order = _ID_ORDER.get(res.kind, ("ProprietaryId",))
        block = ids_382(el, tag, order, {"ISRC": res.isrc}, res.ids, self.namespace)
        if block is None and res.kind not in ("Video", "Text"):  # the id is required: the reference stands in
            sub(sub(el, tag), "ProprietaryId", res.ref, Namespace=self.namespace)

    def _head_works(self, el: etree._Element, res: ResourceView) -> None:
        tag = "Indirect" + _ID_TAG.get(res.kind, f"{res.kind}Id")
        for work in res.works:
            ids_382(el, tag, WORK_IDS, {}, work, self.namespace)

    def _head_resourcereference(self, el: etree._Element, res: ResourceView) -> None:
        sub(el, "ResourceReference", res.ref)

    def _head_referencetitle(self, el: etree._Element, res: ResourceView) -> None:
        stored = next((t for t in res.additional_titles if t.title_type == "ReferenceTitle"), None)
        text, subtitle = (stored.text, stored.subtitle) if stored else (res.title, res.subtitle)
        if text is None and res.kind == "Video":
            return  # optional for videos
        rt = sub(el, "ReferenceTitle")
        sub(rt, "TitleText", text or "Untitled")
        if subtitle:
            sub(rt, "SubTitle", subtitle)

    def _head_language(self, el: etree._Element, res: ResourceView) -> None:
        language = language_382(res.language)
        if language:
            sub(el, "LanguageOfPerformance", language)

    def _head_duration(self, el: etree._Element, res: ResourceView) -> None:
        sub(el, "Duration", iso_duration(res.duration_seconds))

    def _head_contained(self, el: etree._Element, res: ResourceView) -> None:
        contained = [r for r in res.related if r.relationship == "HasContentFrom"]
        if not contained:
            return
        lst = sub(el, "ResourceContainedResourceReferenceList")
        for rel in contained:
            item = sub(lst, "ResourceContainedResourceReference")
            sub(item, "ResourceContainedResourceReference", rel.ref)
            if rel.duration_used is not None:
                sub(item, "DurationUsed", iso_duration(rel.duration_used))
            if rel.start is not None:
                sub(item, "StartPoint", f"{rel.start:.3f}".rstrip("0").rstrip(".") or "0")

    # --- the Worldwide details block ------------------------------------------------------------------
    def _d_title(self, d: etree._Element, res: ResourceView) -> None:
        if res.title is None and not res.additional_titles:
            return
        titles_382(d, res.title, res.subtitle, res.additional_titles, stated=res.titles_stated)

    def _d_displayartist(self, d: etree._Element, res: ResourceView) -> None:
        for credit in res.artists:
            artist_382(d, self.view, credit)

    def _d_contributors(self, d: etree._Element, res: ResourceView) -> None:
        contributors_382(d, self.view, res.contributors)

    def _d_displayartistname(self, d: etree._Element, res: ResourceView) -> None:
        if res.display_artist:
            sub(d, "DisplayArtistName", res.display_artist)

    def _d_labelname(self, d: etree._Element, res: ResourceView) -> None:
        sub(d, "LabelName", self.view.release.label_name)

    def _d_pline(self, d: etree._Element, res: ResourceView) -> None:
        line_382(d, "PLine", res.p_line)
        for kind, line in res.extra_lines:
            if kind == "PLine":
                line_382(d, "PLine", line)

    def _d_cline(self, d: etree._Element, res: ResourceView) -> None:
        line_382(d, "CLine", res.c_line)
        for kind, line in res.extra_lines:
            if kind == "CLine":
                line_382(d, "CLine", line)

    def _d_genre(self, d: etree._Element, res: ResourceView) -> None:
        genre = res.genre or (self.view.release.genre if res.kind == "SoundRecording" and res.track else None)
        if genre:
            sub(sub(d, "Genre"), "GenreText", genre)

    def _d_warning(self, d: etree._Element, res: ResourceView) -> None:
        if res.parental_warning:
            sub_avs(d, "ParentalWarningType", res.parental_warning, WARNINGS)

    def _d_technical(self, d: etree._Element, res: ResourceView) -> None:
        self._technical_one(d, res)
        for n, extra in enumerate(res.extra_files, start=2):
            self._technical_one(d, replace(res, file=extra.file, tech_ref=f"{res.tech_ref}_{n}",
                                           preview_start=extra.preview_start, preview_duration=extra.preview_duration,
                                           preview_expression=extra.preview_expression, extra_files=()))

    def _technical_one(self, d: etree._Element, res: ResourceView) -> None:
        file = res.file
        if file is None:
            return
        td = sub(d, _TECH_TAG[res.kind])
        sub(td, "TechnicalResourceDetailsReference", res.tech_ref)
        if res.kind == "SoundRecording":
            container = CONTAINERS.get((file.container or "").upper()) if file.from_message else None
            if container:
                sub(td, "ContainerFormat", container)
            codec = (file.codec or "").upper()
            if codec:
                value = AUDIO_CODECS.get(codec)
                if value:
                    sub(td, "AudioCodecType", value)
                else:
                    sub(td, "AudioCodecType", "UserDefined", UserDefinedValue=file.codec or "")
            if file.audio_bit_rate:
                sub(td, "BitRate", str(file.audio_bit_rate), UnitOfMeasure="kbps")
            if file.channels:
                sub(td, "NumberOfChannels", str(file.channels))
            if file.sample_rate:
                sub(td, "SamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
            if file.bit_depth:
                sub(td, "BitsPerSample", str(file.bit_depth))
            if file.duration_seconds:
                sub(td, "Duration", iso_duration(file.duration_seconds))
            sub(td, "IsPreview", "false")
            if res.preview_start is not None:
                pd = sub(td, "PreviewDetails")
                sub(pd, "StartPoint", f"{res.preview_start:.3f}".rstrip("0").rstrip("."))
                if res.preview_duration is not None:
                    sub(pd, "Duration", iso_duration(res.preview_duration))
                sub(pd, "ExpressionType", res.preview_expression or "Instructive")
        elif res.kind == "Video":
            if file.bit_rate:
                sub(td, "OverallBitRate", str(file.bit_rate), UnitOfMeasure="kbps")
            container = CONTAINERS.get((file.container or "").upper())
            if container:
                sub(td, "ContainerFormat", container)
            if file.video_codec:
                sub_avs(td, "VideoCodecType", VIDEO_CODEC_ALIASES.get(file.video_codec.upper(), file.video_codec),
                        VIDEO_CODECS_382)
            if file.video_bit_rate:
                sub(td, "VideoBitRate", str(file.video_bit_rate), UnitOfMeasure="kbps")
            if file.frame_rate:
                sub(td, "FrameRate", f"{file.frame_rate:.3f}".rstrip("0").rstrip("."))
            if file.height:
                sub(td, "ImageHeight", str(file.height), UnitOfMeasure="Pixel")
            if file.width:
                sub(td, "ImageWidth", str(file.width), UnitOfMeasure="Pixel")
            if file.audio_codec:
                sub_avs(td, "AudioCodecType", file.audio_codec, AUDIO_CODECS_382)
            if file.audio_bit_rate:
                sub(td, "AudioBitRate", str(file.audio_bit_rate), UnitOfMeasure="kbps")
            if file.channels:
                sub(td, "NumberOfAudioChannels", str(file.channels))
            if file.sample_rate:
                sub(td, "AudioSamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
            if file.bit_depth:
                sub(td, "AudioBitsPerSample", str(file.bit_depth))
            if file.duration_seconds:
                sub(td, "Duration", iso_duration(file.duration_seconds))
            if res.preview_start is not None:
                sub(td, "IsPreview", "false")
                pd = sub(td, "PreviewDetails")
                sub(pd, "StartPoint", f"{res.preview_start:.3f}".rstrip("0").rstrip(".") or "0")
                sub(pd, "ExpressionType", "Instructive")
        elif res.kind == "Image":
            image_codec_and_size(td, file)
        elif res.kind == "Text":
            codec = (file.codec or file.container or "").upper()
            if codec:
                sub_avs(td, "TextCodecType", codec, TEXT_CODECS_382)
        elif res.kind == "MIDI" and file.duration_seconds:
            sub(td, "Duration", iso_duration(file.duration_seconds))
        file_382(td, file)
