"""The schema sets ``stardust schemas fetch`` installs, and where DDEX publishes them.

Where the defaults come from (public sources, read 2026-12):

* DDEX knowledge base, "Locations of XSDs": every DDEX XSD is published in the sub-folder of
  ``http://ddex.net/xml`` named after its namespace (``http://ddex.net/xml/ern/351/`` for ERN 3.5.1), and each
  standard's download page also offers a zip of all its XSDs ("designed to be downloaded and used when
  implementing") — ``--from FILE.zip`` takes such a zip.
  https://kb.ddex.net/implementing-each-standard/best-practices-for-all-ddex-standards/guidance-on-xml-issues/locations-of-xsds
* DDEX knowledge base, "Namespace and file locations for the XSD for allowed value sets": the message XSD of
  namespace ``http://ddex.net/xml/ern/411`` is ``http://ddex.net/xml/ern/411/release-notification.xsd``, and
  each message XSD imports its allowed-value-set XSD by an absolute URL (``avs/avs.xsd``, ``avs/avs411.xsd``,
  ``allowed-value-sets/allowed-value-sets.xsd``), which is why imports are followed rather than guessed.
  https://kb.ddex.net/implementing-each-standard/best-practices-for-all-ddex-standards/guidance-on-xml-issues/namespace-and-file-locations-for-the-xsd-for-allowed-value-sets
* DDEX's schema service host ``service.ddex.net`` serves the same tree over HTTPS
  (``https://service.ddex.net/xml/ern/43/``, ``.../ern/42/``: OpenAudio/ddex-proto ``xsd/README.md`` records
  fetching ERN 3.8.1-4.3.2 from there).
* The ERN-C (choreography for cloud storage / SFTP) namespaces are ``http://ddex.net/xml/ern-c-sftp/16`` and
  ``.../18`` with the main file ``ern-choreography-sftp.xsd`` (the schemas in ``../shared/ddex/xsd`` and
  SOURCES.md there). Their service paths below follow the namespace rule above; no public listing confirms
  them, so a source without them is a warning, not a failure (manifests and ACKs are then not XSD-checked).

A mirror may use DDEX's layout (``ern/43/release-notification.xsd``) or the installed one
(``ern-43/release-notification.xsd``); both are tried.
"""

from __future__ import annotations

from dataclasses import dataclass

XSD_NS = "http://www.w3.org/2001/XMLSchema"
DEFAULT_SOURCE = "https://service.ddex.net/xml/"
"""DDEX's public schema service (see the module docstring)."""
SECURE_HOSTS = ("ddex.net", "service.ddex.net", "www.ddex.net", "www.w3.org")
"""Hosts DDEX schemas import from by ``http://`` URLs; fetched over HTTPS instead (TLS verified)."""
USER_AGENT = "Mozilla/5.0 (compatible; stardust-tui schemas fetch)"
"""Scripts that fetch from ddex.net send a browser-like agent (``curl -A "Mozilla/5.0"``); so do we, naming us."""


@dataclass(frozen=True)
class SchemaSet:
    """One installable schema: its main file, namespace, installed folder and place on DDEX's service."""

    key: str  # "3.8.2" | "4.2" | "4.3" | "ern-c-1.6" | "ern-c-1.8"
    label: str  # "ERN 4.3"
    namespace: str
    folder: str  # installed folder, as ern/schemas.py and delivery/manifest.py expect it
    main: str  # main file name inside the folder
    service_path: str  # path under DDEX's /xml/ tree
    root_element: str  # a global element the main schema must declare
    required: bool = True  # False: a source without it is a warning

    def candidates(self) -> tuple[str, str]:
        """Paths under a base URL or folder where this set's main file may be: DDEX's layout, the installed one."""
        return self.service_path, f"{self.folder}/{self.main}"


ERN_SETS: tuple[SchemaSet, ...] = (
    SchemaSet("3.8.2", "ERN 3.8.2", "http://ddex.net/xml/ern/382", "ern-382", "release-notification.xsd",
              "ern/382/release-notification.xsd", "NewReleaseMessage"),
    SchemaSet("4.2", "ERN 4.2", "http://ddex.net/xml/ern/42", "ern-42", "release-notification.xsd",
              "ern/42/release-notification.xsd", "NewReleaseMessage"),
    SchemaSet("4.3", "ERN 4.3", "http://ddex.net/xml/ern/43", "ern-43", "release-notification.xsd",
              "ern/43/release-notification.xsd", "NewReleaseMessage"),
)
CHOREOGRAPHY_SETS: tuple[SchemaSet, ...] = (
    SchemaSet("ern-c-1.6", "ERN-C SFTP 1.6", "http://ddex.net/xml/ern-c-sftp/16", "ern-c-sftp-16",
              "ern-choreography-sftp.xsd", "ern-c-sftp/16/ern-choreography-sftp.xsd", "ManifestMessage", False),
    SchemaSet("ern-c-1.8", "ERN-C SFTP 1.8", "http://ddex.net/xml/ern-c-sftp/18", "ern-c-sftp-18",
              "ern-choreography-sftp.xsd", "ern-c-sftp/18/ern-choreography-sftp.xsd", "ManifestMessage", False),
)
ALL_SETS: tuple[SchemaSet, ...] = ERN_SETS + CHOREOGRAPHY_SETS
VERSION_CHOICES = ("3.8.2", "4.2", "4.3", "all")


def sets_for(versions: tuple[str, ...] | list[str]) -> tuple[SchemaSet, ...]:
    """The ERN sets named (``all``: every one) plus the choreography schemas the manifests and ACKs use."""
    wanted = set(versions) or {"all"}
    ern = tuple(s for s in ERN_SETS if "all" in wanted or s.key in wanted)
    return ern + CHOREOGRAPHY_SETS


def set_by_key(key: str) -> SchemaSet | None:
    return next((s for s in ALL_SETS if s.key == key), None)
