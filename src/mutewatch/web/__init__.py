"""The mutewatch server: JSON API, dashboard and access control (FastAPI).

Run it::

    mutewatch users add ada --role analyst        # prints a token once (stored hashed)
    mutewatch --store mutewatch-demo/mutewatch.duckdb serve --port 8000

Modules: :mod:`~mutewatch.web.app` builds the app (``create_app(store_path, **settings)``);
:mod:`~mutewatch.web.access` explains how it reads and writes the store while ``mutewatch
ingest`` runs (snapshot reads, one writer thread, live reads while it holds the store);
:mod:`~mutewatch.web.auth` holds users, roles, tokens, sessions, CSRF, pseudonyms and the
hash-chained audit log; :mod:`~mutewatch.web.api` the ``/api/v1`` endpoints;
:mod:`~mutewatch.web.pages` the dashboard; ``mutewatch.web.moderation`` (when installed)
adds the moderation endpoints and page.

Roles (an admin may do everything; nothing is anonymous):

=========  ===============================================================================
viewer     measurements (``/api/v1/status``, ``/outlets``, ``/outlets/status``, ``/output``,
           ``/silences``, ``/trend``, ``/platforms``, ``/supporters``, ``/findings``), the
           dashboard and outlet pages; supporter account ids and names are replaced by
           ``supporter-<HMAC>`` pseudonyms (key: setting ``pseudonym_key``, env
           ``MUTEWATCH_PSEUDONYM_KEY``, else generated once and kept in the store)
analyst    also post texts (``/api/v1/posts``, ``/posts``) and real account names
moderator  the moderation queue and its actions (not the observatory)
admin      also users (``/api/v1/users``), uploads to ingest (``/api/v1/ingest``), the
           audit log (``/api/v1/audit``, ``/admin``)
=========  ===============================================================================

Measurement endpoints take the CLI command's options as query parameters in snake_case and
parse them with the command's own click options, so defaults, types and errors are the
CLI's; ``engine``, ``spark_master`` and ``parquet`` are refused over the API (they would
let a caller pick files or hosts). Answers are cached per data version (a fingerprint of the
observatory tables), serialised once, and sent gzip-compressed when large; identical
requests arriving together compute once, and a user may have at most ``compute_per_user``
(4) computations running at once (more answer 429 with ``Retry-After``).

Hostile content: Jinja2 autoescaping everywhere, links defanged (``hxxps://host[.]org``)
and never made links, media shown as labels and never fetched, and a Content-Security-Policy
of ``default-src 'self'; script-src 'self'; style-src 'self'`` (no inline script or style,
no other origin): plotly.js's stylesheets are linked files
(:mod:`~mutewatch.web.plotly_assets`), the moderator page's rules are in ``style.css``.

Access control is audited too: failed and blocked logins, blocked API addresses (an IPv6
client counted by its /64) and refused requests (``access.denied``, once per user and
route in 5 minutes); log-out sends ``Clear-Site-Data``.
"""
