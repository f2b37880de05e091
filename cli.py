"""The `compass` command line: parse options, call one engine function, render, map errors.

Exit codes: 0 ok; 1 the command ran and found problems; 2 usage error or invalid input
(scenario or knowledge base), with the location; 3 an internal error (one line; the traceback
only with --debug).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .engine.run.garbage_collection import collection_paused, freeze_long_lived

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .engine.schemas.branding import ReportBranding
    from .engine.schemas.config import ConfigFile
    from .engine.schemas.report import Report

# Importing the engine creates objects that live as long as the process; the garbage
# collector, run again and again meanwhile, would find nothing to free. So it waits until the
# imports are done (and main() then takes what they built out of its sight for good).
with collection_paused():
    import click
    from click.core import ParameterSource

    from .engine import api
    from .engine.errors import (
        AuditStoreError,
        CompassError,
        InputError,
        Location,
        Problem,
        RunError,
    )
    from .engine.render.safe_text import json_text, plain_text
    from .engine.render.text import render_json, render_text

# Commands import what only they use inside their bodies: `compass advise` is started far more
# often than any other, and every module it does not need is time before its first line. For
# the same reason the other commands are defined in cli_commands, which the group below
# imports only when one of them is asked for.

EXIT_PROBLEMS, EXIT_INVALID, EXIT_INTERNAL = 1, 2, 3


_DEBUG, _QUIET_META = "compass.debug", "compass.quiet"


def _remember_flag(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """--quiet and --debug hold for the whole command line, wherever they are written: a flag
    given to the group or to the command is kept in the contexts' shared ``meta``."""
    key = _DEBUG if param.name == "debug" else _QUIET_META
    if value:
        ctx.meta[key] = True
    return bool(ctx.meta.get(key))


def _add_shared_flags(command: click.Command) -> None:
    """Give a command or group --quiet and --debug unless it declares its own (which then
    use _remember_flag too)."""
    names = {param.name for param in command.params}
    if "quiet" not in names:
        command.params.append(
            click.Option(
                ["--quiet", "-q"],
                is_flag=True,
                expose_value=False,
                callback=_remember_flag,
                help="Print nothing but the result.",
            )
        )
    if "debug" not in names:
        command.params.append(
            click.Option(
                ["--debug"],
                is_flag=True,
                is_eager=True,
                expose_value=False,
                callback=_remember_flag,
                help="Show a traceback for internal errors.",
            )
        )


def _quiet() -> bool:
    return bool(click.get_current_context().meta.get(_QUIET_META))


class _OldSpelling(click.Option):
    """A hidden former name of an option, kept for one release: its value goes to the new
    option (unless that is given too) with a note on standard error."""

    def __init__(self, *args: Any, replaced_by: str, spelling: str, **kwargs: Any) -> None:
        kwargs["hidden"] = True
        super().__init__(*args, **kwargs)
        self.replaced_by = replaced_by
        self.spelling = spelling


def _old_spelling(
    old: str, replaced_by: str, spelling: str, path_type: click.Path
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        old,
        f"old_{old.lstrip('-')}",
        cls=_OldSpelling,
        type=path_type,
        replaced_by=replaced_by,
        spelling=spelling,
    )


