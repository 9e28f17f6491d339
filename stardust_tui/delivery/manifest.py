"""Batch manifests (DDEX ERN-C ``ManifestMessage``, shipped as ``BatchComplete_<BatchId>.xml``).

Builds the manifest of a batch for ERN-C SFTP 1.6 or 1.8 (namespace ``http://ddex.net/xml/ern-c-sftp/16|18``;
only the root is namespace-qualified), or the zero-byte semaphore some recipients accept instead.
Also owns safe XML parsing and the cached choreography XSDs used to validate manifests and ACKs.
Facts kept: ``ICPN`` is a plain string (no ``IsEan``), 1.8 needs ``AvsVersionId`` and names the hash
``HashSumValue`` where 1.6 says ``HashSum``, and the AVS allows only ``NewReleaseMessage`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from stardust_tui.delivery.profile_model import MessageParty
from stardust_tui.errors import ConfigError, ValidationError

NAMESPACES = {"1.6": "http://ddex.net/xml/ern-c-sftp/16", "1.8": "http://ddex.net/xml/ern-c-sftp/18"}
XSD_FILES = {"1.6": "ern-c-sftp-16/ern-choreography-sftp.xsd", "1.8": "ern-c-sftp-18/ern-choreography-sftp.xsd"}
AVS_VERSION_18 = "3"  # the allowed-value set the 1.8 schema was published with
DELIVERY_TYPES = ("NewReleaseDelivery", "BackCatalogDelivery", "HighPriorityDelivery", "ReDelivery", "TakeDown")


def safe_parser() -> etree.XMLParser:
    """An lxml parser with entities, DTDs, network access and huge trees off."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           remove_blank_text=False)


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse untrusted XML safely; a one-line :class:`ValidationError` naming ``where`` and the line."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"not well-formed XML: {exc.msg}", where=f"{where}:{exc.lineno}") from None


@lru_cache(maxsize=4)
def choreography_schema(version: str, schemas_dir: str) -> etree.XMLSchema:
    """The compiled ERN-C SFTP XSD of ``version`` ("1.6" or "1.8"), compiled once per process."""
    path = Path(schemas_dir) / XSD_FILES[version]
    if not path.is_file():
        raise ConfigError(f"choreography schema {version} not found", where=str(path))
    return etree.XMLSchema(etree.parse(str(path), safe_parser()))


def validate_choreography(data: bytes, version: str, schemas_dir: str | Path) -> list[str]:
    """XSD errors of a manifest or ACK (empty list when valid), each as ``line N: message``."""
    schema = choreography_schema(version, str(schemas_dir))
    doc = parse_xml(data, "choreography message")
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@dataclass(frozen=True)
class ManifestEntry:
    """One message of a batch: a ``MessageInBatch`` element."""

    message_id: str
    url: str  # path of the XML from the delivery root, e.g. "/20240305090206405/0602445790047/0602445790047.xml"
    icpn: str | None = None
    catalog_number: str | None = None
    grid: str | None = None  # a GRid-only release is named by it (DDEX: "if available, a GRid should be used")
    proprietary_ids: tuple[tuple[str, str], ...] = ()  # (namespace, value)
    delivery_type: str = "NewReleaseDelivery"
    product_type: str = "AudioProduct"
    md5: str | None = None  # of the XML file as uploaded


@dataclass(frozen=True)
class Manifest:
    batch_id: str
    sender: MessageParty
    recipient: MessageParty
    created: datetime
    entries: tuple[ManifestEntry, ...] = field(default_factory=tuple)
    is_test: bool = False
    root_directory: str | None = None  # default: the batch id


def manifest_file_name(batch_id: str) -> str:
    return f"BatchComplete_{batch_id}.xml"


def _party(parent: etree._Element, tag: str, party: MessageParty) -> None:
    el = etree.SubElement(parent, tag)
    etree.SubElement(el, "PartyId").text = party.dpid
    etree.SubElement(etree.SubElement(el, "PartyName"), "FullName").text = party.name


def build_manifest(manifest: Manifest, version: str = "1.8") -> bytes:
    """The ``ManifestMessage`` XML (UTF-8, with declaration) for ERN-C SFTP ``version``."""
    if version not in NAMESPACES:
        raise ValidationError(f"unsupported manifest version {version!r} (1.6 or 1.8)")
    if not manifest.entries:
        raise ValidationError("a batch manifest needs at least one message", where=manifest.batch_id)
    ns = NAMESPACES[version]
    root = etree.Element(f"{{{ns}}}ManifestMessage", nsmap={"ern-c-sftp": ns})
    root.set("MessageVersionId", f"ern-c-sftp/{version.replace('.', '')}")
    if version == "1.8":
        root.set("AvsVersionId", AVS_VERSION_18)
    header = etree.SubElement(root, "MessageHeader")
    _party(header, "MessageSender", manifest.sender)
    _party(header, "MessageRecipient", manifest.recipient)
    etree.SubElement(header, "MessageCreatedDateTime").text = manifest.created.isoformat(timespec="seconds")
    etree.SubElement(root, "IsTestFlag").text = "true" if manifest.is_test else "false"
    root_dir = manifest.batch_id if manifest.root_directory is None else manifest.root_directory
    etree.SubElement(root, "RootDirectory").text = root_dir
    etree.SubElement(root, "NumberOfMessages").text = str(len(manifest.entries))
    for entry in manifest.entries:
        if entry.delivery_type not in DELIVERY_TYPES:
            raise ValidationError(f"unknown manifest DeliveryType {entry.delivery_type!r}", where=entry.message_id)
        if not (entry.grid or entry.icpn or entry.catalog_number or entry.proprietary_ids):
            raise ValidationError("a manifest entry needs a release id (GRid, ICPN, catalog number or proprietary id)",
                                  where=entry.message_id)
        item = etree.SubElement(root, "MessageInBatch")
        etree.SubElement(item, "MessageType").text = "NewReleaseMessage"
        etree.SubElement(item, "MessageId").text = entry.message_id
        etree.SubElement(item, "URL").text = entry.url
        rid = etree.SubElement(item, "IncludedReleaseId")
        if entry.grid:
            etree.SubElement(rid, "GRid").text = entry.grid
        if entry.icpn:
            etree.SubElement(rid, "ICPN").text = entry.icpn  # plain string: IsEan is not in 1.6/1.8
        if entry.catalog_number:
            etree.SubElement(rid, "CatalogNumber", Namespace=manifest.sender.dpid).text = entry.catalog_number
        for namespace, value in entry.proprietary_ids:
            etree.SubElement(rid, "ProprietaryId", Namespace=namespace).text = value
        etree.SubElement(item, "DeliveryType").text = entry.delivery_type
        etree.SubElement(item, "ProductType").text = entry.product_type
        if entry.md5:
            hashsum = etree.SubElement(item, "HashSum")
            etree.SubElement(hashsum, "HashSum" if version == "1.6" else "HashSumValue").text = entry.md5
            etree.SubElement(hashsum, "HashSumAlgorithmType").text = "MD5"
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def manifest_bytes(manifest: Manifest, rule: str, version: str = "1.8") -> bytes | None:
    """What to upload as the manifest under a profile's rule: XML, ``b""`` (semaphore) or None (no manifest)."""
    if rule == "none":
        return None
    if rule == "zero-byte":
        return b""
    return build_manifest(manifest, version)
