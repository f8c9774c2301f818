"""The ``fogbank`` command."""

from __future__ import annotations

import click

from fogbank import __version__
from fogbank.cli.clock import clock
from fogbank.cli.credentials import credentials, profile
from fogbank.cli.mount import mount, umount
from fogbank.cli.status import status
from fogbank.cli.up import up


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fogbank")
def cli() -> None:
    """fogbank: a local AWS for the data tier, where every service is real."""


cli.add_command(up)
cli.add_command(status)
cli.add_command(clock)
cli.add_command(credentials)
cli.add_command(profile)
cli.add_command(mount)
cli.add_command(umount)


def main() -> None:
    cli(prog_name="fogbank")
