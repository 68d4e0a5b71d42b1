"""The session id of the row tests/s18_loop/conftest.py writes before the app starts (as a
server that stopped, or another on the same store, left it). A module of its own: ``from
conftest import`` takes whichever folder's conftest was imported first in a run of many."""

STORED_SESSION = "s18-loop-stored-session"
