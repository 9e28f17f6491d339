"""DDEX allowed values for release types, resource types, codecs, relationships and titles, per ERN version.

Data, not logic: generated from the allowed-value-set XSDs of each schema (3.8.2: avs_20161006, 4.2:
avs20200518, 4.3: allowed-value-sets AvsVersionId 3). ``UserDefined`` is left out of every set: a value a
version does not list is written as ``UserDefined`` with the value in ``UserDefinedValue``, which every
AVS-typed element allows. Used by :mod:`stardust_tui.domain.release_types` and the ERN builders.
"""

RELEASE_TYPES_382: frozenset[str] = frozenset({
    "AdvertisementVideo", "Album", "AlertToneRelease", "Animation", "AsPerContract", "AudioBookRelease",
    "AudioClipRelease", "BackCoverImageRelease", "BookletBackImageRelease", "BookletFrontImageRelease",
    "BookletRelease", "Bundle", "ClassicalAlbum", "ConcertVideo", "CorporateFilm", "DigitalBoxSetRelease",
    "DocumentImageRelease", "Documentary", "EBookRelease", "EP", "Episode", "FeatureFilm", "FilmBundle",
    "FrontCoverImageRelease", "IconRelease", "InfomercialVideo", "InteractiveBookletRelease", "KaraokeRelease",
    "LiveEventVideo", "LogoRelease", "LongFormMusicalWorkVideoRelease", "LongFormNonMusicalWorkVideoRelease",
    "LyricSheetRelease", "MultimediaAlbum", "MultimediaSingle", "MusicalWorkBasedGameRelease",
    "MusicalWorkClipRelease", "MusicalWorkReadalongVideoRelease", "MusicalWorkTrailerRelease",
    "MusicalWorkVideoChapterRelease", "News", "NonMusicalWorkBasedGameRelease", "NonMusicalWorkClipRelease",
    "NonMusicalWorkReadalongVideoRelease", "NonMusicalWorkTrailerRelease", "NonMusicalWorkVideoChapterRelease",
    "NonSerialAudioVisualRecording", "PhotographRelease", "RingbackToneRelease", "RingtoneRelease",
    "ScreensaverRelease", "Season", "Series", "SheetMusicRelease", "ShortFormMusicalWorkVideoRelease",
    "ShortFormNonMusicalWorkVideoRelease", "Single", "SingleResourceRelease", "SingleResourceReleaseWithCoverArt",
    "TrackRelease", "TrailerVideo", "TrayImageRelease", "Unknown", "VideoAlbum", "VideoChapterRelease",
    "VideoClipRelease", "VideoScreenCaptureRelease", "VideoSingle", "VideoTrackRelease", "WallpaperRelease",
})

RELEASE_TYPES_42: frozenset[str] = frozenset({
    "Album", "AlertToneRelease", "AsPerContract", "AudioBookRelease", "AudioDramaRelease", "BackCoverImageRelease",
    "BookletBackImageRelease", "BookletFrontImageRelease", "BookletRelease", "Bundle", "ClassicalAlbum",
    "ClassicalDigitalBoxedSet", "ClassicalMultimediaAlbum", "ConcertVideo", "DigitalBoxSetRelease", "DjMix",
    "Documentary", "Drama", "DramaticoMusicalVideoRelease", "EBookRelease", "EP", "Episode", "FeatureFilm",
    "KaraokeRelease", "LiveEventVideo", "LogoRelease", "LongFormMusicalWorkVideoRelease",
    "LongFormNonMusicalWorkVideoRelease", "LyricSheetRelease", "MultimediaAlbum", "MultimediaDigitalBoxedSet",
    "MultimediaSingle", "MusicalWorkBasedGameRelease", "NonMusicalWorkBasedGameRelease", "PlayList",
    "RingbackToneRelease", "RingtoneRelease", "Season", "Series", "SheetMusicRelease", "ShortFilm", "Single",
    "SingleResourceRelease", "StemBundle", "VideoAlbum", "VideoMastertoneRelease", "VideoSingle",
    "WallpaperRelease",
})

