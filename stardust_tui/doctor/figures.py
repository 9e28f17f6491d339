"""The speed figures the README states (section "Figures the doctor checks"), which ``doctor``'s speed checks
compare this installation with. tests/unit/test_doctor_runner.py checks the README says the same numbers.

Measured by the benchmarks on a shared 2-core machine (tests/bench/bench_ern.py: thread CPU time, median of
1000 builds of a 12-track album; tests/bench/bench_search.py: 100k releases / 1M tracks, p95 of the query mix).
"""

from __future__ import annotations

ERN_BUILD_VALIDATE_MS = 5.0
"""ERN 4.3 NewReleaseMessage of a 12-track album, built and XSD-validated: median CPU milliseconds."""
ERN_REFERENCE_TRACKS = 12
SEARCH_P95_MS = 2.5
"""Catalog search (``release list --search``) at 100k releases and 1M tracks: p95 milliseconds."""
SLOW = 4.0
"""Up to this many times a figure passes (machines and load differ); beyond it, a warning."""
TOO_SLOW = 25.0
"""Beyond this many times a figure something is wrong (a missing index, a swapping machine): a failure."""
