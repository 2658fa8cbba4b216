"""`progdb serve`: the program database as an HTTP service (FastAPI on uvicorn): its own JSON API, an OpenAI-compatible endpoint, and a page."""
