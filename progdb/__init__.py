"""progdb: a vector database of programs."""
__version__ = "0.1.0"
