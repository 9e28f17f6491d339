"""Delivery profiles (per-DSP rules): the shipped ones and the user's, read from the config folder.

Behind ``stardust profile list|show`` and the TUI's target form; profiles are files, not store rows, so
nothing here opens the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from stardust_tui.delivery.profile_model import Profile
    from stardust_tui.services import Services


class ProfileList(NamedTuple):
    profiles: list[Profile]
    """Every readable profile, sorted by name."""
    errors: list[str]
    """One line per profile file that cannot be read (file, line or field)."""


class ProfileService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def user_dir(self) -> Any:
        """Where user profiles live (a file there replaces the shipped profile of the same name)."""
        return self.services.settings.paths.profiles_dir

    def list(self) -> ProfileList:
        """Every readable profile and the errors of those that cannot be read."""
        from stardust_tui.delivery.profiles import list_profiles

        self.services.authorize("target.read")
        errors: list[Any] = []
        profiles = list_profiles(self.user_dir, errors)
        return ProfileList(profiles, [str(e) for e in errors])

    def get(self, name: str) -> Profile:
        """One profile (a user file first, then the shipped one); an unknown name is a NotFound/Validation error."""
        from stardust_tui.delivery.profiles import load_profile

        self.services.authorize("target.read")
        return load_profile(name, self.user_dir)

    def placeholder_warning(self, name: str) -> str | None:
        """A line to show when profile ``name`` still has placeholder recipient DPIDs, else None."""
        unset = self.get(name).placeholder_recipients()
        if not unset:
            return None
        return (f"profile {name} has placeholder recipient DPIDs ({', '.join(r.dpid for r in unset)}); deliveries "
                f"fail until you set them in {self.user_dir}/{name}.toml (extends = \"{name}\")")
