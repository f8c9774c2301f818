"""The ``fogbank`` command. Subcommands are imported when used, so `fogbank up` starts fast."""

from __future__ import annotations

import importlib

import click

from fogbank import __version__

# name -> (module, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("fogbank.cli.up", "up"),
    "status": ("fogbank.cli.status", "status"),
    "clock": ("fogbank.cli.clock", "clock"),
    "account": ("fogbank.cli.account", "account"),
    "credentials": ("fogbank.cli.credentials", "credentials"),
    "profile": ("fogbank.cli.credentials", "profile"),
    "mount": ("fogbank.cli.mount", "mount"),
    "s3": ("fogbank.cli.s3", "s3"),
    "umount": ("fogbank.cli.mount", "umount"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        command = getattr(importlib.import_module(target[0]), target[1])
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fogbank")
def cli() -> None:
    """fogbank: a local AWS for the data tier, where every service is real."""


def main() -> None:
    cli(prog_name="fogbank")