class _CompassCommand(click.Command):
    """Every command: --quiet and --debug anywhere, and former option names mapped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_shared_flags(self)

    def invoke(self, ctx: click.Context) -> Any:
        for param in self.params:
            if not isinstance(param, _OldSpelling) or param.name is None:
                continue
            value = ctx.params.pop(param.name, None)
            if value is None:
                continue
            if not ctx.meta.get(_QUIET_META):
                click.echo(
                    f"note: {param.opts[0]} is deprecated and goes in the next release; "
                    f"use {param.spelling}",
                    err=True,
                )
            if ctx.get_parameter_source(param.replaced_by) is ParameterSource.DEFAULT:
                ctx.params[param.replaced_by] = value
        return super().invoke(ctx)


class _CompassSubgroup(click.Group):
    """The command groups under `compass` (kb, audit, scenario, config)."""

    command_class = _CompassCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_shared_flags(self)


class _Compass(click.Group):
    """Maps our error tree to exit codes so every command behaves the same, and adds the
    commands of cli_commands (every one but advise) the first time one of them is wanted."""

    command_class = _CompassCommand
    group_class = _CompassSubgroup

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_shared_flags(self)
        self._all_added = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and self.add_all_commands():
            found = super().get_command(ctx, cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.add_all_commands()
        return super().list_commands(ctx)

    def add_all_commands(self) -> bool:
        """Add the commands defined in cli_commands, once; whether they were added now."""
        if self._all_added:
            return False
        self._all_added = True
        from . import cli_commands

        for command in cli_commands.COMMANDS:
            self.add_command(command)
        return True

    def invoke(self, ctx: click.Context) -> Any:
        # --debug is eager, so it is known even when a later option's own check fails.
        debug = "--debug" in sys.argv[1:] or bool(ctx.meta.get(_DEBUG))
        try:
            return super().invoke(ctx)
        except (InputError, RunError, AuditStoreError) as error:
            # Messages quote file names and values from shared files: no terminal controls.
            click.echo(plain_text(f"error: {error}"), err=True)
            ctx.exit(EXIT_INVALID)
        except CompassError as error:
            click.echo(plain_text(f"error: {error}"), err=True)
            ctx.exit(EXIT_PROBLEMS)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The program reading our output stopped early (`| head`): it has what it wanted.
            # Standard output goes to the null device so the exit does not fail on it again.
            with suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as error:  # the one place unexpected errors are turned into a line
            if debug or ctx.meta.get(_DEBUG):
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
    multiple=True,
    callback=lambda _context, _parameter, value: tuple(value) or None,
    help="Knowledge-base directory to use instead of the shipped one; repeat to combine "
    "several (a KB whose kb.yaml says 'extends: shipped' adds to the shipped one).",
)
_SCENARIO = click.argument(
    "scenario", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
_QUIET = click.option(
    "--quiet", "-q", is_flag=True, callback=_remember_flag, help="Print nothing but the result."
)
_AUDIT_DB = click.option(
    "--audit-db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="COMPASS_AUDIT_DB",
    help="Audit database (default: audit.sqlite3 in your user data directory).",
)


def _output_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o/--output, the one spelling of every command that writes a file ('-': standard output)."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help=help_text,
    )


_FORCE = click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
_TRACE = click.option(
    "--trace/--no-trace",
    default=False,
    show_default=True,
    help="With --format json: include the full trace (every fact and firing, for auditors; "
    "some hundred KB). Each item's supported_by is there either way.",
)


def _format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="text for people, json for programs.",
    )


def _echo_json(model: BaseModel | list[Any]) -> None:
    if isinstance(model, list):
        items = [item.model_dump(mode="json") for item in model]
        click.echo(json_text(json.dumps(items, indent=2)))
    else:
        click.echo(json_text(model.model_dump_json(indent=2)))


def _show(result: Any, output_format: str, render: Callable[[Any], str]) -> None:
    """JSON for programs, the text renderer for people."""
    if output_format == "json":
        _echo_json(result)
    else:
        click.echo(render(result), nl=False)


@click.group(cls=_Compass, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", package_name="synergy-compass", prog_name="compass")
def cli() -> None:
    """Synergy Compass: explainable advice for cross-cultural business situations.

    \b
    Examples:
      compass advise kb/scenarios/allen-japan.yaml
      compass explain kb/scenarios/allen-japan.yaml --why-not go-directly-to-the-owner
      compass whatif kb/scenarios/allen-japan.yaml --set they.structure=flat
      compass audit verify

    Defaults for --kb, --audit-db, the report's format and branding come from a config file
    (see `compass config show`); options given on the command line win.
    """
    ctx = click.get_current_context()
    # `compass config` reads the file itself, to report what is wrong with it.
    if ctx.invoked_subcommand != "config" and _config_file_exists():
        ctx.default_map = _defaults_from(api.configured(), ctx.command)


def _config_file_exists() -> bool:
    # Without a file every setting is a default, and the options' own defaults are those: no
    # default map is needed, nor the config model (importing it is about 1 % of an advise).
    from .engine.load.config_location import config_path

    return config_path().exists()


# Which setting of the config file is the default of which option, by the option's name.
_REPORT_COMMANDS = ("advise", "interview")


def _defaults_from(config: ConfigFile, command: click.Command) -> dict[str, Any]:
    """click's default map (command name to option name to default) from the config file."""
    if isinstance(command, click.Group):
        if isinstance(command, _Compass):
            command.add_all_commands()
        return {name: _defaults_from(config, sub) for name, sub in command.commands.items()}
    report = config.report
    by_option: dict[str, Any] = {
        "kb_root": list(config.kb) or None,
        "directories": list(config.kb) or None,
        "audit_db": config.audit_db,
        "prepared_by": ", ".join(part for part in (report.prepared_by, report.firm) if part),
        "prepared_for": report.prepared_for,
        "logo": report.logo,
    }
    if command.name in _REPORT_COMMANDS:
        by_option["output_format"] = config.format
    names = {param.name for param in command.params}
    return {name: value for name, value in by_option.items() if name in names and value}


