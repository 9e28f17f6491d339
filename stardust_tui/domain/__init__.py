"""The domain core: tables, value types and rules. Never imports Textual."""
