"""The one exception tree of mutewatch.

Every error names what went wrong and says what to do instead. Each class carries the
process exit code the CLI uses and the HTTP status the web API answers with::

    MutewatchError                  exit 1, HTTP 500
     ├── UsageError                 exit 2, HTTP 400   bad option, bad query parameter
     │    ├── NotFoundError         exit 2, HTTP 404   unknown outlet, article, comment, user
     │    └── ConflictError         exit 2, HTTP 409   the record changed since it was read
     ├── InputError                 exit 3, HTTP 422   an input file or record cannot be read
     │    └── RegistryError         exit 3, HTTP 422   the outlet registry YAML is invalid
     ├── StoreError                 exit 4, HTTP 503   the store cannot be opened or migrated
     │    └── StoreBusyError        exit 4, HTTP 503   another process holds the write lock
     ├── EngineError                exit 5, HTTP 500   a measuring engine (DuckDB/Spark) failed
     └── AuthError                  exit 6, HTTP 401   missing or bad credentials
          └── ForbiddenError        exit 6, HTTP 403   the role may not do this

The web API answers every error as ``{"error": {"code", "message"}}`` (a few add keys for
a program, said where they are raised: a 409's ``conflict``), one status per kind of
problem, whoever finds it (the library, FastAPI, the app's own checks)::

    400 bad_request          a query parameter or header: unknown, given twice, a bad value
    401 unauthorized         no credential, or a bad one
    403 forbidden            the role may not do this
    404 not_found            no such route, or no such record named in the path, the query
                             or the body (an article, a comment, a parent, a user)
    405 method_not_allowed, 415 unsupported_media_type, 429 too_many_requests (Retry-After)
    409 conflict             the record changed since read, or its state refuses this
    413 too_large            a body over its route's byte limit, refused before it is read
    422 bad_input            the body, where the library reads it (the moderation routes):
        validation_error     not UTF-8, not JSON, not an object, a field missing, of the
                             wrong type, too long or not one of its values; where a model
                             declares it (POST /api/v1/users), and a path parameter of the
                             wrong type (GET /api/v1/outlets/abc)
    500 internal_error, engine_error;  503 store_unavailable, store_busy

Left as they are, as clients and tests read them: the 422's two codes, each on its routes,
and a path parameter's bad value (422) beside a query parameter's (400). The
Perspective-compatible routes answer in Google's shape instead (web/moderation.py).
"""

from __future__ import annotations

from typing import Any


class MutewatchError(Exception):
    """Base of every error mutewatch raises on purpose."""

    exit_code = 1
    http_status = 500
    code = "internal_error"

    def __init__(
        self, message: str, *, hint: str | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # more keys of the web API's error object, beside code and message, for a program
        # to read (a moderator's 409: ``conflict``)
        self.fields = fields

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(MutewatchError):
    exit_code = 2
    http_status = 400
    code = "bad_request"


class NotFoundError(UsageError):
    http_status = 404
    code = "not_found"


class ConflictError(UsageError):
    http_status = 409
    code = "conflict"


class InputError(MutewatchError):
    exit_code = 3
    http_status = 422
    code = "bad_input"


class RegistryError(InputError):
    code = "bad_registry"


class StoreError(MutewatchError):
    exit_code = 4
    http_status = 503
    code = "store_unavailable"


class StoreBusyError(StoreError):
    code = "store_busy"


class EngineError(MutewatchError):
    exit_code = 5
    http_status = 500
    code = "engine_error"


class AuthError(MutewatchError):
    exit_code = 6
    http_status = 401
    code = "unauthorized"


class ForbiddenError(AuthError):
    http_status = 403
    code = "forbidden"
