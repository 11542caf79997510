"""Importers: bring another tool's registry into the lineage graph through the store writers."""
