"""DDEX allowed-value sets (AVS) of each supported ERN version: roles, commercial models, use types.

Data, not logic: generated from the AVS XSDs shipped with each schema version. It lives in the domain so
the catalog can refuse values no DDEX message allows (``stardust_tui.domain.validation``) without
importing the ERN builders; ``stardust_tui.ern.vocab`` re-exports it for the builders. A catalog role that
a version does not list is sent as ``UserDefined`` with the role in ``UserDefinedValue``.
"""


CONTRIBUTOR_ROLES_4: frozenset[str] = frozenset({
    "AAndRAdministrator", "AAndRCoordinator", "Accompanyist", "Actor", "Adapter", "AdditionalEngineer",
    "AdditionalMixingEngineer", "AdditionalPerformer", "AdditionalProgrammingEngineer", "AdditionalStudioProducer",
    "AnchorPerson", "AnimalTrainer", "Animator", "Annotator", "Announcer", "Architect", "Armourer", "Arranger",
    "ArtCopyist", "ArtDirector", "Artist", "ArtistBackgroundVocalEngineer", "ArtistVocalEngineer",
    "ArtistVocalSecondEngineer", "AssistantCameraOperator", "AssistantChiefLightingTechnician",
    "AssistantConductor", "AssistantDirector", "AssistantEditor", "AssistantEngineer", "AssistantProducer",
    "AssistantVisualEditor", "AssociateProducer", "AssociatedPerformer", "AuralTrainer", "Author",
    "AuthorInQuotations", "AuthorOfAfterword", "BackgroundVocalist", "BalanceEngineer", "BandLeader", "Binder",
    "BindingDesigner", "BookDesigner", "BookProducer", "BookPublisher", "BookjackDesigner", "BookplateDesigner",
    "BroadcastAssistant", "BroadcastJournalist", "Calligrapher", "CameraOperator", "Carpenter", "Cartographer",
    "Cartoonist", "CastingDirector", "Causeur", "Censor", "ChiefLightingTechnician", "Choir", "ChoirMember",
    "Choreographer", "ChorusMaster", "CircusArtist", "ClapperLoader", "ClubDJ", "CoDirector", "CoExecutiveProducer",
    "CoMixer", "CoMixingEngineer", "CoProducer", "ColorSeparator", "Comedian", "Commentator",
    "CommissioningBroadcaster", "CompilationProducer", "Compiler", "Composer", "ComposerLyricist",
    "ComputerGraphicCreator", "ComputerProgrammer", "Conceptor", "ConcertMaster", "Conductor", "Consultant",
    "ContinuityChecker", "Contractor", "CopyrightClaimant", "CopyrightHolder", "Correspondent", "CostumeDesigner",
    "CoverDesigner", "Creator", "DJ", "Dancer", "Delineator", "Designer", "DialogueAuthor", "DialogueCoach",
    "DialogueDirector", "DigitalAudioWorkstationEngineer", "DigitalEditingEngineer", "DigitalEditingSecondEngineer",
    "DirectStreamDigitalEngineer", "Director", "Dissertant", "DistributionCompany", "Draughtsman", "Dresser",
    "Dubber", "Editor", "EditorInChief", "EditorOfTheDay", "Encoder", "Engineer", "Engraver", "Ensemble", "Etcher",
    "ExecutiveProducer", "Expert", "Facsimilist", "FightDirector", "FilmDirector", "FilmDistributor", "FilmEditor",
    "FilmProducer", "FilmSoundEngineer", "FloorManager", "FocusPuller", "FoleyArtist", "FoleyEditor", "FoleyMixer",
    "GraphicArtist", "GraphicAssistant", "GraphicDesigner", "Greensman", "Grip", "GroupMember", "GuestConductor",
    "Hairdresser", "Illustrator", "ImmersiveMixingEngineer", "InitialProducer", "InterviewedGuest", "Interviewer",
    "Journalist", "KeyCharacter", "KeyGrip", "KeyTalent", "LandscapeArchitect", "LeadPerformer", "LeadVocalist",
    "Leadman", "Librettist", "LightingDirector", "LightingTechnician", "Lithographer", "LocationManager",
    "Lyricist", "MakeUpArtist", "Manufacturer", "MasteringEngineer", "MasteringSecondEngineer", "MatteArtist",
    "MetalEngraver", "Mixer", "MixingEngineer", "MixingSecondEngineer", "MusicArranger", "MusicCopyist",
    "MusicDirector", "MusicGroup", "MusicPublisher", "Musician", "Narrator", "NewsProducer", "NewsReader",
    "NewspaperPublisher", "NonLyricAuthor", "NotSpecified", "Orchestra", "OrchestraMember", "OriginalArtist",
    "OriginalPublisher", "OverdubEngineer", "OverdubSecondEngineer", "Painter", "Performer", "PeriodicalPublisher",
    "Photographer", "PhotographyDirector", "PlateMaker", "PlaybackSinger", "Playwright", "PostProducer",
    "PreProduction", "PreProductionEngineer", "PreProductionSecondEngineer", "PrimaryMusician",
    "ProductionAssistant", "ProductionCompany", "ProductionCoordinator", "ProductionDepartment",
    "ProductionManager", "ProductionSecretary", "ProgramProducer", "Programmer", "ProgrammingEngineer",
    "ProjectEngineer", "PropertyManager", "PublishingDirector", "Puppeteer", "Pyrotechnician", "RecordingEngineer",
    "RecordingSecondEngineer", "Redactor", "ReissueProducer", "RemixedArtist", "Remixer", "RemixingEngineer",
    "RemixingSecondEngineer", "Repetiteur", "Reporter", "ResearchTeamHead", "ResearchTeamMember", "Researcher",
    "Restager", "Reviewer", "Rigger", "RightsControllerOnProduct", "Rubricator", "Runner", "ScenicOperative",
    "ScientificAdvisor", "ScreenplayAuthor", "ScriptSupervisor", "Sculptor", "SecondAssistantCameraOperator",
    "SecondAssistantDirector", "SecondConductor", "SecondEngineer", "SecondUnitDirector", "SeriesProducer",
    "SetDesigner", "SetDresser", "SignLanguageInterpreter", "Soloist", "SoundDesigner", "SoundMixer",
    "SoundRecordist", "SoundSupervisor", "Speaker", "SpecialEffectsTechnician", "Sponsor", "StageAssistantEngineer",
    "StageDirector", "StageEngineer", "StoryTeller", "StringEngineer", "StringProducer", "StringsDirector",
    "StudioConductor", "StudioMusician", "StudioPersonnel", "StudioProducer", "Stunts", "SubArranger",
    "SubLyricist", "SubPublisher", "SubstitutedPublisher", "SubtitlesEditor", "SubtitlesTranslator",
    "SupportingActor", "SurroundMixingEngineer", "SurroundMixingSecondEngineer", "TapeOperator",
    "TechnicalDirector", "Tonmeister", "TrackingEngineer", "TrackingSecondEngineer", "TransfersAndSafetiesEngineer",
    "TransfersAndSafetiesSecondEngineer", "Translator", "TransportationManager", "Treatment/ProgramProposal",
    "TypeDesigner", "VideoDirector", "VideoMusicalDirector", "VideoProducer", "Videographer", "VisionMixer",
    "VisualEditor", "VisualEffectsTechnician", "VocalArranger", "VocalEditingEngineer",
    "VocalEditingSecondEngineer", "VocalEngineer", "VocalProducer", "VocalSecondEngineer", "Vocalist", "VoiceActor",
    "Wardrobe", "WoodEngraver", "Woodcutter", "WriterOfAccompanyingMaterial"
})


