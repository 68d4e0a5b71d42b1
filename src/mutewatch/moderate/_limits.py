"""The moderation service's field limits, in a module of their own: the web layer documents
them in its request bodies (``web/moderation_bodies.py``) without importing the service,
which loads DuckDB and the models."""

MAX_ID_CHARS = 200
MAX_TITLE_CHARS = 1000
MAX_BODY_CHARS = 200_000
MAX_NOTE_CHARS = 2000
MAX_EMAIL_CHARS = 254  # the longest address SMTP carries (RFC 5321 path limit)
