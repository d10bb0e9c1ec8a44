"""g287's public site and JSON API: FastAPI and Jinja2 over the ledger (see docs/web.md)."""