DISPLAY_ARTIST_ROLES_4: frozenset[str] = frozenset({
    "Artist", "FeaturedArtist", "MainArtist"
})


RESOURCE_CONTRIBUTOR_ROLES_382: frozenset[str] = frozenset({
    "Actor", "Architect", "Artist", "AssociatedPerformer", "Band", "BookPublisher", "Cartoonist", "Choir",
    "Choreographer", "ComputerGraphicCreator", "Conductor", "Contributor", "CostumeDesigner", "Designer", "Dubber",
    "Encoder", "Ensemble", "FeaturedArtist", "FilmDirector", "FilmDistributor", "FilmEditor", "FilmProducer",
    "FilmSoundEngineer", "GraphicArtist", "GraphicDesigner", "Journalist", "MainArtist", "Member", "MusicDirector",
    "Narrator", "NewspaperPublisher", "Orchestra", "Painter", "PeriodicalPublisher", "Photographer",
    "PhotographyDirector", "PlaybackSinger", "PrimaryMusician", "Producer", "Programmer",
    "RightsControllerOnProduct", "ScreenplayAuthor", "SetDesigner", "Soloist", "StageDirector", "StudioPersonnel",
    "SubtitlesEditor", "SubtitlesTranslator", "VoiceActor"
})


WORK_CONTRIBUTOR_ROLES_382: frozenset[str] = frozenset({
    "Adapter", "Arranger", "AssociatedPerformer", "Author", "Composer", "ComposerLyricist", "Contributor",
    "Librettist", "Lyricist", "MusicPublisher", "NonLyricAuthor", "OriginalPublisher", "SubArranger", "SubLyricist",
    "SubPublisher", "SubstitutedPublisher", "Translator"
})