RELEASE_TYPES_43: frozenset[str] = frozenset({
    "Album", "AlertToneRelease", "AsPerContract", "AudioBookRelease", "AudioDramaRelease", "BackCoverImageRelease",
    "BookletBackImageRelease", "BookletFrontImageRelease", "BookletRelease", "Bundle", "ClassicalAlbum",
    "ClassicalDigitalBoxedSet", "ClassicalMultimediaAlbum", "ConcertVideo", "DigitalBoxSetRelease", "DjMix",
    "Documentary", "Drama", "DramaticoMusicalVideoRelease", "EBookRelease", "EP", "Episode", "FeatureFilm",
    "KaraokeRelease", "LiveEventVideo", "LogoRelease", "LongFormMusicalWorkVideoRelease",
    "LongFormNonMusicalWorkVideoRelease", "LyricSheetRelease", "MultimediaAlbum", "MultimediaDigitalBoxedSet",
    "MultimediaSingle", "MusicalWorkBasedGameRelease", "NonMusicalWorkBasedGameRelease", "PlayList",
    "RingbackToneRelease", "RingtoneRelease", "Season", "Series", "SheetMusicRelease", "ShortFilm", "Single",
    "SingleResourceRelease", "StemBundle", "VideoAlbum", "VideoMastertoneRelease", "VideoSingle",
    "WallpaperRelease",
})

SOUND_RECORDING_TYPES_382: frozenset[str] = frozenset({
    "MusicalWorkReadalongSoundRecording", "MusicalWorkSoundRecording", "NonMusicalWorkReadalongSoundRecording",
    "NonMusicalWorkSoundRecording", "SpokenWordSoundRecording", "Unknown",
})

SOUND_RECORDING_TYPES_42: frozenset[str] = frozenset({
    "AudioStem", "MusicalWorkReadalongSoundRecording", "MusicalWorkSoundRecording",
    "NonMusicalWorkReadalongSoundRecording", "NonMusicalWorkSoundRecording", "SpokenWordSoundRecording", "Unknown",
})

SOUND_RECORDING_TYPES_43: frozenset[str] = frozenset({
    "AudioStem", "Clip", "MusicalWorkReadalongSoundRecording", "MusicalWorkSoundRecording",
    "NonMusicalWorkReadalongSoundRecording", "NonMusicalWorkSoundRecording", "SpokenWordSoundRecording", "Unknown",
})

VIDEO_TYPES_382: frozenset[str] = frozenset({
    "AdvertisementVideo", "Animation", "BehindTheScenes", "ConcertClip", "ConcertVideo", "CorporateFilm", "Credits",
    "Documentary", "EducationalVideo", "Episode", "FeatureFilm", "InfomercialVideo", "Interview", "Karaoke",
    "LiveEventVideo", "LongFormMusicalWorkVideo", "LongFormNonMusicalWorkVideo", "LyricVideo", "Menu",
    "MultimediaVideo", "MusicalWorkClip", "MusicalWorkReadalongVideo", "MusicalWorkTrailer",
    "MusicalWorkVideoChapter", "News", "NonMusicalWorkClip", "NonMusicalWorkReadalongVideo",
    "NonMusicalWorkTrailer", "NonMusicalWorkVideoChapter", "NonSerialAudioVisualRecording", "OperaVideo",
    "Performance", "Season", "Series", "ShortFilm", "ShortFormMusicalWorkVideo", "ShortFormNonMusicalWorkVideo",
    "SpecialEvent", "Sport", "TheatricalWorkVideo", "TrailerVideo", "TvFilm", "TvShowVideo", "Unknown",
    "VideoChapter", "VideoStem",
})

VIDEO_TYPES_42: frozenset[str] = frozenset({
    "AdultContent", "AdvertisementVideo", "AdviceMagazine", "Animation", "BalletVideo", "BehindTheScenes",
    "BlackAndWhiteVideo", "ChildrensFilm", "ColorizedVideo", "ColumnVideo", "ConcertClip", "ConcertVideo",
    "CorporateFilm", "Credits", "Documentary", "Drama", "DramaticoMusicalVideo", "EducationalVideo", "Episode",
    "FeatureFilm", "Fiction", "InfomercialVideo", "InteractiveResource", "Interview", "Karaoke", "LiveEventVideo",
    "LongFormMusicalWorkVideo", "LongFormNonMusicalWorkVideo", "LyricVideo", "Magazine", "Menu", "MultimediaVideo",
    "MusicalWorkClip", "MusicalWorkReadalongVideo", "MusicalWorkTrailer", "MusicalWorkVideoChapter", "News",
    "NonMusicalWorkClip", "NonMusicalWorkReadalongVideo", "NonMusicalWorkTrailer", "NonMusicalWorkVideoChapter",
    "NonSerialAudioVisualRecording", "OperaVideo", "Performance", "ReadalongVideo", "RealityTvShowVideo", "Season",
    "SerialAudioVisualRecording", "Series", "ShortFilm", "ShortFormMusicalWorkVideo",
    "ShortFormNonMusicalWorkVideo", "SilentVideo", "SketchVideo", "SoapSitcom", "SpecialEvent", "Sport",
    "TheatricalWorkVideo", "TrailerVideo", "TvFilm", "TvProgram", "TvShowVideo", "Unknown", "VideoChapter",
    "VideoClip", "VideoReport", "VideoStem", "WebResource",
})

