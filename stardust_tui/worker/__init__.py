"""The durable delivery queue and its asyncio workers (no Textual, no transports of its own)."""
