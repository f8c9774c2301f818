"""``fogbank clock``: read and move the simulated clock of a running server."""

from __future__ import annotations

import click

from fogbank.cli.client import call, endpoint_option
from fogbank.core.clock import parse_duration


def _show(doc: dict[str, object]) -> None:
    click.echo(f"{doc['now']}  (x{doc['scale']}, {doc['offset_seconds']} s ahead of real time)")


@click.group(invoke_without_command=True)
@endpoint_option
@click.pass_context
def clock(ctx: click.Context, endpoint: str) -> None:
    """Show the server's clock, or move it: `fogbank clock advance 30d`."""
    ctx.obj = endpoint
    if ctx.invoked_subcommand is None:
        _show(call(endpoint, "GET", "/_fogbank/clock"))


sub_endpoint = click.option(
    "--endpoint", "sub_endpoint", default=None, help="fogbank's URL (as for `fogbank clock`)."
)


@clock.command()
@click.argument("duration")
@sub_endpoint
@click.pass_obj
def advance(endpoint: str, duration: str, sub_endpoint: str | None) -> None:
    """Jump the clock forward by DURATION (30d, 2h, 15m, 90s, 1h30m).

    Returns once the work that became due (lifecycle, expiries, deliveries) is done.
    """
    try:
        parse_duration(duration)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    target = sub_endpoint or endpoint
    _show(call(target, "POST", "/_fogbank/clock/advance", {"duration": duration}, timeout=600))


@clock.command()
@click.argument("factor", type=float)
@sub_endpoint
@click.pass_obj
def scale(endpoint: str, factor: float, sub_endpoint: str | None) -> None:
    """Run simulated time FACTOR times faster than real time from now on."""
    _show(call(sub_endpoint or endpoint, "POST", "/_fogbank/clock/scale", {"scale": factor}))
