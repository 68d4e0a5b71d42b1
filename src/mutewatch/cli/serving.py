"""Commands of this capability; see ``register``."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Add this capability's commands to the main group."""
