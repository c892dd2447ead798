"""The command line: parse options, call parcalc.api, render the result. Nothing else lives here.

Each command is the api function of the same name with its options in front and a reporter behind;
what is shared by several commands (options, the error-to-exit-code mapping, warnings on standard
error, choosing the format and the language) is defined once below.
"""

import contextlib
import copy
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from parcalc import __version__
from parcalc.core.issues import InputError, Problem, UsageError, did_you_mean
from parcalc.data.loading import resolve_files

if TYPE_CHECKING:
    from parcalc.analysis.engine import Outcome
    from parcalc.reports.model import Report

EXIT_OK, EXIT_MISSED, EXIT_USAGE, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130

app = typer.Typer(
    name="parcalc",
    help="Administrative-procedure dossier statistics: counts in, validated rates and targets out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Files = Annotated[
    list[str] | None,
    typer.Argument(
        help="data files: TOML (or JSON), and CSV/XLSX figures sheets; '-' reads standard input; default: data.toml",
        show_default=False,
    ),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, csv, markdown, text, xlsx or html; default: table on a terminal, json when piped, "
        "or the --output file's suffix",
        show_default=False,
    ),
]
Lang = Annotated[
    str | None,
    typer.Option("--lang", help="vi or en (labels and number style); default: the file's, else vi"),
]
Output = Annotated[
    str | None,
    typer.Option("--output", "-o", help="write to this file (atomically) instead of standard output"),
]
Precision = Annotated[int, typer.Option("--precision", min=0, max=6, help="decimals shown for percentages")]
Strict = Annotated[bool, typer.Option("--strict", help="treat warnings as errors (exit 3)")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="do not print warnings on standard error")]
Debug = Annotated[bool, typer.Option("--debug", help="show a traceback for internal errors")]
Filter = Annotated[
    list[str] | None,
    typer.Option(help="keep only these (repeat or separate with commas)", show_default=False),
]
TargetFiles = Annotated[
    list[str] | None,
    typer.Option("--targets", "-t", help="a TOML file of [[targets]] (repeat for several)", show_default=False),
]
Presets = Annotated[
    list[str] | None,
    typer.Option("--preset", help="a shipped set of targets, e.g. qd766-2022 (see --list-presets)", show_default=False),
]

SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".txt": "text",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}
BINARY_FORMATS = ("xlsx",)
FORMATS = ("table", "json", "csv", "markdown", "text", "xlsx", "html")
INGEST_FORMATS = ("toml", "csv", "json")


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(f"parcalc: {message}", err=True)
    raise typer.Exit(code)


def _problems_to_stderr(problems: Sequence[Problem], lang: str) -> None:
    for problem in problems:
        typer.echo(problem.line_text(lang), err=True)


@dataclass
class _Messages:
    """The language problems are written in on standard error: --lang, then the files' own once read."""

    lang: str

    def settle(self, lang: str) -> str:
        self.lang = lang
        return lang