@cli.command()
@_SCENARIO
@_KB_OPTION
@_format_option("text", "json", "markdown", "html", "pdf")
@_output_option(
    "Write the result to this file ('-': standard output); a missing folder is created."
)
@_FORCE
@click.option("--explain", is_flag=True, help="Show the rules, facts and sources behind each item.")
@_TRACE
# Report branding: no defaults here, so that the config file can supply them.
@click.option("--prepared-by", default=None, help="Report: who it is from (name, firm).")
@click.option("--prepared-for", default=None, help="Report: who it is for (the client).")
@click.option(
    "--logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Report: an image file (PNG, JPEG, SVG...) embedded at the top.",
)
@click.option(
    "--appendix/--no-appendix",
    default=None,
    help="Report: add the appendix of how each step of the plan was reached (off by default).",
)
@click.option(
    "--step-limit",
    type=click.IntRange(min=1),
    default=None,
    help="Stop a run whose rules keep triggering each other after this many firings "
    "[default: 50 per rule branch and per scenario fact, at least 10,000].",
)
@_AUDIT_DB
@click.option("--no-audit", is_flag=True, help="Do not record this run in the audit database.")
@_QUIET
def advise(
    *,
    scenario: Path,
    kb_root: tuple[Path, ...] | None,
    output_format: str,
    output: Path | None,
    force: bool,
    explain: bool,
    trace: bool,
    prepared_by: str | None,
    prepared_for: str | None,
    logo: Path | None,
    appendix: bool | None,
    step_limit: int | None,
    audit_db: Path | None,
    no_audit: bool,
    quiet: bool,
) -> None:
    """Diagnose SCENARIO and print a staged plan ('-' reads the scenario from stdin).

    Every run is recorded in the audit database unless --no-audit is given. Markdown, HTML
    and PDF make a client-ready report with charts comparing the two cultures; PDF is printed
    by headless Chromium, which must be installed.

    \b
    Examples:
      compass advise kb/scenarios/allen-japan.yaml
      compass advise kb/scenarios/allen-japan.yaml --explain
      compass advise kb/scenarios/allen-japan.yaml --format html --output report.html
      compass advise case.yaml --format pdf -o report.pdf --prepared-by "Ann Lee, Lee & Co"
      compass advise - --format json --no-audit < my-case.yaml
    """
    target = _output_file(output, force=force)
    # Only the client documents print the branding; text and JSON need not import its model.
    branding = (
        None
        if output_format in ("text", "json")
        else _branding(prepared_by or "", prepared_for or "", logo)
    )
    audit_path = _audit_path(audit_db, no_audit=no_audit)

    def deliver(report: Report) -> None:
        # Called before the run is recorded: advice that could not be written is not recorded.
        if output_format == "pdf":
            _write_pdf(_render_pdf(report, kb_root, branding, bool(appendix)), target, quiet=quiet)
        elif output_format == "text" and target is None and _on_terminal():
            _print_text_report(report, explain=explain)
        else:
            text = _render_report(
                report,
                output_format,
                kb_root,
                explain=explain,
                trace=trace,
                branding=branding,
                appendix=bool(appendix),
            )
            _write(text, target, quiet=quiet)

    _report, recorded = api.advise_and_record(scenario, kb_root, step_limit, audit_path, deliver)
    if recorded is not None and not quiet:
        click.echo(f"recorded as run {recorded.run_id} in {audit_path}", err=True)


def _branding(prepared_by: str, prepared_for: str, logo: Path | None) -> ReportBranding:
    from .engine.schemas.branding import ReportBranding

    return ReportBranding(prepared_by=prepared_by, prepared_for=prepared_for, logo=logo)


def _on_terminal() -> bool:
    return sys.stdout.isatty()


