"""The command line: parse options, call the library, pick a reporter. Nothing else lives here."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from parcalc import __version__
from parcalc.issues import InputError, Problem, did_you_mean
from parcalc.loading import UsageError, resolve_files

if TYPE_CHECKING:
    from parcalc.calc import Query
    from parcalc.dataset import Dataset
    from parcalc.report import Report

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
    typer.Argument(help="TOML data files ('-' reads standard input); default: data.toml", show_default=False),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, csv or markdown; default: table on a terminal, json when piped, "
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

SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".txt": "table"}


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(f"parcalc: {message}", err=True)
    raise typer.Exit(code)


def _problems_to_stderr(problems: Sequence[Problem], lang: str) -> None:
    for problem in problems:
        typer.echo(problem.line_text(lang), err=True)


@contextmanager
def handled(debug: bool, lang: str | None) -> Iterator[None]:
    """Known failures become one line and an exit code; a traceback only with --debug."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as exc:
        _problems_to_stderr(exc.problems, lang or "vi")
        raise typer.Exit(EXIT_INVALID) from None
    except UsageError as exc:
        _fail(EXIT_USAGE, str(exc))
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except RecursionError:
        _fail(EXIT_INVALID, "the input is nested too deeply to read")
    except MemoryError:
        _fail(EXIT_INVALID, "the input is too large to process in the available memory")
    except Exception as exc:
        if debug:
            raise
        _fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def split(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


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
    return fmt


def choose_lang(lang: str | None, file_lang: str | None = None) -> str:
    chosen = lang or file_lang or "vi"
    if chosen not in ("vi", "en"):
        _fail(EXIT_USAGE, f"unknown language {chosen!r}; choose vi or en")
    return chosen


def emit(build: Callable[[], Report], fmt: str, lang: str, precision: int, output: str | None) -> None:
    """Render a report and write it; rendering finishes before anything is written."""
    from parcalc.output import write
    from parcalc.report import Options
    from parcalc.reporters import render

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


def _check_findings(problems: Sequence[Problem], strict: bool, quiet: bool, lang: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors or (strict and warnings):
        _problems_to_stderr([*errors, *warnings], lang)
        raise typer.Exit(EXIT_INVALID)
    if not quiet:
        _problems_to_stderr(warnings, lang)


FORMATS = ("table", "json", "csv", "markdown")


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
    precision: Precision = 2,
    strict: Strict = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Figures -> counts and rates, per period / level / unit."""
    with handled(debug, lang):
        from parcalc import calc, dataset
        from parcalc import output as out
        from parcalc.report import Options, compute_report

        chosen = choose_format(fmt, output, FORMATS)
        names = resolve_files(files)
        out.check_target(output, names)
        data = dataset.load(names)
        language = choose_lang(lang, data.settings.lang)
        query = build_query(data, period, level, unit, metrics)
        rows = calc.analyse_all(data)
        result = calc.compute(data, query, rows)
        _check_findings([p for r in rows for p in r.problems], strict, quiet, language)
        emit(lambda: compute_report(result, Options(language, precision)), chosen, language, precision, output)


def build_query(
    data: Dataset,
    period: Sequence[str] | None,
    level: Sequence[str] | None,
    unit: Sequence[str] | None,
    metrics: Sequence[str] | None,
) -> Query:
    from parcalc.calc import Query
    from parcalc.periods import PeriodError

    periods = []
    for text in split(period):
        try:
            periods.append(data.parse_period(text))
        except PeriodError as exc:
            raise UsageError(f"--period: {exc}") from None
    metric_ids = split(metrics)
    for metric_id in metric_ids:
        if metric_id not in data.registry:
            raise UsageError(f"--metrics: unknown metric {metric_id!r}{did_you_mean(metric_id, set(data.registry))}")
    return Query(tuple(periods), split(level), split(unit), metric_ids)


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
    with handled(debug, lang):
        from parcalc import calc, dataset
        from parcalc import output as out
        from parcalc.report import Options, validate_report

        chosen = choose_format(fmt, output, FORMATS)
        names = resolve_files(files)
        out.check_target(output, names)
        language = choose_lang(lang)
        try:
            data = dataset.load(names)
            problems = [p for r in calc.analyse_all(data) for p in r.problems]
            language = choose_lang(lang, data.settings.lang)
        except InputError as exc:
            problems = exc.problems
        options = Options(language)
        emit(lambda: validate_report(problems, options), chosen, language, 2, output)
        failed = any(p.severity == "error" for p in problems) or (strict and problems)
        if failed:
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
        from parcalc import dataset
        from parcalc.metrics import Registry
        from parcalc.report import Options, metrics_report

        chosen = choose_format(fmt, output, FORMATS)
        registry = dataset.load(files).registry if files else Registry()
        language = choose_lang(lang)
        emit(lambda: metrics_report(registry, Options(language)), chosen, language, 2, output)


@app.command()
def schema(output: Output = None, debug: Debug = False) -> None:
    """JSON Schema of the data file, for editors that validate TOML."""
    with handled(debug, None):
        import json

        from parcalc.model import json_schema
        from parcalc.output import write

        write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", output)


def main() -> None:
    """The console script: quiet on a closed pipe and on Ctrl-C."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