@contextmanager
def handled(debug: bool, lang: str | None) -> Iterator[_Messages]:
    """Known failures become one line and an exit code; a traceback only with --debug."""
    messages = _Messages(lang or "vi")
    try:
        yield messages
    except typer.Exit:
        raise
    except InputError as exc:
        _problems_to_stderr(exc.problems, messages.lang)
        raise typer.Exit(EXIT_INVALID) from None
    except UsageError as exc:
        _fail(EXIT_USAGE, f"--{exc.option.replace('_', '-')}: {exc.message}" if exc.option else exc.message)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head` where SIGPIPE does not exist): stop quietly, as the reader asked.
        _silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except RecursionError:
        _fail(EXIT_INVALID, "the input is nested too deeply to read")
    except MemoryError:
        _fail(EXIT_INVALID, "the input is too large to process in the available memory")
    except Exception as exc:
        if debug:
            raise
        _fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def _silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _terminated(signum: int, frame: object) -> None:
    # An exception, unlike the default action, unwinds the stack: a half-written output file is removed.
    raise SystemExit(128 + signum)


def choose_format(fmt: str | None, output: str | None, allowed: Sequence[str]) -> str:
    if fmt is None:
        if output and output != "-":
            fmt = SUFFIX_FORMATS.get(Path(output).suffix.lower(), "json")
        else:
            fmt = "table" if sys.stdout.isatty() else "json"
    if fmt not in allowed:
        _fail(
            EXIT_USAGE,
            f"unknown format {fmt!r}; choose one of {', '.join(allowed)}{did_you_mean(fmt, allowed)}",
        )
    if fmt in BINARY_FORMATS and output in (None, "-") and sys.stdout.isatty():
        _fail(EXIT_USAGE, f"{fmt} output is a binary file: name it with -o report.{fmt} (or redirect the output)")
    return fmt


def choose_lang(lang: str | None, file_lang: str | None = None) -> str:
    chosen = lang or file_lang or "vi"
    if chosen not in ("vi", "en"):
        _fail(EXIT_USAGE, f"unknown language {chosen!r}; choose vi or en")
    return chosen


def _inputs(files: Sequence[str] | None, output: str | None, *extra: str) -> list[str]:
    """The data files to read (data.toml by default), once the output is known not to overwrite one."""
    from parcalc.reporters.output import check_output_path

    names = resolve_files(files)
    check_output_path(output, [*names, *extra])
    return names


def _findings(outcome: "Outcome[Any]", strict: bool, quiet: bool, lang: str) -> None:
    """Errors (and with --strict, warnings) end the run with exit 3; other warnings go to standard error."""
    outcome.raise_for_errors(strict)
    if not quiet:
        _problems_to_stderr(outcome.warnings, lang)


def emit(build: Callable[[], "Report"], fmt: str, lang: str, precision: int, output: str | None) -> None:
    """Render a report and write it; rendering finishes before anything is written."""
    from parcalc.reporters import render
    from parcalc.reporters.output import write
    from parcalc.reports.model import Options

    color = fmt == "table" and output in (None, "-") and sys.stdout.isatty()
    write(render(fmt, build(), Options(lang=lang, precision=precision, color=color)), output)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"parcalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """parcalc: administrative-procedure (TTHC) statistics for Vietnam."""


@app.command()
def compute(
    files: Files = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    period: Filter = None,
    level: Filter = None,
    unit: Filter = None,
    metrics: Annotated[
        list[str] | None, typer.Option("--metrics", "-m", help="metric ids to report (default: all)")
    ] = None,
    grain: Annotated[
        str | None, typer.Option("--grain", help="roll up to month, quarter, half or year", show_default=False)
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="group by level, unit and/or period (repeat or separate with commas)"),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="add the previous or last-year period and the change", show_default=False),
    ] = None,
    total: Annotated[
        bool | None,
        typer.Option("--total/--no-total", help="add a total row (default: with --by level or unit)"),
    ] = None,
    precision: Precision = 2,
    strict: Strict = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Figures -> counts and rates, per period / level / unit."""
    with handled(debug, lang) as messages:
        from parcalc import api
        from parcalc.reports.compute import compute_report
        from parcalc.reports.model import Options

        chosen = choose_format(fmt, output, FORMATS)
        if lang is not None:
            choose_lang(lang)  # a bad --lang is reported before a bad --period
        outcome = api.compute(
            _inputs(files, output),
            period=period,
            level=level,
            unit=unit,
            metrics=metrics,
            grain=grain,
            by=by,
            compare=compare,
            total=total,
        )
        language = messages.settle(choose_lang(lang, outcome.dataset.settings.lang))
        _findings(outcome, strict, quiet, language)
        emit(lambda: compute_report(outcome.result, Options(language, precision)), chosen, language, precision, output)


@app.command()
def validate(
    files: Files = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    strict: Strict = False,
    debug: Debug = False,
) -> None:
    """Only the validation and consistency report (exit 3 when there are errors)."""
    with handled(debug, lang) as messages:
        from parcalc import api
        from parcalc.reports.model import Options
        from parcalc.reports.validate import validate_report

        chosen = choose_format(fmt, output, FORMATS)
        names = _inputs(files, output)
        choose_lang(lang)
        checked = api.validate(names)
        language = messages.settle(choose_lang(lang, checked.lang))
        problems = checked.problems
        emit(lambda: validate_report(problems, Options(language)), chosen, language, 2, output)
        if not checked.valid or (strict and problems):
            if output not in (None, "-"):  # the report is in the file: say why the exit code is 3
                errors = sum(p.severity == "error" for p in problems)
                _fail(EXIT_INVALID, f"{errors} errors, {len(problems) - errors} warnings; the report is in {output}")
            raise typer.Exit(EXIT_INVALID)


@app.command("metrics")
def metrics_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="data files whose custom [[metrics]] to include", show_default=False),
    ] = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """The metric catalogue: id, label (vi, en) and formula."""
    with handled(debug, lang):
        from parcalc import api
        from parcalc.reporters.output import check_output_path
        from parcalc.reports.catalogue import metrics_report
        from parcalc.reports.model import Options

        chosen = choose_format(fmt, output, FORMATS)
        check_output_path(output, files or ())
        registry = api.catalogue(files or None)
        language = choose_lang(lang)
        emit(lambda: metrics_report(registry, Options(language)), chosen, language, 2, output)


@app.command()
def schema(output: Output = None, debug: Debug = False) -> None:
    """JSON Schema of the data file, for editors that validate TOML."""
    with handled(debug, None):
        import json

        from parcalc.data.schema import json_schema
        from parcalc.reporters.output import write

        write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", output)


@app.command("report")
@functools.wraps(compute)
def report(**options: Any) -> None:
    output = options.get("output")
    if options.get("fmt") is None:
        suffix = Path(output).suffix.lower() if output and output != "-" else ""
        options["fmt"] = SUFFIX_FORMATS.get(suffix, "text")
    compute(**options)


# functools.wraps copied compute's options (so that report keeps up with them) and its help text too.
report.__doc__ = "The compute report as the paragraphs an office writes: compute with --format text by default."


@app.command("check-targets")
def check_targets(
    files: Files = None,
    targets_files: TargetFiles = None,
    presets: Presets = None,
    list_presets: Annotated[bool, typer.Option("--list-presets", help="list the shipped presets and exit")] = False,
    names: Annotated[
        list[str] | None, typer.Option("--target", help="check only these targets, by name", show_default=False)
    ] = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    period: Filter = None,
    level: Filter = None,
    unit: Filter = None,
    fail_on_no_data: Annotated[
        bool, typer.Option("--fail-on-no-data", help="count a target without data as missed (exit 1)")
    ] = False,
    precision: Precision = 2,
    strict: Strict = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Targets -> met / missed / no data, with the shortfall (exit 1 when any is missed)."""
    with handled(debug, lang) as messages:
        from parcalc import api
        from parcalc.reports.model import Options
        from parcalc.reports.targets import presets_report, targets_report

        chosen = choose_format(fmt, output, FORMATS)
        if list_presets:
            language = choose_lang(lang)
            shipped = api.shipped_presets()
            emit(lambda: presets_report(shipped, Options(language)), chosen, language, precision, output)
            return
        extra = list(targets_files or ())
        data = api.load(_inputs(files, output, *extra), targets=extra, presets=presets)
        language = messages.settle(choose_lang(lang, data.settings.lang))
        if not data.targets:
            raise UsageError("no targets to check: add [[targets]] to a data file, or use --targets FILE or --preset")
        outcome = api.check_targets(
            data, target=names, period=period, level=level, unit=unit, fail_on_no_data=fail_on_no_data
        )
        _findings(outcome, strict, quiet, language)
        emit(lambda: targets_report(outcome.result, Options(language, precision)), chosen, language, precision, output)
        summary = outcome.result.summary
        if summary["no_data"] and not quiet:
            typer.echo(
                f"parcalc: {summary['no_data']} target result(s) without data; --fail-on-no-data counts them as missed",
                err=True,
            )
        if summary["missed"]:
            raise typer.Exit(EXIT_MISSED)


@app.command()
def rank(
    files: Files = None,
    targets_files: TargetFiles = None,
    presets: Presets = None,
    metric: Annotated[
        str | None, typer.Option("--metric", "-m", help="rank by this metric instead of by points", show_default=False)
    ] = None,
    bands: Annotated[
        str | None,
        typer.Option("--bands", help='bands, best first: "A=90%,B=80%,C=70%" (share of the points) or "tốt=80,khá=65"'),
    ] = None,
    ascending: Annotated[bool, typer.Option("--ascending", help="lower is better (late_rate, ...)")] = False,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    period: Filter = None,
    level: Filter = None,
    precision: Precision = 2,
    strict: Strict = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Rank units by the points their targets score, or by one metric, with bands (tốt / khá / ...)."""
    with handled(debug, lang) as messages:
        from parcalc import api
        from parcalc.reports.model import Options
        from parcalc.reports.targets import rank_report

        chosen = choose_format(fmt, output, FORMATS)
        extra = list(targets_files or ())
        data = api.load(_inputs(files, output, *extra), targets=extra, presets=presets)
        language = messages.settle(choose_lang(lang, data.settings.lang))
        outcome = api.rank(data, metric=metric, bands=bands, ascending=ascending, period=period, level=level)
        _findings(outcome, strict, quiet, language)
        emit(lambda: rank_report(outcome.result, Options(language, precision)), chosen, language, precision, output)


@app.command()
def ingest(
    records: Annotated[
        list[str],
        typer.Argument(help="dossier records: .csv (comma or semicolon), .parquet or .xlsx", show_default=False),
    ],
    grain: Annotated[str, typer.Option("--grain", help="month, quarter, half or year")] = "month",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="the date the records describe (YYYY-MM-DD); default: their latest date"),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option("--columns", "-c", help="column map (TOML or JSON): contract column = your header"),
    ] = None,
    start_day: Annotated[
        int, typer.Option("--start-day", min=1, max=28, help="first day of a reporting month (15: 15th to 14th)")
    ] = 1,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="toml, csv or json; default: the --output suffix, else toml"),
    ] = None,
    output: Output = None,
    max_bad_rows: Annotated[int, typer.Option("--max-bad-rows", min=0, help="bad rows listed on standard error")] = 20,
    strict: Annotated[
        bool, typer.Option("--strict", help="any bad row is an error (exit 3), nothing is written")
    ] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Dossier-level records -> figures (a TOML data file that compute and check-targets read)."""
    with handled(debug, "en"):  # ingest's messages quote DuckDB and the files, in English
        from parcalc import api
        from parcalc.ingest import format_for, render
        from parcalc.reporters.output import check_output_path, write

        if fmt is not None and fmt not in INGEST_FORMATS:
            _fail(EXIT_USAGE, f"unknown format {fmt!r}; choose one of {', '.join(INGEST_FORMATS)}")
        check_output_path(output, records)
        chosen = fmt or format_for(output)
        with _ingest_progress(quiet) as progress:
            result = api.ingest(
                records,
                grain,
                as_of=as_of,
                columns=columns,
                start_day=start_day,
                strict=strict,
                progress=progress,
                max_bad_rows=max_bad_rows,
            )
        content = render(result, chosen)
        if not quiet:
            for bad in result.bad_rows:
                typer.echo(f"parcalc: warning: {bad}", err=True)
            if result.bad_row_count:
                shown = f" (first {len(result.bad_rows)} listed)" if result.bad_row_count > len(result.bad_rows) else ""
                typer.echo(
                    f"parcalc: warning: {result.bad_row_count} bad record row(s) left out of the figures{shown};"
                    " --strict makes them an error",
                    err=True,
                )
            if result.after_as_of:
                typer.echo(
                    f"parcalc: note: {result.after_as_of} dossier(s) received after {result.as_of} are not counted",
                    err=True,
                )
        write(content, output)


@contextmanager
def _ingest_progress(quiet: bool) -> Iterator[Callable[[str, float | None], None] | None]:
    """A Rich progress bar on standard error when it is a terminal; nothing when piped."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=1.0)

        def update(stage: str, fraction: float | None) -> None:
            bar.update(task, description=stage, completed=fraction or 0.0)

        yield update


def _app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command being run.

    Typer builds the options of every command on each start, which costs more than computing a small
    file (benchmarks/startup). The top-level help, shell completion and unknown names get the whole app.
    """
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    if first is None or any(key.endswith("_COMPLETE") for key in os.environ):
        return app
    chosen = [
        info
        for info in app.registered_commands
        if (info.name or typer.main.get_command_name(info.callback.__name__ if info.callback else "")) == first
    ]
    if not chosen:
        return app
    only = copy.copy(app)
    only.registered_commands = chosen
    return only


def main() -> None:
    """The console script: quiet on a closed pipe and on Ctrl-C."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, _terminated)
    try:
        _app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_OK)