ARTIST_ROLES_382: frozenset[str] = frozenset({
    "Actor", "Adapter", "Architect", "Arranger", "Artist", "AssociatedPerformer", "Author", "Band", "Cartoonist",
    "Choir", "Choreographer", "Composer", "ComposerLyricist", "ComputerGraphicCreator", "Conductor", "Contributor",
    "Dancer", "Designer", "Director", "Ensemble", "FeaturedArtist", "FilmDirector", "GraphicArtist",
    "GraphicDesigner", "Journalist", "Librettist", "Lyricist", "MainArtist", "Narrator", "NonLyricAuthor",
    "Orchestra", "OriginalPublisher", "Painter", "Photographer", "PhotographyDirector", "Playwright",
    "PrimaryMusician", "Producer", "Programmer", "ScreenplayAuthor", "Soloist", "StudioMusician", "StudioPersonnel",
    "SubArranger", "Translator"
})


COMMERCIAL_MODELS_4: frozenset[str] = frozenset({
    "AdvertisementSupportedModel", "DeviceFeeModel", "FreeOfChargeModel", "PayAsYouGoModel",
    "PerformanceRoyaltiesModel", "RightsClaimModel", "SubscriptionModel"
})


USE_TYPES_4: frozenset[str] = frozenset({
    "Broadcast", "Cable", "ConditionalDownload", "ContentInfluencedStream", "Display", "Download", "Dub",
    "DubForLivePerformance", "DubForMovies", "DubForMusicOnHold", "DubForPublicPerformance", "DubForRadio",
    "DubForTV", "ExtractForInternet", "KioskDownload", "Narrowcast", "NonInteractiveStream", "OnDemandStream",
    "Perform", "PerformAsMusicOnHold", "PerformInLivePerformance", "PerformInPublic", "PermanentDownload",
    "PlayInPublic", "Playback", "Podcast", "Print", "PrivateCopy", "PurchaseAsPhysicalProduct", "Rent", "Simulcast",
    "Stream", "TetheredDownload", "TimeInfluencedStream", "Use", "UseAsAlertTone", "UseAsDevice", "UseAsKaraoke",
    "UseAsRingbackTone", "UseAsRingbackTune", "UseAsRingtone", "UseAsRingtune", "UseAsScreensaver",
    "UseAsVoiceMail", "UseAsWallpaper", "UseForIdentification", "UseInMobilePhoneMessaging", "UseInPhoneListening",
    "UserMakeAvailableLabelProvided", "UserMakeAvailableUserProvided", "Webcast"
})


COMMERCIAL_MODELS_382: frozenset[str] = frozenset({
    "AdvertisementSupportedModel", "AsPerContract", "DeviceFeeModel", "FreeOfChargeModel", "PayAsYouGoModel",
    "PerformanceRoyaltiesModel", "RightsClaimModel", "SubscriptionModel"
})


USE_TYPES_382: frozenset[str] = frozenset({
    "AsPerContract", "Broadcast", "ConditionalDownload", "ContentInfluencedStream", "Display", "Download",
    "DubForAdvertisement", "DubForLivePerformance", "DubForMovies", "DubForMusicOnHold", "DubForPublicPerformance",
    "DubForRadio", "DubForTV", "ExtractForInternet", "KioskDownload", "Narrowcast", "NonInteractiveStream",
    "OnDemandStream", "PerformAsMusicOnHold", "PerformInLivePerformance", "PerformInPublic", "PermanentDownload",
    "PlayInPublic", "Playback", "Podcast", "Print", "PrivateCopy", "PurchaseAsPhysicalProduct", "Rent", "Simulcast",
    "Stream", "TetheredDownload", "TimeInfluencedStream", "UseAsAlertTone", "UseAsDevice", "UseAsKaraoke",
    "UseAsRingbackTone", "UseAsRingbackTune", "UseAsRingtone", "UseAsRingtune", "UseAsScreensaver",
    "UseAsVoiceMail", "UseAsWallpaper", "UseForIdentification", "UseInMobilePhoneMessaging", "UseInPhoneListening",
    "UserMakeAvailableLabelProvided", "UserMakeAvailableUserProvided", "Webcast"
})
