"""The `compass` command line: parse options, call one engine function, render, map errors.

Exit codes: 0 ok; 1 the command ran and found problems; 2 usage error or invalid input
(scenario or knowledge base), with the location; 3 an internal error (one line; the traceback
only with --debug).
"""

from __future__ import annotations

import json
import os
import sys
import time
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
    from .engine.render.safe_text import json_text, plain_text, terminal_line
    from .engine.render.text import render_json, render_text

# Commands import what only they use inside their bodies: `compass advise` is started far more
# often than any other, and every module it does not need is time before its first line.

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
    """Maps our error tree to exit codes so every command behaves the same."""

    command_class = _CompassCommand
    group_class = _CompassSubgroup

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_shared_flags(self)

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


EXIT_INTERRUPTED = 128 + 2  # what a shell reports for a command stopped by Ctrl-C (SIGINT)


class _RunningCount:
    """A progress line for an input whose length is not known before it is read (a JSONL or
    CSV stream): how many are done and failed, redrawn a few times a second."""

    def __init__(self) -> None:
        self.done = self.failed = 0
        self.started = self.drawn = time.monotonic()

    def show(self, result: Any) -> None:
        self.done += 1
        self.failed += not result.ok
        if not result.ok:
            click.echo(f"\r\x1b[Kfailed: {result.error}", err=True)
        if not result.ok or time.monotonic() - self.drawn >= 0.2:
            self._draw()

    def _draw(self) -> None:
        self.drawn = time.monotonic()
        rate = self.done / max(self.drawn - self.started, 1e-6)
        click.echo(
            f"\r\x1b[Kadvising: {self.done:,} done, {self.failed:,} failed, {rate:,.0f}/s",
            err=True,
            nl=False,
        )

    def finish(self) -> None:
        if self.done:
            self._draw()
            click.echo("", err=True)


@contextmanager
def _batch_progress(total: int | None, quiet: bool) -> Iterator[Callable[[Any], None]]:
    """What to show of each batch result: on a terminal, a bar when the number of scenarios
    is known (a folder), otherwise a running count, and failures; elsewhere the failures;
    with --quiet, nothing at all."""
    if quiet:
        yield lambda _result: None
        return
    if not sys.stderr.isatty():

        def report_failures(result: Any) -> None:
            if not result.ok:
                click.echo(f"failed: {result.error}", err=True)

        yield report_failures
        return
    if total is None:
        counter = _RunningCount()
        try:
            yield counter.show
        finally:
            counter.finish()
        return
    with click.progressbar(
        length=total, label="advising", file=sys.stderr, show_pos=True, show_eta=False
    ) as bar:

        def show(result: Any) -> None:
            bar.update(1)
            if not result.ok:
                click.echo(f"\nfailed: {result.error}", err=True)

        yield show