# 4.3's Video/Type is VideoType_ERN43, a much smaller set than the AVS VideoType other versions use.
VIDEO_TYPES_43: frozenset[str] = frozenset({
    "Clip", "FrontCoverVideo", "LongFormMusicalWorkVideo", "LongFormNonMusicalWorkVideo", "ShortFormMusicalWorkVideo",
    "ShortFormNonMusicalWorkVideo",
})

IMAGE_TYPES_382: frozenset[str] = frozenset({
    "BackCoverImage", "BookletBackImage", "BookletFrontImage", "DocumentImage", "FrontCoverImage", "Icon", "Logo",
    "Photograph", "Poster", "TrayImage", "Unknown", "VideoScreenCapture", "Wallpaper",
})

IMAGE_TYPES_42: frozenset[str] = frozenset({
    "BackCoverImage", "BookletBackImage", "BookletFrontImage", "DocumentImage", "FrontCoverImage", "Icon", "Logo",
    "Photograph", "Poster", "TrayImage", "Unknown", "VideoScreenCapture", "Wallpaper",
})

IMAGE_TYPES_43: frozenset[str] = frozenset({
    "BackCoverImage", "BookletBackImage", "BookletFrontImage", "DocumentImage", "FrontCoverImage", "Icon", "Logo",
    "Photograph", "Portrait", "Poster", "TrayImage", "Unknown", "VideoScreenCapture", "Wallpaper",
})

TEXT_TYPES_382: frozenset[str] = frozenset({
    "Caption", "EBook", "LinerNotes", "LyricText", "NonInteractiveBooklet", "TextDocument", "Unknown",
})

TEXT_TYPES_42: frozenset[str] = frozenset({
    "Caption", "EBook", "LinerNotes", "LyricText", "NonInteractiveBooklet", "TextDocument", "Unknown",
})

TEXT_TYPES_43: frozenset[str] = frozenset({
    "Caption", "EBook", "LinerNotes", "LyricText", "NonInteractiveBooklet", "TextDocument", "Unknown",
})

MIDI_TYPES_382: frozenset[str] = frozenset({
    "MonophonicMidi", "PolyphonicMidi", "Unknown",
})

MIDI_TYPES_42: frozenset[str] = frozenset()

MIDI_TYPES_43: frozenset[str] = frozenset()

SHEET_MUSIC_TYPES_382: frozenset[str] = frozenset()

SHEET_MUSIC_TYPES_42: frozenset[str] = frozenset()

SHEET_MUSIC_TYPES_43: frozenset[str] = frozenset()

SOFTWARE_TYPES_382: frozenset[str] = frozenset({
    "InteractiveBooklet", "MusicalWorkBasedGame", "NonMusicalWorkBasedGame", "Screensaver", "Unknown",
})

SOFTWARE_TYPES_42: frozenset[str] = frozenset({
    "InteractiveBooklet", "MusicalWorkBasedGame", "NonMusicalWorkBasedGame", "Screensaver", "Unknown",
})

SOFTWARE_TYPES_43: frozenset[str] = frozenset({
    "InteractiveBooklet", "MusicalWorkBasedGame", "NonMusicalWorkBasedGame", "Screensaver", "Unknown",
})

VIDEO_CODECS_382: frozenset[str] = frozenset({
    "AVC", "H.261", "H.263", "MPEG-1", "MPEG-2", "MPEG-4", "QuickTime", "RealVideo", "Shockwave", "Unknown", "WMV",
})

VIDEO_CODECS_42: frozenset[str] = frozenset({
    "AVC", "H.261", "H.263", "MPEG-1", "MPEG-2", "MPEG-4", "QuickTime", "RealVideo", "Shockwave", "Unknown", "WMV",
})

VIDEO_CODECS_43: frozenset[str] = frozenset({
    "AVC", "H.261", "H.263", "HEVC", "MPEG-1", "MPEG-2", "MPEG-4", "ProRes-422", "ProRes-422_HQ", "ProRes-422_LT",
    "ProRes-422_Proxy", "ProRes-4444", "ProRes-4444_XQ", "RealVideo", "Shockwave", "Unknown", "WMV",
})

