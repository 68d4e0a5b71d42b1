"""Tests of the measuring core (output, outlet status, silences, engines)."""