@cli.command()
@click.argument(
    "input_path",
    metavar="INPUT",
    type=click.Path(exists=True, allow_dash=True, path_type=Path),
)
@_output_option(
    "JSONL file to write, one result per scenario, in input order (default or '-': "
    "standard output)."
)
@_old_spelling("--out", "output", "-o/--output", click.Path(dir_okay=False, path_type=Path))
@_FORCE
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Parallel worker processes.",
)
@click.option(
    "--input-format",
    type=click.Choice(["jsonl", "csv"]),
    help="What INPUT holds, whatever its name says (standard input is JSONL without it).",
)
@_KB_OPTION
@_QUIET
def batch(
    input_path: Path,
    *,
    output: Path | None,
    force: bool,
    workers: int,
    input_format: str | None,
    kb_root: tuple[Path, ...] | None,
    quiet: bool,
) -> None:
    """Advise on every scenario in INPUT: a folder of scenario files, a .jsonl or a .csv file,
    or '-' for JSONL (or, with --input-format csv, CSV) on standard input.

    The input is read as the work goes: results are written as they come, in input order,
    from the first scenario on. A scenario that fails validation is reported with its error
    and the rest go on; the command exits 1 if any failed, 130 if interrupted (Ctrl-C), what
    was written until then kept.

    \b
    Examples:
      compass batch kb/scenarios -o results.jsonl --workers 2
      compass batch cases.csv -o results.jsonl
      compass batch cases.jsonl -q | jq .title
      jq -c . cases/*.json | compass batch - -o results.jsonl
    """
    from .engine.consult.batch import BatchTally
    from .engine.render.consulting import render_summary_text

    tally = BatchTally()
    target = _output_file(output, force=force)
    try:
        total, results = api.batch(
            input_path, kb_root, workers, input_format=input_format, output=target
        )
        with _opened_output(target) as handle, _batch_progress(total, quiet) as show:
            for result in results:
                # Titles and sources are the scenarios' own text: a terminal shown the lines
                # (`| jq`, `tail -f`) must act on none of their controls.
                handle.write(json_text(result.model_dump_json()) + "\n")
                # Each result is out as soon as it is known: a reader of a pipe (`| jq`) or
                # of the file sees the work go, and an interrupted batch keeps all it did.
                handle.flush()
                tally.add(result)
                show(result)
    except KeyboardInterrupt:
        written = f" to {target}" if target is not None else ""
        click.echo(
            f"\ninterrupted: {tally.ran} results written{written}, in input order; "
            "the scenarios after them were not advised",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    summary = tally.summary()
    if not quiet:
        if target is not None:
            click.echo(f"wrote {target}", err=True)
        click.echo(render_summary_text(summary), err=True, nl=False)
    if summary.failed:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@cli.command()
@click.option(
    "--save",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("my-scenario.yaml"),
    show_default=True,
    help="Where to write the scenario built from your answers ('-': standard output, when "
    "the advice goes to a file or is not wanted).",
)
@_old_spelling("--out", "save", "--save", click.Path(dir_okay=False, path_type=Path))
@_format_option("text", "markdown", "html", "json")
@_output_option(
    "Write the advice to this file ('-': standard output); a missing folder is created."
)
@_old_spelling("--report", "output", "-o/--output", click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--advice/--no-advice",
    default=True,
    show_default=True,
    help="Advise on the scenario once it is written.",
)
@click.option(
    "--list-questions",
    is_flag=True,
    help="Print the questions, numbered, in the order they are asked (the order piped "
    "answers follow), and stop.",
)
@_FORCE
@_KB_OPTION
@_AUDIT_DB
@click.option("--no-audit", is_flag=True, help="Do not record this run in the audit database.")
def interview(
    *,
    save: Path,
    output_format: str,
    output: Path | None,
    advice: bool,
    list_questions: bool,
    force: bool,
    kb_root: tuple[Path, ...] | None,
    audit_db: Path | None,
    no_audit: bool,
) -> None:
    """Build a scenario by answering questions, save it, and get the advice.

    Only questions that can change the advice are asked; choices are picked by number or
    name. Answers can be piped in, one a line, in the order --list-questions prints; a wrong
    one stops with its line number.

    \b
    Examples:
      compass interview
      compass interview --save acme-tokyo.yaml --format html -o acme-tokyo.html
      compass interview --list-questions
      compass interview --save - --no-advice < answers.txt > acme-tokyo.yaml
    """
    if list_questions:
        click.echo(api.start_interview().question_list(), nl=False)
        return
    scenario_file = _output_file(save, force=force, option="--save")
    target = _output_file(output, force=force)
    if advice and scenario_file is None and target is None:
        raise click.UsageError(
            "the scenario (--save -) and the advice would both go to standard output; "
            "give -o FILE for the advice, or --no-advice"
        )
    session = api.start_interview(kb_root)
    session.run(sys.stdin, lambda text: click.echo(text, err=True, nl=False))
    _write(session.to_yaml(), scenario_file)
    if advice:
        audit_path = _audit_path(audit_db, no_audit=no_audit)
        # The advice is written before the run is recorded, as `compass advise` does.
        api.advise_and_record(
            session.scenario(),
            kb_root,
            None,
            audit_path,
            lambda report: _write(_render_report(report, output_format, kb_root), target),
        )


@cli.command(name="new")
@click.argument("example", required=False)
@_output_option("Write the scenario to this file ('-': standard output, the default).")
@_FORCE
@click.option("--list", "list_examples", is_flag=True, help="List the shipped examples.")
def new_command(example: str | None, output: Path | None, force: bool, list_examples: bool) -> None:
    """Start a scenario: a template with every field described, or the shipped EXAMPLE.

    The template holds example values in the required fields and every other field commented
    out, with what it means and the values it takes: it advises as it is, and you fill in
    what you know.

    \b
    Examples:
      compass new -o acme-tokyo.yaml
      compass new --list
      compass new allen-japan -o my-case.yaml
    """
    if list_examples:
        examples = api.example_scenarios()
        width = max(len(name) for name, _title in examples)
        for name, title in examples:
            click.echo(f"{name:<{width}}  {title}")
        return
    target = _output_file(output, force=force)
    _write(api.new_scenario(example), target)
    if target is not None and not _quiet():
        click.echo(f"next: edit it, then run: compass advise {target}", err=True)


@cli.command(name="profile")
@_output_option("Write the profile file here ('-': standard output).  [default: my-profile.yaml]")
@_FORCE
@click.option("--name", default="", help="Whose profile it is, as the file should name them.")
@click.option(
    "--culture",
    default=None,
    help="The culture you grew up or mostly worked in: a country (US, Japan, Holland).",
)
@click.option(
    "--list-questions",
    is_flag=True,
    help="Print the questions, numbered, in the order they are asked (the order piped "
    "answers follow), with the scale each statement is about, and stop.",
)
@_format_option("text", "json")
@_KB_OPTION
def profile_command(
    *,
    output: Path | None,
    force: bool,
    name: str,
    culture: str | None,
    list_questions: bool,
    output_format: str,
    kb_root: tuple[Path, ...] | None,
) -> None:
    """Place yourself on the eight practical scales by answering a short questionnaire, and
    write your profile file for the scenarios you take part in.

    Answer each statement from 1 (strongly disagree) to 5 (strongly agree), or skip it; the
    last question asks how sure you are. Answers can be piped in, one a line, in the order
    --list-questions prints; a wrong one stops with its line number.

    \b
    Examples:
      compass profile --name "Ann Lee" --culture US -o ann-lee.yaml
      compass profile --list-questions
      compass profile -o - < answers.txt > my-profile.yaml
      compass profile --format json < answers.txt
    """
    from .engine.render.profile import render_profile_text

    session = api.start_profile(kb_root, name=name, culture=culture)
    if list_questions:
        click.echo(plain_text(session.question_list()), nl=False)
        return
    target = _output_file(output or Path("my-profile.yaml"), force=force)
    # The statements come from a KB file that may be shared: shown as plain text.
    session.run(sys.stdin, lambda text: click.echo(plain_text(text), err=True, nl=False))
    result = session.result()
    _write(api.profile_file_text(result, target.name if target else "my-profile.yaml"), target)
    summary = (
        json_text(result.model_dump_json(indent=2)) + "\n"
        if output_format == "json"
        else render_profile_text(result)
    )
    # The summary goes where the file does not: beside a file, or to the terminal's other stream.
    click.echo(summary, err=target is None, nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--token",
    is_flag=False,
    flag_value="",
    default=None,
    help="Require this access token on every request ('--token' alone makes one up). Needed "
    "for any address other than this computer's.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the workspace in a browser.")
@_KB_OPTION
@_AUDIT_DB
@click.option("--no-audit", is_flag=True, help="Do not record advice runs in the audit database.")
def serve(
    *,
    host: str,
    port: int,
    token: str | None,
    open_browser: bool,
    kb_root: tuple[Path, ...] | None,
    audit_db: Path | None,
    no_audit: bool,
) -> None:
    """Start the web workspace on this computer (Ctrl-C stops it).

    \b
    Examples:
      compass serve --open
      compass serve --port 9000 --kb my-kb
    """
    from .web.security import is_loopback, new_token
    from .web.server import run_workspace

    if token == "":
        token = new_token()
    if not is_loopback(host) and token is None:
        raise click.UsageError(
            f"--host {host} lets other computers reach the workspace: add --token (a token is "
            "then made up and printed) so that only people with the address can use it."
        )
    run_workspace(
        host,
        port,
        token=token,
        kb_roots=kb_root,
        audit_db=_audit_path(audit_db, no_audit=no_audit),
        open_browser=open_browser,
    )


@cli.command(name="compare")
@click.argument("first")
@click.argument("second")
@click.argument("more", nargs=-1)
@_KB_OPTION
@_format_option("text", "json")
def compare_command(
    first: str,
    second: str,
    more: tuple[str, ...],
    kb_root: tuple[Path, ...] | None,
    output_format: str,
) -> None:
    """Show two cultures side by side: every dimension, the gap, and what it means both ways.
    With three or more countries, all of them on one chart per scale first, then each beside
    the first (JSON: a list of those pairs).

    \b
    Examples:
      compass compare US JP
      compass compare England Korea --format json
      compass compare US JP Holland Brazil
    """
    from .engine.render.consulting import render_culture_comparison_text
    from .engine.render.team import render_several_countries_text

    if not more:
        _show(api.compare(first, second, kb_root), output_format, render_culture_comparison_text)
        return
    several = api.compare_several((first, second, *more), kb_root)
    _show(several, output_format, render_several_countries_text)


@cli.command(name="team")
@click.argument("team_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@_KB_OPTION
@_format_option("text", "json", "markdown", "html", "pdf")
@click.option(
    "--top",
    type=click.IntRange(1, 20),
    default=2,
    show_default=True,
    help="How many of the widest gaps to explain (the widest pair on each scale).",
)
@_output_option("Write the map to this file ('-' or none: standard output).")
@_FORCE
def team_command(
    *,
    team_file: Path,
    kb_root: tuple[Path, ...] | None,
    output_format: str,
    top: int,
    output: Path | None,
    force: bool,
) -> None:
    """Map a team: every member on every practical scale at once (their own position where
    FILE or their profile file gives one, else their culture's score, marked as such), and
    the widest gaps between two members with the advice that follows.

    \b
    Examples:
      compass team kb/scenarios/teams/launch-team.yaml
      compass team team.yaml --top 3
      compass team team.yaml --format pdf -o team-map.pdf
    """
    from .engine.render.team import render_team_text
    from .engine.render.team_documents import (
        render_team_html,
        render_team_markdown,
        render_team_pdf,
    )

    target = _output_file(output, force=force)
    result = api.team(team_file, kb_root, top)
    if output_format == "pdf":
        _write_pdf(render_team_pdf(result), target)
        return
    renderers = {
        "json": lambda found: json_text(found.model_dump_json(indent=2)) + "\n",
        "markdown": render_team_markdown,
        "html": render_team_html,
        "text": render_team_text,
    }
    _write(renderers[output_format](result), target)


@cli.command()
@click.argument("query", required=False, default="")
@_KB_OPTION
@_format_option("text", "json")
def countries(query: str, kb_root: tuple[Path, ...] | None, output_format: str) -> None:
    """List the countries the knowledge base has profiles for, with their dimensions; QUERY
    names one (Holland, UK, KR) or is part of names. Thin profiles are marked.

    \b
    Examples:
      compass countries
      compass countries ger
      compass countries Holland
    """
    from .engine.render.consulting import render_countries_text

    result = api.countries(query, kb_root)
    _show(result, output_format, render_countries_text)


@cli.command(name="explain")
@_SCENARIO
@_KB_OPTION
@_format_option("text", "json")
@click.option(
    "--why-not",
    "why_not_ids",
    multiple=True,
    metavar="ID",
    help="A rule, advice or finding id: why was it not given? (repeatable)",
)
@click.option("--near-misses", is_flag=True, help="List rules that missed by one condition.")
@click.option(
    "--graph",
    type=click.Choice(["mermaid", "dot"]),
    help="Print the support graph as Mermaid or Graphviz DOT instead.",
)
def explain_command(
    *,
    scenario: Path,
    kb_root: tuple[Path, ...] | None,
    output_format: str,
    why_not_ids: tuple[str, ...],
    near_misses: bool,
    graph: str | None,
) -> None:
    """Explain the advice for SCENARIO: HOW each item was reached, or WHY-NOT.

    \b
    Examples:
      compass explain kb/scenarios/allen-japan.yaml
      compass explain kb/scenarios/allen-japan.yaml --why-not little-adaptation-needed
      compass explain kb/scenarios/allen-japan.yaml --near-misses
      compass explain kb/scenarios/allen-japan.yaml --graph mermaid > support.mmd
    """
    from .engine.render.explanations import render_near_misses_text, render_why_not_text
    from .engine.render.support_graph import to_dot, to_mermaid

    result = api.explain_file(scenario, kb_root, why_not_ids, near_misses)
    if graph:
        click.echo(
            to_mermaid(result.report) if graph == "mermaid" else to_dot(result.report), nl=False
        )
    elif output_format == "json":
        _echo_json(result)
    elif why_not_ids or near_misses:
        for answer in result.why_not:
            click.echo(render_why_not_text(answer))
        if near_misses:
            click.echo(render_near_misses_text(list(result.near_misses)), nl=False)
    else:
        _print_text_report(result.report, explain=True)


@cli.command()
@_SCENARIO
@click.option(
    "--set",
    "settings",
    multiple=True,
    required=True,
    metavar="PATH=VALUE",
    help="A scenario field to change, e.g. they.structure=flat (repeatable).",
)
@_KB_OPTION
@_format_option("text", "json")
def whatif(
    scenario: Path, settings: tuple[str, ...], kb_root: tuple[Path, ...] | None, output_format: str
) -> None:
    """Run SCENARIO as written and with changes, and show what the changes alter.

    \b
    Examples:
      compass whatif kb/scenarios/allen-japan.yaml --set they.structure=flat
      compass whatif kb/scenarios/allen-japan.yaml --set relationship.personal_contact=strong
      compass whatif kb/scenarios/allen-japan.yaml --set relationship.we_are=buyer
      compass whatif case.yaml --set "goal[1].kind=give_feedback" --set "parties[0].decides=[]"
      compass whatif case.yaml --set "we_observe=[polite_deferral]" --format json
    """
    from .engine.render.explanations import render_diff_text

    _before, _after, diff = api.whatif_file(scenario, settings, kb_root)
    if output_format == "json":
        _echo_json(diff)
    else:
        click.echo(render_diff_text(diff, "the scenario as written", "the changes"), nl=False)


@cli.group(name="scenario")
def scenario_group() -> None:
    """Work on scenario files."""


@scenario_group.command(name="upgrade")
@_SCENARIO
@click.option("--in-place", is_flag=True, help="Rewrite SCENARIO itself.")
@_output_option("Write the upgraded scenario to this file ('-': standard output).")
@_FORCE
@_QUIET
def scenario_upgrade(
    scenario: Path, in_place: bool, output: Path | None, force: bool, quiet: bool
) -> None:
    """Rewrite a version-1 SCENARIO in the version-2 format ('-' reads stdin).

    The goal and the organisation type become lists, and `relationship.we_are`, which version 1
    could not say (manager or acquirer when the goal says so, else seller), is written out for
    you to check. Comments, key order and layout are kept; the advice stays the same. A file
    already in version 2 comes out as it is.

    \b
    Examples:
      compass scenario upgrade old-case.yaml
      compass scenario upgrade old-case.yaml --in-place
      compass scenario upgrade - --output new-case.yaml < old-case.yaml
    """
    if in_place and (output is not None or str(scenario) == "-"):
        raise click.UsageError("--in-place rewrites a named file; it takes no --output or '-'")
    # --in-place says in so many words that SCENARIO is to be overwritten.
    target = scenario if in_place else _output_file(output, force=force)
    text = api.upgrade_scenario_file(scenario)
    _write(text, target, quiet=quiet)


@cli.group()
def kb() -> None:
    """Inspect and check a knowledge base (the shipped one, or --kb DIR)."""


_KB_DIRECTORIES = click.argument(
    "directories",
    nargs=-1,
    type=click.Path(file_okay=False, path_type=Path),
)


def _roots(directories: tuple[Path, ...]) -> tuple[Path, ...] | None:
    return directories or None


_ALL_LAYERS = click.option(
    "--all",
    "all_layers",
    is_flag=True,
    help="Report on every layer of a stacked KB. Without it, only on the outermost: the "
    "directory named last (an extension, with the shipped KB below it).",
)


@kb.command()
@_KB_DIRECTORIES
@_format_option("text", "json")
def stats(directories: tuple[Path, ...], output_format: str) -> None:
    """Count countries, rules, advice, sources and scenarios of a KB (default: the shipped one).

    \b
    Examples:
      compass kb stats
      compass kb stats my-kb --format json
    """
    from .engine.render.authoring import render_stats_text

    result = api.kb_stats(_roots(directories))
    _show(result, output_format, render_stats_text)


@kb.command()
@_KB_DIRECTORIES
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, sarif (2.1.0) for code-scanning viewers, github "
    "for annotations in a GitHub Actions log.",
)
@_output_option("Write the report to this file ('-': standard output), e.g. results.sarif.")
@_FORCE
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="The lowest severity that makes the command exit 1.",
)
@click.option("--list-checks", is_flag=True, help="List every check with its severity.")
@_ALL_LAYERS
def lint(
    directories: tuple[Path, ...],
    *,
    output_format: str,
    output: Path | None,
    force: bool,
    fail_on: str,
    list_checks: bool,
    all_layers: bool,
) -> None:
    """Report every problem in a KB at once, as path:line:col: severity[check] message.

    Checks can be switched off for named items in a 'lint:' file in the KB, with a reason.
    SARIF names each file relative to its KB folder; github names it from the current folder
    (run it from the repository's root).

    \b
    Examples:
      compass kb lint
      compass kb lint my-kb --fail-on warning
      compass kb lint --list-checks
      compass kb lint my-kb --format sarif -o kb-lint.sarif
      compass kb lint my-kb --format github
    """
    from .engine.authoring.lint import Severity
    from .engine.render.authoring import render_checks_text, render_lint_text
    from .engine.render.ci_formats import render_lint_github, render_lint_sarif

    if list_checks:
        click.echo(render_checks_text(), nl=False)
        return
    target = _output_file(output, force=force)
    report = api.kb_lint(_roots(directories), all_layers=all_layers)
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_lint_text(report),
        "json": lambda: json_text(report.model_dump_json(indent=2)) + "\n",
        "sarif": lambda: render_lint_sarif(
            report, api.kb_directories(_roots(directories)), api.tool_version()
        ),
        "github": lambda: render_lint_github(report, api.kb_directories(_roots(directories))),
    }
    _write(renderers[output_format](), target)
    if report.fails(Severity(fail_on)):
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@kb.command(name="test")
@_KB_DIRECTORIES
@_format_option("text", "json")
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JUnit XML to this file, for CI test reports.",
)
@_FORCE
@_ALL_LAYERS
def kb_test(
    directories: tuple[Path, ...],
    output_format: str,
    junit_xml: Path | None,
    force: bool,
    all_layers: bool,
) -> None:
    """Run the expectations of the KB's example scenarios; exit 1 if any fails.

    \b
    Examples:
      compass kb test
      compass kb test my-kb --format json
      compass kb test my-kb --junit-xml kb-tests.xml
    """
    from .engine.render.authoring import render_test_text
    from .engine.render.ci_formats import render_test_junit

    junit_target = _output_file(junit_xml, force=force, option="--junit-xml")
    report = api.kb_test(_roots(directories), all_layers=all_layers)
    _show(report, output_format, render_test_text)
    if junit_target is not None:
        _write(render_test_junit(report), junit_target)
    if not report.ok:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@kb.command(name="coverage")
