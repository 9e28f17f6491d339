"""Reusable Textual widgets: they show state and post what the user did; screens coordinate."""
