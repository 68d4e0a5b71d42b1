"""The `mutewatch` command line: a thin face over the library.

Each capability owns one module here with a ``register(main)`` function, so adding a
command never means editing another capability's file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mutewatch._store_path import default_store_path
from mutewatch.cli import foundation, measuring, measuring_more, moderating, serving
from mutewatch.errors import MutewatchError


class _Group(click.Group):
    """Turn mutewatch errors into one clear line and the error's exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MutewatchError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The DuckDB store file [env MUTEWATCH_STORE; default ./mutewatch.duckdb].",
)
@click.version_option(package_name="mutewatch")
@click.pass_context
def main(ctx: click.Context, store: Path | None) -> None:
    """Measure propaganda ecosystems from post archives, and moderate reader comments.

    Example: mutewatch demo
    """
    ctx.obj = store if store is not None else default_store_path()


for _module in (foundation, measuring, measuring_more, moderating, serving):
    _module.register(main)
