"""Every `compass` command but `advise`: cli.py's group imports this module the first time one
of them is asked for, or listed (help, shell completion), and adds them.

`compass advise` is started far more often than anything else, and defining the other commands'
hundred-odd options took about as long as its first line of output takes to compute for a
small scenario; the shared options, helpers and error handling stay in cli.py.
"""

# Commands import what only they use inside their bodies, as in cli.py: each command's start
# pays for its own modules, not for every other command's.

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .cli import (
    _AUDIT_DB,
    _FORCE,
    _KB_OPTION,
    _QUIET,
    _SCENARIO,
    _TRACE,
    EXIT_PROBLEMS,
    _audit_path,
    _CompassCommand,
    _CompassSubgroup,
    _echo_json,
    _format_option,
    _old_spelling,
    _opened_output,
    _output_file,
    _output_option,
    _output_problem,
    _print_text_report,
    _quiet,
    _render_report,
    _show,
    _write,
    _write_pdf,
)
from .engine import api
from .engine.errors import AuditStoreError
from .engine.render.safe_text import json_text, plain_text, terminal_line
from .engine.render.text import render_json

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


@click.command(cls=_CompassCommand)
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


@click.command(cls=_CompassCommand)
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


@click.command(cls=_CompassCommand, name="new")
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


@click.command(cls=_CompassCommand, name="profile")
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


@click.command(cls=_CompassCommand)
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


@click.command(cls=_CompassCommand, name="compare")
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


@click.command(cls=_CompassCommand, name="team")
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


@click.command(cls=_CompassCommand)
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


@click.command(cls=_CompassCommand, name="explain")
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


@click.command(cls=_CompassCommand)
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


@click.group(cls=_CompassSubgroup, name="scenario")
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


@click.group(cls=_CompassSubgroup)
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


@click.group(cls=_CompassSubgroup, name="config")
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


@click.group(cls=_CompassSubgroup, name="cache")
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


@click.group(cls=_CompassSubgroup, name="audit")
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


# The commands and groups cli.py's group adds, by the name each is called with.
COMMANDS: tuple[click.Command, ...] = (
    batch,
    interview,
    new_command,
    profile_command,
    serve,
    compare_command,
    team_command,
    countries,
    explain_command,
    whatif,
    scenario_group,
    kb,
    config_group,
    cache_group,
    audit_group,
)
