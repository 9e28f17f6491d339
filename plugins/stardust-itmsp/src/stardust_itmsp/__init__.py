"""An Apple iTunes Store package exporter for Stardust (plugin API 1).

``stardust export OUT --format itmsp --set provider=SHORTNAME`` writes one ``<UPC>.itmsp`` folder per
release (``metadata.xml``, the audio and the artwork renamed as Apple's package format shows, every file with
its size and MD5); ``stardust itmsp verify PACKAGE...`` checks a package's structure.
"""

PLUGIN_API = 1
__version__ = "1.0.0"
