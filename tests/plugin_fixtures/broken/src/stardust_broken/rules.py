"""Raises on import, as a plugin with a bug or a missing dependency would."""

raise RuntimeError("the broken plugin's rules module cannot be imported")
