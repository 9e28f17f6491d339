"""Resources of every kind as assets (issue 18): MP4/QuickTime videos, PDF booklets and MIDI files are stored
with their facts (read from the bytes, not the name), attached to a release, and delivered with their MD5."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.assets.facts import read_facts
from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.delivery.package import plan_package
from stardust_tui.delivery.profile_model import MessageParty
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.ern.sample_catalog import add_sample_release
from stardust_tui.errors import ValidationError
from stardust_tui.store.releases import load_release, save_release
from stardust_tui.store.resources import add_resource


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(*, width: int = 1920, height: int = 1080, seconds: int = 10, fps: int = 25, brand: bytes = b"isom",
        video: bool = True, mdat: int = 4000) -> bytes:
    """A minimal ISO media file: ftyp, moov (a video track and a sound track), mdat."""
    timescale = 1000

    def trak(handler: bytes, entry: bytes, samples: int) -> bytes:
        tkhd = bytes(76) + struct.pack(">II", width << 16, height << 16) if handler == b"vide" else bytes(84)
        mdhd = bytes(12) + struct.pack(">II", timescale, seconds * timescale) + bytes(4)
        hdlr = bytes(8) + handler + bytes(12)
        stsd = bytes(4) + struct.pack(">I", 1) + struct.pack(">I", 8 + len(entry)) + entry
        stts = bytes(4) + struct.pack(">III", 1, samples, timescale // max(1, samples // seconds))
        stbl = box(b"stbl", box(b"stsd", stsd) + box(b"stts", stts))
        return box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", box(b"mdhd", mdhd) + box(b"hdlr", hdlr)
                                                    + box(b"minf", stbl)))

    avc = b"avc1" + bytes(78)
    aac = b"mp4a" + bytes(16) + struct.pack(">HH", 2, 16) + bytes(4) + struct.pack(">I", 48000 << 16)
    tracks = (trak(b"vide", avc, seconds * fps) if video else b"") + trak(b"soun", aac, seconds * 47)
    moov = box(b"moov", box(b"mvhd", bytes(100)) + tracks)
    return box(b"ftyp", brand + bytes(4) + b"isommp42") + moov + box(b"mdat", bytes(mdat))


def test_video_facts_come_from_the_boxes(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(mp4())
    facts = read_facts(path)
    assert facts["kind"] == "video" and facts["container"] == "MP4" and facts["codec"] == "AVC"
    assert (facts["width"], facts["height"], facts["frame_rate"], facts["duration_seconds"]) == (1920, 1080, 25.0, 10.0)
    assert facts["channels"] == 2 and facts["sample_rate"] == 48000 and facts["audio_codec"] == "AAC"
    mov = tmp_path / "clip.mov"
    mov.write_bytes(mp4(brand=b"qt  ", width=1280, height=720, fps=30))
    assert (read_facts(mov)["container"], read_facts(mov)["frame_rate"]) == ("QUICKTIME", 30.0)


def test_audio_only_mp4_is_audio_and_a_cut_video_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(mp4()[:60])
    with pytest.raises(ValidationError, match="cut short|incomplete|no moov"):
        read_facts(cut)
    fake = tmp_path / "fake.mov"
    fake.write_bytes(b"not a movie at all" * 10)
    with pytest.raises(ValidationError, match="unreadable video"):
        read_facts(fake)


def test_pdf_and_midi(tmp_path: Path) -> None:
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")
    assert read_facts(pdf) == {"kind": "text", "container": "PDF", "codec": "PDF"}
    midi = tmp_path / "tune.mid"
    midi.write_bytes(b"MThd" + struct.pack(">IHHH", 6, 1, 3, 480) + b"MTrk" + struct.pack(">I", 0))
    facts = read_facts(midi)
    assert facts["kind"] == "midi" and facts["codec"] == "SMF1" and facts["midi_tracks"] == 3
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd" + struct.pack(">I", 6))
    with pytest.raises(ValidationError, match="truncated MIDI"):
        read_facts(bad)


def test_a_video_and_a_booklet_are_delivered_with_their_md5(sqlite_engine: Engine, settings: Settings,
                                                            tmp_path: Path) -> None:
    store = AssetStore(settings.paths)
    video_file, booklet_file = tmp_path / "video.mp4", tmp_path / "booklet.pdf"
    video_file.write_bytes(mp4(mdat=12345))
    booklet_file.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with Session(sqlite_engine) as session:
        release = add_sample_release(session, seed=71, tracks=1, release_type="VideoSingle")
        video = store.add(session, video_file)
        booklet = store.add(session, booklet_file)
        with pytest.raises(ValidationError, match="is a text file, not a Video"):
            add_resource(session, release, kind="Video", asset=booklet)
        add_resource(session, release, kind="Video", asset=video, title="The Video", display_artist="X",
                     duration_seconds=10.0, parental_advisory="not-explicit")
        add_resource(session, release, kind="Text", asset=booklet, resource_type="NonInteractiveBooklet")
        save_release(session, release, actor="test")
        session.commit()
        release = load_release(session, release.id)
    plan = plan_package(release, load_profile("generic-43"), "new", sender=MessageParty("PADPIDA0000000000Z", "S"),
                        asset_path=store.path_for, batch_id="20260101000000001")
    by_name = {Path(f.remote_path).name: f for f in plan.resources}
    assert f"{release.upc}_X1.mp4" in by_name and f"{release.upc}_X2.pdf" in by_name
    assert by_name[f"{release.upc}_X1.mp4"].md5 == hashlib.md5(video_file.read_bytes()).hexdigest()
    root = etree.fromstring(plan.message.data)
    video_el = root.find("ResourceList/Video")
    assert video_el.findtext("Type") == "ShortFormMusicalWorkVideo"
    details = video_el.find("VideoEdition/TechnicalDetails/DeliveryFile")
    assert details.findtext("VideoCodecType") == "AVC" and details.findtext("FrameRate") == "25"
    assert details.findtext("File/HashSum/HashSumValue") == by_name[f"{release.upc}_X1.mp4"].md5
    assert root.findtext("ResourceList/Text/TechnicalDetails/TextCodecType") == "PDF"
    assert root.findtext("ReleaseList/Release/ReleaseType") == "VideoSingle"
    items = [i.findtext("ReleaseResourceReference") for i in root.iter("ResourceGroupContentItem")]
    assert video_el.findtext("ResourceReference") in items  # the video is in the release's group
