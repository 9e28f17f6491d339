"""What an ERN message states, read independently of Stardust's parser, for field-by-field comparisons.

``message_facts(root)`` reads a 3.8.2, 4.2 or 4.3 NewReleaseMessage with plain XPath into plain data:

- ``releases``: the main release and every other release (track releases, video track releases...),
  each with its types, identifiers, titles, display artist name, display artists (sequence, name,
  role), P/C lines (year, text), parental warnings, its resources and (main) resource groups;
- ``resources``: every resource by kind and type with identifiers, titles, artists, contributors,
  duration, parental warnings, P/C lines, technical details and related resources (DJ mixes);
- ``deals``: territory x commercial model x use type x validity, per release, with the pre-order flag,
  instant-gratification resources and (3.8.2) pre-order release and preview days.

Resources are named by a content identity (kind + ISRC, else proprietary ids, else title) and releases
by their identifiers or the resource they carry, never by the message's local references (A1, R0), so
two messages that say the same thing compare equal however they number their references. Values a
message may spell differently without changing what it says are normalized: durations to seconds,
sampling rates to Hz, dates to UTC, unordered lists (territories, identifiers) sorted. File names are
left out (a delivery profile names delivered files); their facts (hash, codec, sizes...) are compared.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

_DUR = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
KINDS = ("SoundRecording", "MIDI", "Video", "Image", "Text", "SheetMusic", "Software", "UserDefinedResource")


def _t(el: etree._Element | None, path: str | None = None) -> str | None:
    node = el if el is None or path is None else el.find(path)
    if node is None or node.text is None:
        return None
    return " ".join(node.text.split()) or None


def _avs(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    value = _t(el)
    if value == "UserDefined" and el.get("UserDefinedValue"):
        return el.get("UserDefinedValue")
    return value


def _point(value: str | None) -> float | None:
    """A StartPoint in seconds: 4.3 writes a decimal, 4.2 a duration."""
    if not value:
        return None
    return seconds(value) if value.startswith("P") else float(value)


def seconds(value: str | None) -> float | None:
    m = _DUR.match((value or "").strip())
    if not value or not m:
        return None
    d, h, mi, s = m.groups()
    return round(int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0), 3)


def _hz(el: etree._Element | None) -> int | None:
    if el is None or not _t(el):
        return None
    value = float(_t(el) or 0)
    unit = (el.get("UnitOfMeasure") or ("kHz" if value < 1000 else "Hz")).lower()
    return round(value * {"hz": 1, "khz": 1000, "mhz": 10**6}.get(unit, 1))


def _when(value: str | None, end: bool = False) -> str | None:
    if not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    if "T" in v:
        dt = datetime.fromisoformat(v)
        dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC).isoformat()
    if len(v) == 4:
        v += "-12-31" if end else "-01-01"
    return datetime.combine(date.fromisoformat(v[:10]), datetime.min.time(), tzinfo=UTC).isoformat()


def _ids(el: etree._Element | None) -> tuple:
    """Identifiers of a ReleaseId / ResourceId block: sorted (kind, value[, namespace]) tuples."""
    if el is None:
        return ()
    out = []
    for child in el:
        if not isinstance(child.tag, str) or not _t(child):
            continue
        name = etree.QName(child).localname
        out.append((name, _t(child)) if name not in ("ProprietaryId", "CatalogNumber")
                   else (name, _t(child), child.get("Namespace") or ""))
    return tuple(sorted(out))


def _line(el: etree._Element | None, tag: str) -> tuple | None:
    if el is None:
        return None
    return (_t(el, "Year"), _t(el, f"{tag}Text"))


class _Reader:
    """Reads one message; ``v3`` switches the 3.8.2 layout (details by territory, inline parties)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.v3 = "382" in (etree.QName(root).namespace or "")
        self.parties = {(_t(p, "PartyReference") or ""): (
            _t(next(iter(p.findall("PartyName")), None), "FullName") or _t(p, "PartyId/ProprietaryId") or "?")
            for p in root.findall("PartyList/Party")}

    # --- shared pieces -------------------------------------------------------------------------
    def details(self, el: etree._Element, tag: str) -> etree._Element | None:
        blocks = el.findall(tag)
        for block in blocks:
            if "Worldwide" in [_t(t) for t in block.findall("TerritoryCode")]:
                return block
        return blocks[0] if blocks else None

    def artists(self, el: etree._Element | None) -> list:
        if el is None:
            return []
        out = []
        for da in el.findall("DisplayArtist"):
            if self.v3:
                out.append((da.get("SequenceNumber"), _t(da, "PartyName/FullName"), _avs(da.find("ArtistRole"))))
            else:
                out.append((da.get("SequenceNumber"), self.parties.get(_t(da, "ArtistPartyReference") or ""),
                            _avs(da.find("DisplayArtistRole"))))
        return out

    def contributors(self, el: etree._Element | None) -> list:
        if el is None:
            return []
        out = []
        if self.v3:
            for tag, role in (("ResourceContributor", "ResourceContributorRole"),
                              ("IndirectResourceContributor", "IndirectResourceContributorRole")):
                for c in el.findall(tag):
                    out.append((_t(c, "PartyName/FullName"), tuple(sorted(_avs(r) or "" for r in c.findall(role))),
                                tuple(_t(i) for i in c.findall("InstrumentType"))))
        else:
            for c in el.findall("Contributor"):
                out.append((self.parties.get(_t(c, "ContributorPartyReference") or ""),
                            tuple(sorted(_avs(r) or "" for r in c.findall("Role"))),
                            tuple(_t(i) for i in c.findall("InstrumentType"))))
        return sorted(out, key=repr)

    def titles(self, el: etree._Element, details: etree._Element | None) -> dict:
        if self.v3:
            ref = el.find("ReferenceTitle")
            holders = [el] + ([details] if details is not None else [])
            return {"reference": (_t(ref, "TitleText"), _t(ref, "SubTitle")) if ref is not None else None,
                    "titles": sorted({(t.get("TitleType"), _t(t, "TitleText"), _t(t, "SubTitle"))
                                      for h in holders for t in h.findall("Title")}, key=repr)}
        dt = next(iter(el.findall("DisplayTitle")), None)
        return {"display_text": _t(next(iter(el.findall("DisplayTitleText")), None)),
                "display": (_t(dt, "TitleText"), tuple(_t(s) for s in dt.findall("SubTitle"))) if dt is not None
                else None,
                "additional": sorted({(t.get("TitleType"), _t(t, "TitleText"),
                                       tuple(_t(s) for s in t.findall("SubTitle")))
                                      for t in el.findall("AdditionalTitle")}, key=repr),
                "variants": _variants(el, "DisplayTitleText") + _variants(el, "DisplayTitle")}

    def warnings(self, el: etree._Element | None) -> list:
        return [] if el is None else [_avs(w) for w in el.findall("ParentalWarningType")]

    # --- resources ---------------------------------------------------------------------------
    def technical(self, res: etree._Element, kind: str, details: etree._Element | None) -> list:
        if self.v3:
            tag = {"SoundRecording": "TechnicalSoundRecordingDetails", "Video": "TechnicalVideoDetails",
                   "Image": "TechnicalImageDetails", "Text": "TechnicalTextDetails",
                   "MIDI": "TechnicalMidiDetails", "SheetMusic": "TechnicalSheetMusicDetails",
                   "Software": "TechnicalSoftwareDetails"}.get(kind, "TechnicalDetails")
            blocks = details.findall(tag) if details is not None else []
        else:
            holder = res.find(f"{kind}Edition") if res.find(f"{kind}Edition") is not None else res
            blocks = holder.findall("TechnicalDetails")
        out = []
        for td in blocks:
            files = td.findall("DeliveryFile") or [td]
            for f in files:
                facts = {}
                for tag in ("AudioCodecType", "VideoCodecType", "ImageCodecType", "TextCodecType", "ContainerFormat",
                            "NumberOfChannels", "NumberOfAudioChannels", "BitsPerSample", "AudioBitsPerSample",
                            "ImageHeight", "ImageWidth", "FrameRate", "BitDepth", "ColorDepth", "AspectRatio",
                            "VideoDefinitionType", "Type"):
                    if _t(f, tag) is not None:
                        facts[tag] = _avs(f.find(tag))
                for tag in ("SamplingRate", "AudioSamplingRate"):
                    if f.find(tag) is not None:
                        facts[tag] = _hz(f.find(tag))
                for tag in ("BitRate", "VideoBitRate", "AudioBitRate", "OverallBitRate"):
                    el = f.find(tag) if f.find(tag) is not None else td.find(tag)
                    if el is not None:  # in kbit/s whatever the unit
                        scale = {"bps": 0.001, "kbps": 1, "mbps": 1000, "gbps": 10**6}[
                            (el.get("UnitOfMeasure") or "kbps").lower()]
                        facts[tag] = round(float(_t(el) or 0) * scale, 3)
                if _t(f, "Duration"):
                    facts["Duration"] = seconds(_t(f, "Duration"))
                if _t(f, "IsPreview") == "true":  # absent means false (xs:boolean default of the element)
                    facts["IsPreview"] = "true"
                file = f.find("File")
                if file is not None:
                    facts["file"] = True
                    value = _t(file, "HashSum/HashSumValue") or _t(file, "HashSum/HashSum")
                    algo = _t(file, "HashSum/Algorithm") or _t(file, "HashSum/HashSumAlgorithmType")
                    if value:
                        facts["hash"] = (algo, value.lower())
                    if _t(file, "FileSize"):
                        facts["size"] = int(float(_t(file, "FileSize") or 0))
                preview = (td.find("ClipDetails") if td.find("ClipDetails") is not None else td.find("PreviewDetails"))
                if preview is not None:
                    start = _t(preview, "Timing/StartPoint") or _t(preview, "StartPoint")
                    facts["preview_start"] = float(start) if start else None
                    length = _t(preview, "Timing/DurationUsed") or _t(preview, "Duration")
                    facts["preview_duration"] = seconds(length) if length else None
                    facts["preview_expression"] = _t(preview, "ExpressionType")
                out.append(facts)
        return out

    def resource(self, res: etree._Element, kind: str) -> dict:
        d = self.details(res, f"{'Midi' if kind == 'MIDI' else kind}DetailsByTerritory") if self.v3 else res
        type_tag = {"SoundRecording": "SoundRecordingType", "MIDI": "MidiType"}.get(kind, f"{kind}Type")
        id_tags = {"SoundRecording": "SoundRecordingId", "MIDI": "MidiId"}.get(kind, f"{kind}Id")
        if self.v3:
            ids = tuple(sorted(i for block in res.findall(id_tags) for i in _ids(block)))
            holder = d
        else:
            edition = res.find(f"{kind}Edition")
            id_blocks = (edition if edition is not None else res).findall("ResourceId")
            ids = tuple(sorted(i for block in id_blocks for i in _ids(block)))
            holder = edition if edition is not None else res
        return {
            "kind": kind,
            "type": _avs(res.find(type_tag if self.v3 else "Type")),
            "ids": ids,
            "titles": self.titles(res, d if self.v3 else None),
            "display_artist_name": _t(d, "DisplayArtistName") if d is not None else None,
            "display_artist_names": [] if self.v3 else _variants(d, "DisplayArtistName"),
            "artists": self.artists(d),
            "contributors": self.contributors(d),
            "duration": seconds(_t(res, "Duration")),
            "warnings": self.warnings(d),
            "p_lines": sorted({_line(p, "PLine") for p in (holder.findall("PLine") if holder is not None else [])},
                              key=repr),
            "c_lines": sorted({_line(c, "CLine") for c in ((d if self.v3 else holder).findall("CLine")
                                                            if (d if self.v3 else holder) is not None else [])},
                              key=repr),
            "technical": self.technical(res, kind, d),
            "language": _t(res, "LanguageOfPerformance"),
            "works": [_ids(w) for w in (res.findall(f"Indirect{id_tags}") if self.v3 else res.findall("WorkId"))],
            "_related": [(_t(r, "ResourceRelationshipType"), _t(r, "ResourceRelatedResourceReference"),
                          _t(r, "Timing/StartPoint"), seconds(_t(r, "Timing/DurationUsed")))
                         for r in res.findall("RelatedResource")],
        }

    def resources(self) -> tuple[dict[str, str], dict[str, dict]]:
        """(reference -> identity, identity -> facts) for every resource in the ResourceList."""
        by_ref: dict[str, str] = {}
        out: dict[str, dict] = {}
        seen: Counter[str] = Counter()
        for kind in KINDS:
            for res in self.root.findall(f"ResourceList/{kind}"):
                facts = self.resource(res, kind)
                ident = _identity(facts)
                seen[ident] += 1
                if seen[ident] > 1:
                    ident += f"#{seen[ident]}"
                by_ref[_t(res, "ResourceReference") or ""] = ident
                out[ident] = facts
        for facts in out.values():  # related resources by identity, in sequence
            facts["related"] = [(kind, by_ref.get(ref or "", ref), _point(start), used)
                                for kind, ref, start, used in facts.pop("_related")]
        return by_ref, out

    # --- releases and groups --------------------------------------------------------------------
    def group(self, g: etree._Element, refs: dict[str, str]) -> dict:
        if self.v3:
            title = [(t.get("TitleType"), _t(t, "TitleText"), _t(t, "SubTitle")) for t in g.findall("Title")]
        else:
            title = [(t.tag, t.get("TitleType"), _t(t, "TitleText"), tuple(_t(s) for s in t.findall("SubTitle")))
                     for t in g if isinstance(t.tag, str) and t.tag in ("DisplayTitle", "AdditionalTitle")]
        items = []
        for item in g.findall("ResourceGroupContentItem"):
            for ref in item.findall("ReleaseResourceReference") + item.findall(
                    "ResourceGroupResourceReferenceList/ResourceGroupResourceReference"):
                items.append((_t(item, "SequenceNumber"), refs.get(_t(ref) or "", _t(ref)),
                              tuple((refs.get(_t(link) or ""), link.get("LinkDescription"))
                                    for link in item.findall("LinkedReleaseResourceReference"))))
        return {"type": g.get("ResourceGroupType"), "sequence": _t(g, "SequenceNumber"), "titles": title,
                "ids": _ids(g.find("ReleaseId")), "items": items,
                "groups": [self.group(sub, refs) for sub in g.findall("ResourceGroup")],
                "linked": sorted((refs.get(_t(link) or "", _t(link)), link.get("LinkDescription"))
                                 for link in g.findall("LinkedReleaseResourceReference"))}

    def release(self, rel: etree._Element, refs: dict[str, str], main: bool) -> dict:
        d = self.details(rel, "ReleaseDetailsByTerritory") if self.v3 else rel
        holder_lines = [rel] + ([d] if self.v3 and d is not None else [])
        types = [_avs(t) for t in rel.findall("ReleaseType")] + (
            [_avs(t) for t in d.findall("ReleaseType")] if self.v3 and d is not None else [])
        res_refs = [_t(r) for r in rel.findall("ReleaseResourceReferenceList/ReleaseResourceReference")] \
            if self.v3 else [_t(r) for r in rel.findall("ReleaseResourceReference")]
        out = {
            "types": types or (["TrackRelease"] if etree.QName(rel).localname == "TrackRelease" else []),
            "ids": _ids(rel.find("ReleaseId")) if not self.v3 else tuple(
                sorted(i for b in rel.findall("ReleaseId") for i in _ids(b))),
            "titles": self.titles(rel, d if self.v3 else None),
            "display_artist_name": _t(d, "DisplayArtistName") if d is not None else None,
            "display_artist_names": [] if self.v3 else _variants(d, "DisplayArtistName"),
            "artists": self.artists(d),
            "label": (_t(d, "LabelName") if self.v3 else
                      self.parties.get(_t(rel, "ReleaseLabelReference") or "")) if d is not None else None,
            "warnings": self.warnings(d),
            "p_lines": sorted({_line(p, "PLine") for h in holder_lines for p in h.findall("PLine")}, key=repr),
            "c_lines": sorted({_line(c, "CLine") for h in holder_lines for c in h.findall("CLine")}, key=repr),
            "resources": sorted({refs.get(r or "", r or "") for r in res_refs}),  # listing one twice adds nothing
            "compilation": _t(d, "IsMultiArtistCompilation") == "true" if d is not None else False,
        }
        if main:
            groups = d.findall("ResourceGroup") if self.v3 and d is not None else rel.findall("ResourceGroup")
            out["groups"] = [self.group(g, refs) for g in groups]
            out["duration"] = seconds(_t(rel, "Duration"))
        return out


