"""An example Stardust plugin (copy plugins/template and rename it; see docs/plugins.md)."""

PLUGIN_API = 1  # the Stardust plugin API this plugin is written for; Stardust refuses another version
__version__ = "0.1.0"
