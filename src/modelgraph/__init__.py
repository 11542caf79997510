"""ModelGraph: a model registry whose core is a lineage graph."""

__version__ = "0.1.0"