TEXT_CODECS_382: frozenset[str] = frozenset({
    "ASCII", "EBU-TT", "HTML", "OOXML", "PDF", "PostScript", "RTF", "SRT", "TTML", "Unknown", "VTT",
})

TEXT_CODECS_42: frozenset[str] = frozenset({
    "ASCII", "AsciiOrIso8859nText", "EBU-TT", "EPUB", "EnhancedLRC", "HTML", "LRC", "MicrosoftWord", "OOXML",
    "OpenDocumentText", "PDF", "PostScript", "RTF", "SRT", "SimpleLRC", "TTML", "UTF8Text", "Unknown", "VTT",
    "WindowsText", "XHTML", "XML",
})

TEXT_CODECS_43: frozenset[str] = frozenset({
    "ASCII", "AsciiOrIso8859nText", "EBU-TT", "EPUB", "EnhancedLRC", "HTML", "LRC", "MicrosoftWord", "OOXML",
    "OpenDocumentText", "PDF", "PostScript", "RTF", "SRT", "SimpleLRC", "TTML", "UTF8Text", "Unknown", "VTT",
    "WindowsText", "XHTML", "XML",
})

AUDIO_CODECS_382: frozenset[str] = frozenset({
    "AAC", "ADPCM", "ALaw", "AMR-NB", "AMR-WB", "FLAC", "MP2", "MP3", "MuLaw", "PCM", "PDM", "QCELP", "RealAudio",
    "Shockwave", "Unknown", "Vorbis", "WMA",
})

AUDIO_CODECS_42: frozenset[str] = frozenset({
    "AAC", "ADPCM", "ALaw", "AMR", "AMR-NB", "AMR-WB", "Atmos", "FLAC", "MP", "MP2", "MP3", "MQA", "MuLaw", "PCM",
    "PDM", "QCELP", "RealAudio", "Shockwave", "Unknown", "Vorbis", "WMA",
})

AUDIO_CODECS_43: frozenset[str] = frozenset({
    "AAC", "AC-4", "ADPCM", "ALaw", "AMR", "AMR-NB", "AMR-WB", "DolbyAtmosMasterADM", "DolbyDigitalPlus", "FLAC",
    "MP", "MP2", "MP3", "MPEG-H_3D", "MQA", "MuLaw", "PCM", "PDM", "QCELP", "RealAudio", "Shockwave", "Unknown",
    "Vorbis", "WMA",
})

RESOURCE_RELATIONSHIPS_382: frozenset[str] = frozenset()

RESOURCE_RELATIONSHIPS_42: frozenset[str] = frozenset({
    "ContainsSamplesFrom", "HasContentFrom", "IsCoverOf", "IsCoveredBy", "IsDifferentEncoding", "IsPartOf",
    "IsSampledBy",
})

RESOURCE_RELATIONSHIPS_43: frozenset[str] = frozenset({
    "ContainsSamplesFrom", "HasClip", "HasContentFrom", "HasPart", "IsClipFrom", "IsCoverOf", "IsCoveredBy",
    "IsDifferentEncoding", "IsImmersiveEditionOf", "IsNonImmersiveEditionOf", "IsPartOf", "IsSampledBy",
})

TITLE_TYPES_382: frozenset[str] = frozenset({
    "AbbreviatedDisplayTitle", "AlternativeTitle", "DisplayTitle", "FirstLineOfText", "FormalTitle",
    "GroupingTitle", "IncorrectTitle", "MisspelledTitle", "OriginalTitle", "SearchTitle", "SortingTitle",
    "TitleAsPart", "TitleWithoutPunctuation", "TranslatedTitle", "Unknown",
})

TITLE_TYPES_42: frozenset[str] = frozenset({
    "AbbreviatedDisplayTitle", "AlternativeTitle", "DisplayTitle", "FirstLineOfText", "FormalTitle",
    "GroupingTitle", "IncorrectTitle", "MisspelledTitle", "OriginalTitle", "SearchTitle", "SortingTitle",
    "TitleAsPart", "TitleWithoutPunctuation", "TranslatedTitle", "Unknown",
})

TITLE_TYPES_43: frozenset[str] = frozenset({
    "AbbreviatedDisplayTitle", "AlternativeTitle", "DisplayTitle", "FirstLineOfText", "FormalTitle",
    "GroupingTitle", "IncorrectTitle", "MisspelledTitle", "MusicalWorkTitle", "OriginalTitle", "SearchTitle",
    "SortingTitle", "TitleAsPart", "TitleWithoutPunctuation", "TranslatedTitle", "Unknown",
})

