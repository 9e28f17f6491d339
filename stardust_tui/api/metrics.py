"""Prometheus metrics (prometheus_client): deliveries by state and target, durations, queue depth, circuit
states, ACK outcomes (read from the store at scrape time), and the API's requests by route and status.

No FastAPI here: ``stardust worker --http`` serves the same registry from the daemon. Store numbers come
from :meth:`stardust_tui.services.health.HealthService.snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from stardust_tui.services import Services

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DURATION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, float("inf"))
_CIRCUIT = {"closed": 0, "half-open": 1, "open": 2}


class StoreCollector(Collector):
    """Reads the store on every scrape (a failed read leaves those metrics out and sets ``stardust_up`` 0)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("stardust_store_up", "1 when the store could be read for this scrape")
        try:
            snap = self.services.health.snapshot()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        deliveries = GaugeMetricFamily("stardust_deliveries", "Deliveries by target and state",
                                       labels=["target", "state"])
        for (target, state), n in sorted(snap.deliveries.items()):
            deliveries.add_metric([target, state], n)
        yield deliveries
        queue = GaugeMetricFamily("stardust_queue_depth", "Deliveries waiting to run (queued or retry-wait)")
        queue.add_metric([], snap.queue_depth)
        yield queue
        workers = GaugeMetricFamily("stardust_live_workers", "Workers with a fresh heartbeat")
        workers.add_metric([], snap.live_workers)
        yield workers
        circuits = GaugeMetricFamily("stardust_target_circuit_state",
                                     "Circuit breaker per target: 0 closed, 1 half-open, 2 open", labels=["target"])
        for target, state in sorted(snap.circuits.items()):
            circuits.add_metric([target], _CIRCUIT.get(state, 2))
        yield circuits
        acks = GaugeMetricFamily("stardust_ack_releases", "Releases by target and latest ACK outcome",
                                 labels=["target", "outcome"])
        for (target, outcome), n in sorted(snap.acks.items()):
            acks.add_metric([target, outcome], n)
        yield acks
        hist = HistogramMetricFamily("stardust_delivery_duration_seconds",
                                     "Deliveries that succeeded in the last 24 hours: first attempt start to success "
                                     "(retries and their waits included)",
                                     labels=["target"])
        for target, values in sorted(snap.durations.items()):
            buckets = [(str(b) if b != float("inf") else "+Inf", sum(1 for v in values if v <= b))
                       for b in DURATION_BUCKETS]
            hist.add_metric([target], buckets, sum(values))
        yield hist


class Metrics:
    """One registry per process: the store collector plus (for the API) request counters."""

    def __init__(self, services: Services, *, api: bool = False) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(StoreCollector(services))
        self.requests: Counter | None = None
        self.latency: Histogram | None = None
        if api:
            self.requests = Counter("stardust_api_requests", "API requests by route, method and status",
                                    ["route", "method", "status"], registry=self.registry)
            self.latency = Histogram("stardust_api_request_duration_seconds", "API request durations by route",
                                     ["route"], registry=self.registry,
                                     buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        if self.requests is not None and self.latency is not None:
            self.requests.labels(route, method, str(status)).inc()
            self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
