"""The `compass` command line: parse options, call one engine function, render, map errors.

Exit codes: 0 ok; 1 the command ran and found problems; 2 usage error or invalid input
(scenario or knowledge base), with the location; 3 an internal error (one line; the traceback
only with --debug).
"""

from __future__ import annotations

import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click

from engine import api
from engine.errors import CompassError, InputError, RunError
from engine.render import render_json, render_text
from engine.stats import render_stats_text

EXIT_OK, EXIT_PROBLEMS, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3


def _version() -> str:
    try:
        return version("synergy-compass")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _Compass(click.Group):
    """Maps our error tree to exit codes so every command behaves the same."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = "--debug" in sys.argv[1:] or bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except (InputError, RunError) as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_INVALID)
        except CompassError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # the one place unexpected errors are turned into a line
            if debug or ctx.find_root().params.get("debug"):
                traceback.print_exc()
            click.echo(
                f"internal error: {type(error).__name__}: {error} "
                "(this is a bug; run again with --debug for the traceback and report it)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


_KB_OPTION = click.option(
    "--kb",
    "kb_root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Knowledge-base directory to use instead of the shipped one.",
)


@click.group(cls=_Compass, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="compass")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def cli(debug: bool) -> None:
    """Synergy Compass: explainable advice for cross-cultural business situations.

    \b
    Examples:
      compass advise kb/scenarios/allen-japan.yaml
      compass advise my-case.yaml --explain
      compass advise my-case.yaml --format json > result.json
    """


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@_KB_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@click.option("--explain", is_flag=True, help="Show the rules, facts and sources behind each item.")
@click.option(
    "--step-limit",
    type=click.IntRange(min=1),
    default=api.DEFAULT_STEP_LIMIT,
    show_default=True,
    help="Stop a run whose rules keep triggering each other after this many firings.",
)
def advise(
    scenario: Path, kb_root: Path | None, output_format: str, explain: bool, step_limit: int
) -> None:
    """Diagnose SCENARIO and print a staged plan ('-' reads the scenario from stdin).

    \b
    Examples:
      compass advise kb/scenarios/allen-japan.yaml
      compass advise kb/scenarios/allen-japan.yaml --explain
      compass advise - --format json < my-case.yaml
    """
    report = api.advise_file(scenario, kb_root, step_limit)
    if output_format == "json":
        click.echo(render_json(report), nl=False)
    else:
        click.echo(render_text(report, explain=explain), nl=False)


@cli.group()
def kb() -> None:
    """Inspect and check a knowledge base (the shipped one, or --kb DIR)."""


@kb.command()
@_KB_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
def stats(kb_root: Path | None, output_format: str) -> None:
    """Count countries, rules, advice, sources and scenarios.

    \b
    Examples:
      compass kb stats
      compass kb stats --format json
    """
    result = api.kb_stats(kb_root)
    if output_format == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(render_stats_text(result), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="compass")


if __name__ == "__main__":
    main()
