"""Stardust TUI: a music distribution workstation (catalog, DDEX ERN, deliveries)."""

__version__ = "0.1.0"