def _identity(facts: dict) -> str:
    ids = dict((i[0], i[1]) for i in facts["ids"])
    key = ids.get("ISRC") or ",".join(i[1] for i in facts["ids"] if i[0] == "ProprietaryId")
    if not key:
        titles = facts["titles"]
        key = str(titles.get("reference") or titles.get("display") or titles)
    return f"{facts['kind']}:{key}"


def _main(root: etree._Element, v3: bool) -> etree._Element:
    releases = root.findall("ReleaseList/Release")
    if not v3:
        return releases[0]
    marked = next((r for r in releases if r.get("IsMainRelease") == "true"), None)
    if marked is not None:
        return marked
    return next((r for r in releases if "TrackRelease" not in [_t(t) for t in r.findall("ReleaseType")]), releases[0])


def _variants(el: etree._Element | None, tag: str) -> list:
    """A 4.x element's other-language/territory variants: every one but the default (IsDefault, else the first)."""
    items = [] if el is None else el.findall(tag)
    default = next((i for i in items if i.get("IsDefault") == "true"), items[0] if items else None)
    return sorted(((tag, i.get("LanguageAndScriptCode"), i.get("ApplicableTerritoryCode"),
                    _t(i, "TitleText") if tag == "DisplayTitle" else _t(i)) for i in items if i is not default),
                  key=repr)


