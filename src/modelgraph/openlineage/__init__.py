"""OpenLineage: the spec's event models (events.py); ingest builds on them."""