def _print_text_report(report: Report, *, explain: bool) -> None:
    """A text report on a terminal: wrapped to its width, explanation trees too, with colour
    for headings and certainty where the terminal has it and NO_COLOR is not set. Anywhere
    else the report is printed as render_text gives it, at its fixed width."""
    if not _on_terminal():
        click.echo(render_text(report, explain=explain), nl=False)
        return
    import os
    import shutil

    from .engine.render.text import for_terminal

    width = max(40, shutil.get_terminal_size().columns - 1)
    text = render_text(report, explain=explain, width=width, wrap_every_line=True)
    # NO_COLOR (no-color.org): any non-empty value turns colour off; bold stays.
    click.echo(for_terminal(text, colour=not os.environ.get("NO_COLOR")), nl=False, color=True)


def _audit_path(audit_db: Path | None, *, no_audit: bool) -> Path | None:
    if no_audit:
        return None
    return audit_db or api.audit_database()


def _render_report(
    report: Report,
    output_format: str,
    kb_root: tuple[Path, ...] | None,
    *,
    explain: bool = False,
    trace: bool = False,
    branding: ReportBranding | None = None,
    appendix: bool = False,
) -> str:
    if output_format == "json":
        return render_json(report, trace=trace)
    if output_format in ("markdown", "html"):
        from .engine.render.documents import render_html, render_markdown

        render = render_markdown if output_format == "markdown" else render_html
        return render(report, api.comparison_for(report, kb_root), branding, with_appendix=appendix)
    return render_text(report, explain=explain)


def _render_pdf(
    report: Report,
    kb_root: tuple[Path, ...] | None,
    branding: ReportBranding | None,
    appendix: bool,
) -> bytes:
    from .engine.render.documents import render_pdf

    return render_pdf(report, api.comparison_for(report, kb_root), branding, with_appendix=appendix)


def _write_pdf(data: bytes, target: Path | None, *, quiet: bool = False) -> None:
    """Like _write, for the PDF's bytes."""
    if target is None:
        click.echo(data, nl=False)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as error:
        raise _output_problem(
            target,
            f"cannot write the file: {error.strerror}",
            "Check that its folder can be created and written to.",
        ) from error
    if not (quiet or _quiet()):
        click.echo(f"wrote {target}", err=True)


def _output_problem(path: Path, message: str, hint: str) -> InputError:
    return InputError([Problem(Location(str(path)), message, hint=hint)])


def _output_file(output: Path | None, *, force: bool, option: str = "-o/--output") -> Path | None:
    """Where a command writes: None for standard output (no option, or '-').

    Checked before the command does its work, so that nothing is computed for a file that
    would then be refused. A missing folder is not a problem: writing creates it.
    """
    if output is None or str(output) == "-":
        return None
    if output.is_dir():
        raise _output_problem(output, "this is a folder", f"Give {option} a file name.")
    if output.exists() and not force:
        raise _output_problem(
            output,
            "the file already exists",
            f"Add --force to overwrite it, or give {option} another name.",
        )
    # The nearest folder that exists must take the file (or the folders leading to it) now,
    # not after an interview's every answer has been given.
    nearest = next(parent for parent in output.absolute().parents if parent.exists())
    if not nearest.is_dir() or not os.access(nearest, os.W_OK | os.X_OK):
        raise _output_problem(
            output,
            f"cannot write the file: {nearest} is not a folder that can be written to",
            f"Give {option} a path in a folder you can write to.",
        )
    return output


@contextmanager
def _opened_output(target: Path | None) -> Iterator[IO[str]]:
    """A text handle on the file (its folder created if missing), or on standard output."""
    if target is None:
        yield sys.stdout
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = target.open("w", encoding="utf-8")
    except OSError as error:
        raise _output_problem(
            target,
            f"cannot write the file: {error.strerror}",
            "Check that its folder can be created and written to.",
        ) from error
    with handle:
        yield handle


def _write(text: str, target: Path | None, *, quiet: bool = False) -> None:
    """Write a result to ``target`` (see _output_file), or print it when that is None."""
    if target is None:
        click.echo(text, nl=False)
        return
    with _opened_output(target) as handle:
        handle.write(text)
    if not (quiet or _quiet()):
        click.echo(f"wrote {target}", err=True)


def main() -> None:
    """Console-script entry point."""
    # This process is the CLI's own, so what is alive once the imports are done, and once the
    # command is done (its KB among it), lives until exit: the collector, and the collections
    # at exit, need not walk it again. Importing this module must not do it: a program that
    # imports the CLI keeps its collector as it was.
    freeze_long_lived()
    try:
        cli(prog_name="compass")
    finally:
        freeze_long_lived()


if __name__ == "__main__":
    main()
