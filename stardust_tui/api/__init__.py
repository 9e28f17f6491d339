"""The HTTP API (``stardust serve``, issue 11): FastAPI on uvicorn over the one application layer.

Every route calls :mod:`stardust_tui.services` with services acting as the request's API key, so the API
refuses and accepts exactly what the CLI and the TUI do (the domain's limits and vocabularies, the
services' permission checks, the store's optimistic concurrency). Modules:

- ``app``: the application factory (``create_app``), lifespan (usage flusher, systemd notify).
- ``problems``: RFC 9457 problem+json errors from :class:`~stardust_tui.errors.StardustError` and friends.
- ``auth`` / ``ratelimit`` / ``usage``: API keys, per-key token buckets, daily usage counts.
- ``routes_*``: the resources (releases, tracks, assets, ERN, profiles, targets, deliveries, imports, ACKs).
- ``health`` / ``metrics``: ``/health``, ``/ready``, ``/metrics``, shared with ``stardust worker --http``
  (``worker_http``: a stdlib server, no FastAPI) and ``sdnotify`` (systemd's notify protocol).

Importing this package loads nothing heavy: ``stardust worker`` uses ``sdnotify``/``worker_http`` without
FastAPI, and the CLI imports FastAPI only when ``stardust serve`` runs.
"""