def message_facts(root: etree._Element) -> dict[str, Any]:
    """Everything the round-trip rule compares, keyed so that equal statements compare equal."""
    reader = _Reader(root)
    refs, resources = reader.resources()
    main = _main(root, reader.v3)
    release_refs: dict[str, str] = {}
    releases: dict[str, dict] = {}
    for rel in root.findall("ReleaseList/*"):
        if not isinstance(rel.tag, str):
            continue
        is_main = rel is main
        facts = reader.release(rel, refs, is_main)
        name = "main" if is_main else "release:" + ("+".join(facts["resources"]) or repr(facts["ids"]))
        release_refs[_t(rel, "ReleaseReference") or ""] = name
        releases[name] = facts
    deals = set()
    for rd in root.findall("DealList/ReleaseDeal"):
        names = sorted(release_refs.get(_t(r) or "", _t(r) or "") for r in rd.findall("DealReleaseReference"))
        for terms in rd.findall("Deal/DealTerms"):
            if _t(terms, "TakeDown") == "true":
                continue
            uses = terms.findall("Usage/UseType") if reader.v3 else terms.findall("UseType")
            preorder = (_t(terms, "IsPreOrderDeal") == "true",
                        tuple(sorted(refs.get(_t(r) or "", _t(r) or "") for r in terms.findall(
                            "InstantGratificationResourceList/DealResourceReference"))),
                        _t(terms, "PreOrderReleaseDate"), _t(terms, "PreOrderPreviewDate"))
            for period in terms.findall("ValidityPeriod") or [None]:
                start = _when(_t(period, "StartDateTime") or _t(period, "StartDate")) if period is not None else None
                end = _when(_t(period, "EndDateTime") or _t(period, "EndDate"), end=True) if period is not None \
                    else None
                for name in names:
                    deals.add((name, tuple(sorted(_t(t) or "" for t in terms.findall("TerritoryCode"))),
                               tuple(sorted(_t(t) or "" for t in terms.findall("ExcludedTerritoryCode"))),
                               tuple(sorted(_avs(m) or "" for m in terms.findall("CommercialModelType"))),
                               tuple(sorted(_avs(u) or "" for u in uses)), start, end, *preorder))
    return {"releases": releases, "resources": resources, "deals": deals}


def differences(source: dict[str, Any], rebuilt: dict[str, Any]) -> list[str]:
    """Human-readable paths where two messages' facts differ (empty when they state the same)."""
    out: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                if key not in b:
                    out.append(f"{path}/{key}: lost ({_short(a[key])})")
                elif key not in a:
                    out.append(f"{path}/{key}: added ({_short(b[key])})")
                else:
                    walk(a[key], b[key], f"{path}/{key}")
        elif isinstance(a, set) and isinstance(b, set):
            for item in sorted(a - b, key=repr):
                out.append(f"{path}: lost {_short(item)}")
            for item in sorted(b - a, key=repr):
                out.append(f"{path}: added {_short(item)}")
        elif a != b:
            out.append(f"{path}: {_short(a)} -> {_short(b)}")

    walk(source, rebuilt, "")
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."
