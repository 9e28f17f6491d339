"""Contributor and artist role vocabularies of each ERN version (from the DDEX allowed-value sets).

The data lives in :mod:`stardust_tui.domain.ddex_avs` (the catalog validates values against it); this
module re-exports it under the names the builders use. A catalog role that a version does not list is
sent as ``UserDefined`` with the role in ``UserDefinedValue``.
"""

from stardust_tui.domain.ddex_avs import (
    ARTIST_ROLES_382,
    COMMERCIAL_MODELS_4,
    COMMERCIAL_MODELS_382,
    CONTRIBUTOR_ROLES_4,
    DISPLAY_ARTIST_ROLES_4,
    RESOURCE_CONTRIBUTOR_ROLES_382,
    USE_TYPES_4,
    USE_TYPES_382,
    WORK_CONTRIBUTOR_ROLES_382,
)

__all__ = [
    "ARTIST_ROLES_382", "COMMERCIAL_MODELS_4", "COMMERCIAL_MODELS_382", "CONTRIBUTOR_ROLES_4",
    "DISPLAY_ARTIST_ROLES_4", "RESOURCE_CONTRIBUTOR_ROLES_382", "USE_TYPES_4", "USE_TYPES_382",
    "WORK_CONTRIBUTOR_ROLES_382",
]
