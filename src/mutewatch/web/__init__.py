"""The mutewatch server: JSON API, dashboard and access control (FastAPI).

``create_app(store_path, **settings)`` in :mod:`mutewatch.web.app` builds the app;
:mod:`mutewatch.web.access` explains how it reads and writes the store while ``mutewatch
ingest`` runs; :mod:`mutewatch.web.auth` holds users, roles, tokens, sessions and the audit
log.
"""
