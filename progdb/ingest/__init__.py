"""Ingest: reading pairs from files, bulk import, and the built-in library in seeds/."""
