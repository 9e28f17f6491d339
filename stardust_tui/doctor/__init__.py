"""``stardust doctor``: real checks of an installation, run in parallel with timeouts, one line each.

* :mod:`.model` — a check's result (pass / warn / fail / skip, what was found, how to fix it) and the
  report's worst state and exit status;
* :mod:`.runner` — each check in its own (daemon) thread with a timeout, so one hung target cannot hold
  the others or the process;
* :mod:`.system` (database, disk, key, config, clock, permissions, notifications), :mod:`.ddex` (schemas,
  ready releases built and validated per target profile), :mod:`.delivery` (each enabled target probed
  through its transport, circuit breakers), :mod:`.worker` (daemon heartbeat, queue, leases, stuck
  deliveries), :mod:`.speed` (ERN build+validate and catalog search measured against :mod:`.figures`).

The checks take a :class:`~stardust_tui.services.Services` and read through it; the CLI, the TUI's Health
screen and the API get them from :class:`stardust_tui.services.doctor.DoctorService`.
"""
