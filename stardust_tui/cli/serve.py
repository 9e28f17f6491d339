"""``stardust serve``: the HTTP API (FastAPI on uvicorn) for other systems; see ``stardust_tui.api``.

FastAPI and uvicorn are imported only when the command runs, so the CLI starts without them. Under
systemd (``Type=notify``) the server reports ``READY=1`` once it listens, pings the watchdog while its
event loop runs, and ``STOPPING=1`` on the way out.
"""

from __future__ import annotations

import asyncio
import time

import click

from stardust_tui.cli import params as P
from stardust_tui.cli.context import StardustContext
from stardust_tui.cli.output import echo_json, exit_with
from stardust_tui.domain import limits as L
from stardust_tui.errors import ExitCode

PORT = P.Number(L.Span(1, 65535))
HOST = P.Text(255, nonempty=True)
RATE = P.Number(L.Span(0.01, 100_000, "requests/s"), integer=False)
BURST = P.Number(L.Span(1, 100_000))
UPLOAD_MB = P.Number(L.Span(0.001, 1_000_000, "MB"), integer=False)


def register(cli: click.Group) -> None:
    cli.add_command(serve)


@click.command()
@click.option("--host", type=HOST, default="127.0.0.1", show_default=True,
              help="Address to listen on (keep loopback behind a TLS reverse proxy).")
@click.option("--port", type=PORT, default=8080, show_default=True)
@click.option("--rate", type=RATE, default=None, help="Requests per second per API key [config api.rate, 50].")
@click.option("--burst", type=BURST, default=None, help="Requests an API key may make at once [config api.burst, 100].")
@click.option("--max-upload-mb", type=UPLOAD_MB, default=None,
              help="Largest asset or import upload [config api.max_upload_mb, 2048].")
@click.option("--check", is_flag=True, help="Open the store, build the API, print the readiness checks, exit "
              "(0 when ready).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request on stderr.")
@click.pass_obj
def serve(obj: StardustContext, host: str, port: int, rate: float | None, burst: int | None,
          max_upload_mb: float | None, check: bool, access_log: bool) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs) until SIGTERM or Ctrl+C.

    Clients authenticate with keys from `stardust apikey create`. /health, /ready and /metrics need no key.
    """
    from stardust_tui.api.app import create_app

    app = create_app(obj.settings, obj.services.store_engine, rate=rate, burst=burst, max_upload_mb=max_upload_mb)
    if check:
        checks = app.state.api.system.health.checks()
        echo_json({"ready": all(c.ok for c in checks), "checks": checks})
        if not all(c.ok for c in checks):
            exit_with(ExitCode.FAILED)
        return
    asyncio.run(_run(app, host, port, access_log))


async def _run(app, host: str, port: int, access_log: bool) -> None:  # noqa: ANN001 - a FastAPI app
    import uvicorn

    from stardust_tui.api import sdnotify

    config = uvicorn.Config(app, host=host, port=port, access_log=access_log, log_level="info",
                            proxy_headers=True, forwarded_allow_ips="127.0.0.1", server_header=False,
                            timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)

    async def announce() -> None:
        while not server.started:
            if serving.done():
                return
            await asyncio.sleep(0.05)
        sdnotify.notify("READY=1", f"STATUS=serving the Stardust API on {host}:{port}")
        interval, last = sdnotify.watchdog_interval(), 0.0
        while not server.should_exit:  # watchdog pings while the loop runs; uvicorn re-raises SIGTERM at the
            if interval is not None and time.monotonic() - last >= interval:  # end, so say STOPPING here
                sdnotify.notify("WATCHDOG=1")
                last = time.monotonic()
            await asyncio.sleep(0.1)
        sdnotify.notify("STOPPING=1")

    serving = asyncio.ensure_future(server.serve())
    notifier = asyncio.ensure_future(announce())
    try:
        await serving
    finally:
        notifier.cancel()
    if not server.started:
        raise click.ClickException(f"could not listen on {host}:{port} (see the messages above)")
