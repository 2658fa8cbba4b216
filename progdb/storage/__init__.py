"""Storage: the chromadb store, write leases and the on-disk caches."""