@_KB_DIRECTORIES
@_format_option("text", "json")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit 1 when the share of rules that fire in at least one scenario (the first line "
    "of the text report) is below PERCENT.",
)
@_ALL_LAYERS
def kb_coverage(
    directories: tuple[Path, ...], output_format: str, fail_under: float | None, all_layers: bool
) -> None:
    """Show what the example scenarios leave untested.

    \b
    Examples:
      compass kb coverage
      compass kb coverage --format json
      compass kb coverage my-kb --fail-under 90
    """
    from .engine.render.authoring import render_coverage_text

    report = api.kb_coverage(_roots(directories), all_layers=all_layers)
    _show(report, output_format, render_coverage_text)
    if fail_under is not None and report.rule_coverage_percent < fail_under:
        click.echo(
            f"rule coverage {report.rule_coverage_percent}% is below --fail-under {fail_under:g}%: "
            f"{report.rules - report.rules_fired} of {report.rules} rules never fired",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@kb.command(name="docs")
@_KB_DIRECTORIES
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the Markdown catalogue into (created if missing).  [required]",
)
@_old_spelling("--out", "output", "-o/--output", click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def kb_docs(directories: tuple[Path, ...], output: Path | None, force: bool) -> None:
    """Write a Markdown catalogue of the KB: rules by topic, advice, findings, cultures, sources.

    \b
    Examples:
      compass kb docs -o kb-docs
    """
    # Not `required=True`: the old spelling --out may be the one given.
    if output is None:
        raise click.UsageError("Missing option '-o' / '--output' (the folder to write into).")
    if str(output) == "-":
        raise _output_problem(output, "the catalogue is many pages", "Give -o a folder name.")
    if output.is_file():
        raise _output_problem(output, "this is a file", "Give -o/--output a folder name.")
    if output.is_dir() and any(output.iterdir()) and not force:
        raise _output_problem(
            output,
            "the folder already holds files, which the catalogue's pages may overwrite",
            "Add --force to write into it anyway, or give -o/--output a new folder.",
        )
    written = api.kb_docs(output, _roots(directories))
    if not _quiet():
        click.echo(
            f"wrote {len(written)} pages to {output} (start at {output / 'index.md'})", err=True
        )


class _SchemaKind(click.Choice[str]):
    """The file kinds `kb schema` knows, read from the table of schemas when click first
    needs them (help, completion, checking the argument): importing that table defines the
    models of every file format, which the commands started far more often do not need."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from .engine.authoring.json_schemas import SCHEMAS

        return tuple(sorted(SCHEMAS))

    @choices.setter
    def choices(self, _given: tuple[str, ...]) -> None:
        """click stores the names it was constructed with (none here); the table decides."""


@kb.command(name="schema")
@click.argument("kind", type=_SchemaKind())
def kb_schema(kind: str) -> None:
    """Print the JSON Schema of a file kind, for editors and CI validators.

    \b
    Examples:
      compass kb schema rule > rule.schema.json
      compass kb schema scenario
    """
    from .engine.authoring.json_schemas import json_schema_text

    click.echo(json_schema_text(kind), nl=False)


@cli.group(name="config")
def config_group() -> None:
    """Show the settings in effect and where the config file is.

    The config file (TOML) sets defaults: `kb` (a list of knowledge-base directories),
    `audit_db`, `format` (of advise and interview), and under `[report]` `prepared_by`,
    `firm`, `prepared_for` and `logo`. $COMPASS_CONFIG names another file.
    """


@config_group.command(name="path")
def config_path_command() -> None:
    """Print where the config file is read from (it need not exist).

    \b
    Examples:
      compass config path
      "$EDITOR" "$(compass config path)"
    """
    from .engine.load.config_location import config_path

    click.echo(str(config_path()))


@config_group.command(name="show")
@_KB_OPTION
@_AUDIT_DB
@_format_option("text", "json")
def config_show(
    kb_root: tuple[Path, ...] | None, audit_db: Path | None, output_format: str
) -> None:
    """Print every setting in effect and where it came from: the default, the config file,
    an environment variable or the command line (--kb and --audit-db, to try them).

    \b
    Examples:
      compass config show
      compass config show --format json
    """
    from click.core import ParameterSource

    ctx = click.get_current_context()
    command_line: dict[str, tuple[str, str]] = {}
    if kb_root:
        command_line["kb"] = ("--kb", ", ".join(map(str, kb_root)))
    if audit_db and ctx.get_parameter_source("audit_db") is ParameterSource.COMMANDLINE:
        command_line["audit_db"] = ("--audit-db", str(audit_db))
    settings = api.config_settings(command_line)
    if output_format == "json":
        _echo_json(settings)
        return
    found = "" if settings.config_file_exists else " (none there: every setting is a default)"
    click.echo(f"config file: {settings.config_file}{found}")
    width = max(len(setting.name) for setting in settings.settings)
    for setting in settings.settings:
        where = f" {setting.where}" if setting.where else ""
        value = setting.value or "(none)"
        click.echo(f"  {setting.name:<{width}}  {value}  [{setting.source}{where}]")


@cli.group(name="cache")
def cache_group() -> None:
    """Show or clear the on-disk caches that make loading a knowledge base fast.

    Each cache keeps at most $COMPASS_CACHE_MAX_MB megabytes (100 by default), dropping the
    least recently used entries; $COMPASS_CACHE_DIR moves them and COMPASS_NO_CACHE=1 turns
    them off. Clearing is always safe: a cache fills again as it is used.
    """


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@cache_group.command(name="info")
@_format_option("text", "json")
def cache_info_command(output_format: str) -> None:
    """Print where each cache is, how many entries and megabytes it holds, and its cap.

    \b
    Examples:
      compass cache info
      compass cache info --format json
    """
    report = api.cache_info()
    if output_format == "json":
        _echo_json(report)
        return
    if report.root is None:
        click.echo("caching is off (COMPASS_NO_CACHE=1)")
        return
    click.echo(f"cache folder: {report.root} (cap {_megabytes(report.cap_bytes)} per cache)")
    if not report.caches:
        click.echo("  (empty)")
    for cache in report.caches:
        click.echo(
            f"  {cache.name:<14} {cache.entries:>6} entries  {_megabytes(cache.size_bytes):>10}"
            f"  of {_megabytes(cache.cap_bytes)}  {cache.path}"
        )


@cache_group.command(name="clear")
def cache_clear_command() -> None:
    """Delete every cache entry (the next load of a knowledge base is slower, once).

    \b
    Examples:
      compass cache clear
      compass cache clear --quiet
    """
    report = api.clear_caches()
    if not _quiet():
        entries = sum(cache.entries for cache in report.caches)
        size = sum(cache.size_bytes for cache in report.caches)
        click.echo(f"removed {entries} cache entries ({_megabytes(size)})")


@cli.group(name="audit")
def audit_group() -> None:
    """Review the tamper-evident record of past advice runs."""


def _kept_head(_context: click.Context, _parameter: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    value = value.strip().lower()
    if len(value) != 64 or any(character not in "0123456789abcdef" for character in value):
        raise click.BadParameter(
            "give the whole head hash (64 hexadecimal characters), as `compass audit verify` "
            "or the last line of `compass audit export` printed it"
        )
    return value


_KEPT_HEAD = click.option(
    "--head",
    "kept_head",
    metavar="HASH",
    callback=_kept_head,
    help="A head hash noted elsewhere earlier: the chain must still pass through it "
    "(a chain cut back before it, or rewritten, fails).",
)


def _who(user: str | None, host: str | None) -> str:
    """``user@host`` for a record that kept them; '-' for one written before they were."""
    if user is None and host is None:
        return "-"
    return f"{user or '?'}@{host or '?'}"


@audit_group.command(name="list")
@_AUDIT_DB
@_format_option("text", "json")
def audit_list(audit_db: Path | None, output_format: str) -> None:
    """List recorded runs, oldest first.

    A record that cannot be read back is listed all the same, marked BROKEN, and the command
    exits 1.

    \b
    Examples:
      compass audit list
      compass audit list --audit-db team-audit.sqlite3 --format json
    """
    runs = api.audit_runs(audit_db or api.audit_database())
    if output_format == "json":
        _echo_json(runs)
    else:
        for run in runs:
            advice = "BROKEN   " if run.problem else f"{run.recommendations:>2} advice"
            click.echo(
                terminal_line(
                    f"{run.sequence:>5}  {run.run_id[:12]}  {run.recorded_at}  KB {run.kb_version}"
                    f"  {advice}  {_who(run.user, run.host)}  {run.scenario_title}"
                )
            )
    broken = [run.sequence for run in runs if run.problem]
    if broken:
        click.echo(
            f"warning: record(s) {', '.join(map(str, broken))} cannot be read back: their stored "
            "data is not in the recorded format; `compass audit verify` checks the chain",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_PROBLEMS)


def _audit_facts(shown: Any) -> dict[str, Any]:
    """What `audit show --format json` adds beside the report: the record's own facts."""
    stored, summary = shown.stored, shown.summary
    return {
        "run_id": summary.run_id,
        "sequence": summary.sequence,
        "recorded_at": summary.recorded_at,
        "tool_version": stored.tool_version,
        "user": summary.user,
        "host": summary.host,
        "kb_layers": [layer.model_dump(mode="json") for layer in stored.layers],
        "verified": shown.trusted,
        "warning": shown.warning,
        "scenario": stored.scenario.model_dump(mode="json"),
    }


@audit_group.command(name="show")
@click.argument("run_id")
@_AUDIT_DB
@_format_option("text", "json")
@click.option("--explain", is_flag=True, help="Show the rules, facts and sources behind each item.")
@_TRACE
@_KEPT_HEAD
def audit_show(
    *,
    run_id: str,
    audit_db: Path | None,
    output_format: str,
    explain: bool,
    trace: bool,
    kept_head: str | None,
) -> None:
    """Show the report of recorded run RUN_ID (a unique prefix is enough), from the record alone.

    The chain is checked first: a record it does not vouch for is shown under a WARNING line
    and the command exits 1. JSON output has the record's facts (run id, time, tool version,
    user, host, KB layers, the scenario as given) under "audit", beside the report's fields.

    \b
    Examples:
      compass audit show 3f2a9c
      compass audit show 3f2a9c --explain
      compass audit show 3f2a9c --format json --trace
    """
    shown = api.audit_show(audit_db or api.audit_database(), run_id, kept_head)
    if shown.stored is None:
        if shown.warning and output_format == "text":
            click.echo(shown.warning)
        raise AuditStoreError(shown.problem)
    stored = shown.stored
    if output_format == "json":
        report = json.loads(render_json(stored.report, trace=trace))
        facts = {"audit": _audit_facts(shown)}
        click.echo(json_text(json.dumps(facts | report, indent=2, ensure_ascii=False)))
    else:
        if shown.warning:
            click.echo(shown.warning + "\n")
        click.echo(
            f"Run {stored.summary.run_id}, recorded {stored.summary.recorded_at} "
            f"by Synergy Compass {stored.tool_version}"
        )
        if stored.summary.user is not None or stored.summary.host is not None:
            click.echo(terminal_line(f"Run by {_who(stored.summary.user, stored.summary.host)}"))
        for layer in stored.layers:
            click.echo(
                terminal_line(
                    f"KB layer {layer.name} {layer.version} ({layer.digest[:12]}) at {layer.path}"
                )
            )
        click.echo()
        _print_text_report(stored.report, explain=explain)
    if not shown.trusted:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@audit_group.command(name="verify")
@_AUDIT_DB
@_format_option("text", "json")
@_KEPT_HEAD
def audit_verify(audit_db: Path | None, output_format: str, kept_head: str | None) -> None:
    """Check the hash chain; exit 1 naming the first altered, deleted or reordered record.

    Note the head hash it prints somewhere the database's writers cannot change; later,
    --head HASH checks that the chain still passes through it.

    \b
    Examples:
      compass audit verify
      compass audit verify --audit-db copy-from-laptop.sqlite3
      compass audit verify --head 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    """
    result = api.audit_verify(audit_db or api.audit_database(), kept_head)
    if output_format == "json":
        _echo_json(result)
    elif result.intact:
        kept = ""
        if result.kept_head_sequence is not None:
            since = result.records - result.kept_head_sequence
            kept = f"; the kept head is record {result.kept_head_sequence}, {since} added since"
        click.echo(
            f"{result.path}: {result.records} records, chain intact (head {result.head_hash})"
            + kept
        )
    else:
        where = (
            f"record {result.first_bad_sequence} (run {result.first_bad_run_id})"
            if result.first_bad_sequence
            else "the end of the chain"
        )
        click.echo(f"{result.path}: BROKEN at {where}: {result.problem}")
    if not result.intact:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@audit_group.command(name="export")
@_AUDIT_DB
@_output_option("Write the JSON Lines to this file ('-': standard output, the default).")
@_FORCE
def audit_export(audit_db: Path | None, output: Path | None, force: bool) -> None:
    """Write the chain as JSON Lines, ending with its head hash.

    One record a line with every stored field, then a trailer line with the head hash; exit 1
    when the chain does not verify (it is exported as stored).

    Anyone can recompute the hashes from the export (SECURITY.md says how); keep the head
    hash from the trailer somewhere the database's writers cannot change.

    \b
    Examples:
      compass audit export -o audit-2026-12.jsonl
      compass audit export | tail -1
    """
    target = _output_file(output, force=force)
    with _opened_output(target) as handle:
        result = api.audit_export(audit_db or api.audit_database(), handle.write)
    if target is not None and not _quiet():
        click.echo(f"wrote {target} ({result.records} records)", err=True)
    if not result.intact:
        click.echo(f"warning: the chain does not verify: {result.problem}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS)


def _layer_lines(replay: Any) -> str:
    """Each recorded KB layer then and now, for `audit replay`."""
    if not replay.layers:
        summary = replay.stored.summary
        return (
            f"The record names no KB layers (written before they were kept): KB digest "
            f"{summary.kb_digest[:12]} then, {replay.current.kb.digest[:12]} now.\n\n"
        )
    lines = ["KB layers, then and now:"]
    for change in replay.layers:
        then, now = (change.digest_then or "")[:12], (change.digest_now or "")[:12]
        what = {
            "unchanged": f"unchanged ({now})",
            "changed": f"CHANGED ({then} then, {now} now"
            + (
                f"; version {change.version_then} then, {change.version_now} now)"
                if change.version_then != change.version_now
                else ")"
            ),
            "not used now": f"NOT USED NOW ({then} then)",
            "new": f"NEW ({now}, not in the recorded run)",
        }[change.status]
        lines.append(f"  {change.name}: {what}  {change.path_now or change.path_then}")
    return "\n".join(lines) + "\n\n"


@audit_group.command(name="replay")
@click.argument("run_id")
@_AUDIT_DB
@_KB_OPTION
@_format_option("text", "json")
def audit_replay(
    run_id: str, audit_db: Path | None, kb_root: tuple[Path, ...] | None, output_format: str
) -> None:
    """Re-run recorded run RUN_ID on today's KB and show how the advice drifted.

    The run is replayed on today's version of the KB layers it used (the same folders; the
    shipped KB as installed now), and each layer is said to be unchanged or changed since. --kb
    replays on other folders instead, as for `compass advise`.

    \b
    Examples:
      compass audit replay 3f2a9c
      compass audit replay 3f2a9c --kb ./moved/my-extension
    """
    from .engine.render.explanations import render_diff_text

    replay = api.audit_replay(audit_db or api.audit_database(), run_id, kb_root)
    if output_format == "json":
        layers = [change.model_dump(mode="json") for change in replay.layers]
        diff = replay.diff.model_dump(mode="json")
        click.echo(
            json.dumps({"run_id": replay.stored.summary.run_id, "layers": layers} | diff, indent=2)
        )
        return
    summary = replay.stored.summary
    recorded = f"run {summary.run_id[:12]} (KB {summary.kb_version}, {summary.kb_digest[:12]})"
    click.echo(_layer_lines(replay), nl=False)
    click.echo(render_diff_text(replay.diff, recorded, "the current knowledge base"), nl=False)


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
