"""Test fixture: importing stardust_broken.rules fails (a plugin with a bug)."""

PLUGIN_API = 1
