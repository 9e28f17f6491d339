"""Notifications (issue 10): email, signed webhooks, digests and the weekly summary, from a durable outbox.

How an event travels:

1. :mod:`~stardust_tui.notify.emit` writes it into the outbox (``notify_event``) **in the transaction of the
   state change that caused it** — a delivery's outcome, an ACK, a circuit change, an import run, a backup,
   a release marked ready — so a committed change always has its event and a rolled-back one never does.
2. A sender (:mod:`~stardust_tui.notify.sender`, running in ``stardust worker`` and in the TUI's in-process
   worker) fans each new event out to the channels the ``[[notify.rules]]`` pick
   (:mod:`~stardust_tui.notify.routing`), then claims due sends with a lease (:mod:`~stardust_tui.notify.claims`,
   like the delivery queue: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), sends
   them through the channel (:mod:`~stardust_tui.notify.channel`: email, webhook, or a plugin's kind) and
   records the outcome; failures wait with exponential backoff and jitter and are never dropped.
3. A sender killed between the commit and the send leaves the row pending (or its lease expires): the next
   sender sends it again with the same event id, delivery id and bytes.

Nothing here imports Textual. The payload schema is ``docs/notifications.md``.
"""
