"""A label style-guide rule pack for Stardust (a ``stardust.rules`` plugin, plugin API 1).

Four rules, each a :class:`stardust_tui.plugin.Rule` with findings that carry a fix-it suggestion:
featured artists ("feat." in the artist credit, not the title), ALL CAPS titles, versions written in the
title instead of the version field (shown in parentheses), and P/C line owners that are not the label.
"""

PLUGIN_API = 1
__version__ = "1.0.0"
