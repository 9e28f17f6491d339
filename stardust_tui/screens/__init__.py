"""One Textual screen per file; each coordinates widgets and calls ``stardust_tui.services``."""
