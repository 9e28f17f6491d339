"""DDEX allowed values the catalog maps user text onto: contributor roles and instruments (data only).

Generated from the ERN 4.3 allowed-value set (``allowed-value-sets.xsd``, AvsVersionId 3, simple types
``ContributorRole`` and ``InstrumentType``; ``UserDefined`` and ``Unknown`` left out). The domain layer
imports nothing above it, so the readiness rules and :mod:`stardust_tui.domain.roles` read the lists here.

Below them, the per-version sets the ERN builders use (``stardust_tui.ern.vocab`` re-exports them) and
:mod:`stardust_tui.domain.validation` checks stored values against: a value outside every supported
version's set is refused; one outside a version's set is written as ``UserDefined``.
"""

#: ContributorRole (306 values).
CONTRIBUTOR_ROLES: frozenset[str] = frozenset({
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
    "PreProduction", "PreProductionEngineer", "PreProductionSecondEngineer", "Presenter", "PrimaryMusician",
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

#: InstrumentType (708 values).
INSTRUMENTS: frozenset[str] = frozenset({
    "12-StringElectricGuitar", "12-StringGuitar", "5-StringBanjo", "Accordion", "AcousticBassGuitar",
    "AcousticGuitar", "AcousticKeyboard", "AfricanHarp", "AfricanPercussion", "AgogoBells", "Alboka", "Alpenhorn",
    "AltoClarinet", "AltoCrumhorn", "AltoFlute", "AltoHorn", "AltoRecorder", "AltoSackbut", "AltoSaxophone",
    "AltoShawm", "AltoTrombone", "AltoViol", "AndeanHarp", "Angklung", "AnimalSounds", "Anvil", "Apito", "Applause",
    "ArchLute", "Arghul", "ArpeggiatingSynth", "Atumpan", "Aulochrome", "Autoharp", "BabyBass", "Baglama",
    "Bagpipes", "BahianGuitar", "BajoSexto", "Balafon", "Balalaika", "Bandoneon", "Bandura", "Bandurria", "Banhu",
    "Banjo", "BanjoGuitar", "Banjolin", "Bansuri", "BaritoneGuitar", "BaritoneHorn", "BaritoneOboe",
    "BaritoneSaxophone", "BaroqueBassoon", "BaroqueCello", "BaroqueClarinet", "BaroqueFlute", "BaroqueGuitar",
    "BaroqueOboe", "BaroqueRecorder", "BaroqueViola", "BaroqueViolin", "BarrelOrgan", "Baryton", "Bass",
    "BassBanjo", "BassCittern", "BassClarinet", "BassDrum(Concert)", "BassDrum(Kick)", "BassDulcian", "BassFlute",
    "BassHarmonica", "BassRebec", "BassRecorder", "BassSackbut", "BassSaxophone", "BassShawm", "BassTrombone",
    "BassTrumpet", "BassTuba", "BassViol", "BassetClarinet", "BassetHorn", "BassoDaBraccio", "Bassoon", "Bata",
    "Bawu", "BellTree", "Bendir", "Berimbau", "BicyclePump", "BinghiDrum", "BirdSong", "BirdWhistle", "Biwa",
    "Bodhran", "BodyPercussion", "Bombard", "Bombo", "BomboLeguero", "Bones", "Bongos", "BosunsWhistle", "Bottles",
    "Bouzouki", "BowedStrings", "BoyVoice", "Bozoq", "BrassInstrument", "BrazilianPercussion", "Breakbeat",
    "BufoBass", "Bugle", "Cabasa", "Caixa", "Caja", "Cajon", "Calabash", "Calliope", "CarSounds", "Carillon",
    "Castanet", "Cavaquinho", "Caxixi", "Celesta", "Cello", "CelloBanjo", "CelticHarp", "Chalumeau", "Chamberlin",
    "ChapmanStick", "Charango", "Chatter", "ChewingSounds", "ChildVoice", "ChildrensBackgroundVocalist", "Chimes",
    "Chocalho", "Choir", "ChromaticButtonAccordion", "ChromaticHarmonica", "ChurchBells", "Cimbalom", "Cimbasso",
    "Citole", "Cittern", "Clapstick", "Clarinet", "ClarinoTrumpet", "Claves", "Clavichord", "Clavinet", "Claypot",
    "Comb", "ConcertHarp", "Concertina", "ConchShell", "Congas", "ContraAltoClarinet", "ContrabassClarinet",
    "ContrabassRecorder", "ContrabassSarrusophone", "ContrabassSaxophone", "ContrabassTrombone", "Contrabassoon",
    "Cordovox", "Cornet", "Cornetto", "Cowbell", "Craviola", "Crotales", "Crumhorn", "Crwth", "Cuatro", "Cuica",
    "Cumbus", "Cymbal(Crash)", "Cymbal(Ride)", "Cymbal(Suspended)", "Cymbals", "Daegeum", "Daf", "Damaru", "DanBau",
    "DanTranh", "Davul", "Dayereh", "Defi", "Dhol", "Dholak", "Dictophone", "Didgeridoo", "Dilruba", "Diple",
    "Dizi", "Djembe", "DobroGuitar", "Dohol", "Dombra", "Domra", "DoubleBass", "DoubleHarp", "DoubleViolin",
    "DoublebassViol", "Doumbek", "Dranyen", "DrumKit", "DrumMachine", "DrumSample", "DrumSticks", "Duduk", "Duggi",
    "Dulcian", "Dulcitone", "Dungchen", "Dunun", "Dutar", "Dzuddahord", "Ektara", "Electric6StringViolin",
    "ElectricBassGuitar", "ElectricCello", "ElectricGuitar", "ElectricHarp", "ElectricMandolin", "ElectricOrgan",
    "ElectricPiano", "ElectricSitar", "ElectricViola", "ElectricViolin", "ElectroAcousticHurdyGurdy",
    "ElephantBell", "EnglishHorn", "Ennanga", "EpinetteDesVosges", "Erhu", "Esraj", "Euphonium",
    "FemaleBackgroundVocalist", "FemaleVoice", "Fiddle", "Fife", "FingerClicks", "FingerCymbals", "FingerSnaps",
    "Fiscorn", "Flabiol", "Flageolet", "Flexatone", "Floyera", "Flugelhorn", "Flute", "FolkHarp",
    "FolkloricPercussion", "FootStomp", "Fortepiano", "FrenchHorn", "FretlessBassGuitar", "Frog", "FryingPanGuitar",
    "Fujara", "Gadulka", "Gambang", "Gamelan", "Ganga", "Gardon", "Gasba", "Gayageum", "Gemshorn", "GermanFlute",
    "Ghaita", "Ghaychak", "GirlVoice", "Gittern", "Gizmo", "GlassHarmonica", "GlassHarp", "Glockenspiel", "Gong",
    "GrandPiano", "GreatBassRecorder", "GroupBackgroundVocalists", "Guacharaca", "Guache", "Guanzi", "Guira",
    "Guiro", "Guitar", "Guitarron", "Gunshots", "Guqin", "Gusli", "Guzheng", "Gyaling", "Haegeum",
    "HammeredDulcimer", "HammeredStrings", "HammondOrgan", "HandBells", "HandChimes", "HandClaps",
    "HardangerFiddle", "Harmonica", "Harp", "Harpsichord", "Heckelphone", "Helicon", "HeraldTrumpet", "HiHatCymbal",
    "HighlandPipes", "HohnerGuitaret", "HotFountainPen", "Huapanguera", "HurdyGurdy", "IrishBouzouki",
    "IrishLowWhistle", "Jagdhorn", "Jakhay", "JamBlock", "JaranaJarocha", "Jawbone", "Jawharp", "JewsHarp",
    "Jinghu", "Jug", "Kacapi", "Kalimba", "Kanjira", "Kantele", "Kanun", "Katsa", "Kaval", "Kazoo", "Kemenche",
    "Kendang", "Keyboard", "KeyedTrumpet", "Khamak", "Khartal", "Khene", "Khim", "Khlui", "Khol", "KhongWongLek",
    "KhongWongYai", "Knuckles", "Kora", "Koto", "Kugo", "Langeleik", "Laouto", "LapSteelGuitar", "LatinPercussion",
    "Launeddas", "LeadVocalist", "Leona", "Lirone", "Lithophone", "Lokole", "LowreyOrgan", "Lur", "Lute", "Lutheal",
    "LyraViol", "Lyre", "Madal", "MagneticTapeTreatments", "MaleBackgroundVocalist", "MaleVoice", "Mandocello",
    "Mandola", "Mandolele", "Mandolin", "Mandolino", "Mandore", "Maracas", "Marimba", "Marimbaphone", "Marimbula",
    "Marxophone", "Mazhar", "MedievalFiddle", "MedievalHarp", "Mellophone", "Mellotron", "Melodeon", "Melodica",
    "MetalCans", "Mijwiz", "MiniatureKhene", "MixedBackgroundVocalist", "MixedVoice", "Mizmar", "MohanVeena",
    "MouthOrgan", "MouthPercussion", "Mridangam", "Muharsing", "Musette", "MusicBox", "MusicalBow", "Naal",
    "Nadaswaram", "Nagara", "Nai", "NativeAmericanFlute", "NaturalHorn", "NaturalTrumpet", "NeutralVoice",
    "NeyFlute", "Ngoni", "Njarka", "Nyatiti", "Nyckelharpa", "NylonStringGuitar", "Oboe", "OboeDAmore",
    "OboeDaCaccia", "OboromDrum", "Ocarina", "Octoban", "Omnichord", "Ophicleide", "Optigan", "OrchestralHit",
    "OrchestralPercussion", "Organ", "Organistrum", "Orpharion", "OtherInstrument", "Oud", "PaddleDrums", "Paixiao",
    "PanFlute", "Pandeiro", "Pandura", "ParaguayanHarp", "Pedabro", "PedalSteelGuitar", "PercussionInstrument",
    "PercussionSection", "Phin", "Phonofiddle", "Pi", "Pianet", "Piano", "PianoAccordion", "PianoHarp", "Pianola",
    "PiccoloBass", "PiccoloClarinet", "PiccoloFlute", "PiccoloTrumpet", "Pinkillu", "Pipa", "PipeOrgan",
    "PitchedPercussionInstrument", "PluckedDulcimer", "PluckedStrings", "PocketTrumpet", "PoliceWhistle",
    "PongLang", "PortugueseGuitar", "PositiveOrgan", "PostHorn", "PotsAndPans", "PreparedPiano", "Psaltery",
    "PumpOrgan", "Pungi", "Qarkabeb", "Quena", "Quenacho", "Rabel", "Rackett", "Rainstick", "Ranat", "Ratchet",
    "Rattle", "Rauschpfeife", "Rebab", "Rebec", "RecoReco", "RecordNoise", "Recorder", "ReedInstrument", "Regal",
    "RenaissanceGuitar", "Repinique", "Rhodes", "RhythmStick", "Riq", "Rnga", "Rolmo", "RomanticGuitar", "Rondador",
    "Rototoms", "Sabar", "Sackbut", "SampledKeyboard", "SandBlocks", "Santoor", "Sarangi", "Sarod", "Sarrusophone",
    "Saung", "Saw", "SawDuang", "Saxophone", "Scratcher", "Serpent", "Shaker", "Shakuhachi", "Shamisen", "Shawm",
    "Shekere", "Shelltone", "Shenai", "Sheng", "Sho", "Shofar", "ShrutiBox", "ShviWhistle", "Siku", "Simsimiyya",
    "SingingBowls", "Sintir", "Siren", "Sistrum", "Sitar", "Slapstick", "SleighBells", "SlideSaxophone",
    "SlideTrumpet", "SlideWhistle", "SnareDrum", "SnareDrum(Marching)", "SopraninoRecorder", "SopraninoSaxophone",
    "SopranoClarinet", "SopranoCornet", "SopranoCrumhorn", "SopranoDomra", "SopranoDulcian", "SopranoRecorder",
    "SopranoSaxophone", "SopranoShawm", "SopranoTrumpet", "Sordun", "SoundDesign", "SoundEffects", "Sousaphone",
    "SpectrasonicsOmnisphere", "Spinet", "Spoons", "SpringDrum", "SquarePiano", "SteelDrums", "Sticks",
    "StringInstrument", "StringSection", "StrohlViolin", "Suling", "Suona", "Surbahar", "Surdo", "Swarmandal",
    "SynthBass", "SynthBrass", "SynthChoir", "SynthFX", "SynthLead", "SynthPad", "SynthSteelDrums", "SynthStrings",
    "Synthesizer", "Taal", "Taarija", "Tabla", "Tabor", "TackPiano", "Taiko", "TalkingDrum", "Tambora", "Tamborim",
    "Tambourine", "Tambura", "Tanbour", "Tanpura", "TaongaPuoro", "Tar(Percussion)", "Tar(String)", "Tarka",
    "Tarogato", "Tarol", "TempleBell", "TempleBlocks", "TenorBanjo", "TenorCrumhorn", "TenorDrum", "TenorDulcian",
    "TenorFlute", "TenorGuitar", "TenorRebec", "TenorRecorder", "TenorSackbut", "TenorSaxophone", "TenorShawm",
    "TenorTrombone", "TenorViol", "Thavil", "Theorbo", "ThunderSheet", "TibetanBells", "Timbales", "Timbau",
    "Timpani", "Timple", "TinWhistle", "Tingsha", "Tiple", "TogamanGuitarViol", "Tompak", "Toms", "TongueDrum",
    "TouchGuitar", "ToyAccordion", "ToyPiano", "TrainSounds", "Treatments", "TrebleRebec", "TrebleViol", "Tres",
    "Triangle", "TrombaMarina", "Trombone", "Trumpet", "Tuba", "Tumbi", "Turntable", "Tusselfloyte", "Txalaparta",
    "Tzouras", "Udu", "UilleanPipes", "Ukulele", "UliUli", "UnintendedArtifacts", "UnpitchedPercussionInstrument",
    "UprightBass", "UprightPiano", "Urumee", "VakoOrchestron", "Valiha", "ValveTrombone", "Veena", "VenezuelanHarp",
    "VeracruzHarp", "ViTar", "Vibraphone", "Vibraslap", "VichitraVeena", "Vielle", "Vihuela", "Viol", "Viola",
    "ViolaCaipira", "ViolaDAmore", "ViolaPomposa", "Violin", "ViolinoPiccolo", "Virginals", "Voice", "Vuvuzela",
    "WagnerTuba", "Washboard", "WashtubBass", "Waterphone", "WelshTripleHarp", "WillowFlute", "WindChimes",
    "WindInstrument", "WindMachine", "WindSection", "WireStrungHarp", "WobbleBoard", "WoodBlock", "WoodFlute",
    "WoodTrumpet", "Wot", "Xalam", "Xaphoon", "Xiao", "Xun", "Xylophone", "Xylorimba", "Yangqin", "YayliTambur",
    "Yokin", "Yueqin", "Zerbaghali", "Zeze", "Zhonghu", "Zither", "Zummara", "Zurna", "ZydecoRubboard"
})


# --- per ERN version, as the builders write them ------------------------------------------------------

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
