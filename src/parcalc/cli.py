"""The command line: parse options, call the library, pick a reporter. Nothing else lives here."""

import contextlib
import copy
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from parcalc import __version__
from parcalc.core.issues import InputError, Problem, UsageError, did_you_mean
from parcalc.data.loading import resolve_files

if TYPE_CHECKING:
    from parcalc.analysis.calc import Query
    from parcalc.analysis.columnar import ColumnarResult
    from parcalc.analysis.grouping import Grouping
    from parcalc.data.dataset import Dataset
    from parcalc.reports.model import Report
    from parcalc.targets.check import Filters

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
    if fmt in BINARY_FORMATS and output in (None, "-") and sys.stdout.isatty():
        _fail(EXIT_USAGE, f"{fmt} output is a binary file: name it with -o report.{fmt} (or redirect the output)")
    return fmt


def choose_lang(lang: str | None, file_lang: str | None = None) -> str:
    chosen = lang or file_lang or "vi"
    if chosen not in ("vi", "en"):
        _fail(EXIT_USAGE, f"unknown language {chosen!r}; choose vi or en")
    return chosen


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


def _check_findings(problems: Sequence[Problem], strict: bool, quiet: bool, lang: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors or (strict and warnings):
        _problems_to_stderr([*errors, *warnings], lang)
        raise typer.Exit(EXIT_INVALID)
    if not quiet:
        _problems_to_stderr(warnings, lang)


FORMATS = ("table", "json", "csv", "markdown", "text", "xlsx", "html")


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
    with handled(debug, lang):
        from parcalc.analysis import calc, grouping
        from parcalc.data import dataset
        from parcalc.reporters import output as out
        from parcalc.reports.compute import compute_report
        from parcalc.reports.model import Options

        chosen = choose_format(fmt, output, FORMATS)
        how = build_grouping(grain, by, compare, total)
        names = resolve_files(files)
        out.check_target(output, names)

        def query_for(loaded: "Dataset") -> "Query":
            choose_lang(lang, loaded.settings.lang)  # a bad --lang is reported before a bad --period
            return build_query(loaded, period, level, unit, metrics)

        fast = _columnar(names, how, query_for)  # large CSV sheets: the same result, computed in DuckDB
        if fast is not None:
            data, result, found = fast.dataset, fast.result, fast.problems
        else:
            data = dataset.load(names)
            query = query_for(data)
            rows = calc.analyse_all(data, metrics=not how.active)
            try:
                result = grouping.roll_up(data, rows, how, query) if how.active else calc.compute(data, query, rows)
            except grouping.GroupingError as exc:
                raise UsageError(str(exc)) from None
            found = result.run_problems(rows)
        language = choose_lang(lang, data.settings.lang)
        _check_findings(found, strict, quiet, language)
        emit(lambda: compute_report(result, Options(language, precision)), chosen, language, precision, output)


def _columnar(
    names: Sequence[str], how: "Grouping", make_query: Callable[["Dataset"], "Query"]
) -> "ColumnarResult | None":
    if not how.active:
        return None
    from parcalc.analysis.columnar import try_compute
    from parcalc.analysis.grouping import GroupingError

    try:
        return try_compute(names, how, make_query)
    except GroupingError as exc:
        raise UsageError(str(exc)) from None


def build_grouping(grain: str | None, by: Sequence[str] | None, compare: str | None, total: bool | None) -> "Grouping":
    from parcalc.analysis.grouping import COMPARE_CHOICES, Grouping, GroupingError, parse_by
    from parcalc.core.periods import Grain, PeriodError

    try:
        chosen_grain = Grain.parse(grain) if grain is not None else None
        if compare is not None and compare not in COMPARE_CHOICES:
            raise UsageError(f"--compare: unknown comparison {compare!r}; choose previous or last-year")
        return Grouping(chosen_grain, parse_by(split(by)), total, compare)
    except (PeriodError, GroupingError) as exc:
        raise UsageError(f"--grain: {exc}" if isinstance(exc, PeriodError) else str(exc)) from None


def build_query(
    data: "Dataset",
    period: Sequence[str] | None,
    level: Sequence[str] | None,
    unit: Sequence[str] | None,
    metrics: Sequence[str] | None,
) -> "Query":
    from parcalc.analysis.calc import Query
    from parcalc.core.periods import PeriodError

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
        from parcalc.analysis import calc
        from parcalc.data import dataset
        from parcalc.reporters import output as out
        from parcalc.reports.model import Options
        from parcalc.reports.validate import validate_report

        chosen = choose_format(fmt, output, FORMATS)
        names = resolve_files(files)
        out.check_target(output, names)
        language = choose_lang(lang)
        try:
            data = dataset.load(names)
            rows = calc.analyse_all(data)
            problems = [*(p for r in rows for p in r.problems), *calc.carry_over_gaps(data, rows)]
            language = choose_lang(lang, data.settings.lang)
        except InputError as exc:
            problems = exc.problems
        options = Options(language)
        emit(lambda: validate_report(problems, options), chosen, language, 2, output)
        failed = any(p.severity == "error" for p in problems) or (strict and problems)
        if failed:
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
        from parcalc.core.metrics import Registry
        from parcalc.data import dataset
        from parcalc.reports.catalogue import metrics_report
        from parcalc.reports.model import Options

        chosen = choose_format(fmt, output, FORMATS)
        from parcalc.reporters.output import check_target

        check_target(output, files or ())
        registry = dataset.load(files).registry if files else Registry()
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


TargetFiles = Annotated[
    list[str] | None,
    typer.Option("--targets", "-t", help="a TOML file of [[targets]] (repeat for several)", show_default=False),
]
Presets = Annotated[
    list[str] | None,
    typer.Option("--preset", help="a shipped set of targets, e.g. qd766-2022 (see --list-presets)", show_default=False),
]


def build_filters(
    data: "Dataset",
    period: Sequence[str] | None,
    level: Sequence[str] | None,
    unit: Sequence[str] | None,
    names: Sequence[str] | None,
) -> "Filters":
    from parcalc.targets.check import Filters

    query = build_query(data, period, None, None, None)
    levels, units, wanted = split(level), split(unit), split(names)
    for chosen in levels:
        if chosen not in data.settings.levels:
            hint = did_you_mean(chosen, data.settings.levels)
            raise UsageError(f"--level: {chosen!r} is not one of {', '.join(data.settings.levels)}{hint}")
    known = [p.target.name for p in data.targets]
    for name in wanted:
        if name not in known:
            raise UsageError(f"--target: no target named {name!r}{did_you_mean(name, known)}")
    return Filters(query.periods, levels, units, wanted)


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
    with handled(debug, lang):
        from parcalc.analysis import calc
        from parcalc.reporters import output as out
        from parcalc.reports.model import Options
        from parcalc.reports.targets import presets_report, targets_report
        from parcalc.targets import check as targets
        from parcalc.targets import presets as preset

        chosen = choose_format(fmt, output, FORMATS)
        if list_presets:
            language = choose_lang(lang)
            shipped = list(preset.available().values())
            emit(lambda: presets_report(shipped, Options(language)), chosen, language, precision, output)
            return
        names_in = resolve_files(files)
        extra = list(targets_files or ())
        out.check_target(output, [*names_in, *extra])
        data = preset.load_dataset(names_in, extra, split(presets))
        language = choose_lang(lang, data.settings.lang)
        if not data.targets:
            raise UsageError("no targets to check: add [[targets]] to a data file, or use --targets FILE or --preset")
        filters = build_filters(data, period, level, unit, names)
        rows = calc.analyse_all(data)
        result = targets.evaluate(data, rows, filters, fail_on_no_data)
        _check_findings([*(p for r in rows for p in r.problems), *result.problems], strict, quiet, language)
        emit(lambda: targets_report(result, Options(language, precision)), chosen, language, precision, output)
        summary = result.summary
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
    with handled(debug, lang):
        from parcalc.analysis import calc
        from parcalc.reporters import output as out
        from parcalc.reports.model import Options
        from parcalc.reports.targets import rank_report
        from parcalc.targets import check as targets
        from parcalc.targets import presets as preset
        from parcalc.targets import ranking

        chosen = choose_format(fmt, output, FORMATS)
        names_in = resolve_files(files)
        extra = list(targets_files or ())
        out.check_target(output, [*names_in, *extra])
        data = preset.load_dataset(names_in, extra, split(presets))
        language = choose_lang(lang, data.settings.lang)
        by = None
        if metric is not None:
            by = data.registry.get(metric)
            if by is None:
                raise UsageError(f"--metric: unknown metric {metric!r}{did_you_mean(metric, set(data.registry))}")
        try:
            rules = ranking.read_bands(bands, by) if bands else ranking.dataset_bands(data, by)
        except ValueError as exc:
            raise UsageError(f"--bands: {exc}") from None
        filters = build_filters(data, period, level, None, None)
        rows = calc.analyse_all(data)
        if by is not None:
            result = ranking.by_metric(data, rows, by, rules, ascending, filters.periods, filters.levels)
            found = [*(p for r in rows for p in r.problems), *result.problems]
        else:
            if not any(p.values.points is not None for p in data.targets):
                raise UsageError("no target carries points: add points = ... to [[targets]], or rank by --metric")
            checked = targets.evaluate(data, rows, filters)
            result = ranking.by_points(checked, rules)
            found = [*(p for r in rows for p in r.problems), *checked.problems]
        _check_findings(found, strict, quiet, language)
        emit(lambda: rank_report(result, Options(language, precision)), chosen, language, precision, output)


INGEST_FORMATS = ("toml", "csv", "json")


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
    with handled(debug, None):
        from datetime import date

        from parcalc.core.periods import Grain, PeriodError
        from parcalc.ingest import IngestError, format_for, render
        from parcalc.ingest import ingest as run_ingest
        from parcalc.reporters import output as out

        try:
            chosen_grain = Grain.parse(grain)
        except PeriodError as exc:
            raise UsageError(str(exc)) from None
        try:
            as_of_date = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise UsageError(f"--as-of {as_of!r} is not a date (write it as 2022-09-30)") from None
        if fmt is not None and fmt not in INGEST_FORMATS:
            _fail(EXIT_USAGE, f"unknown format {fmt!r}; choose one of {', '.join(INGEST_FORMATS)}")
        out.check_target(output, records)
        try:
            chosen = fmt or format_for(output)
            with _ingest_progress(quiet) as progress:
                result = run_ingest(
                    records,
                    chosen_grain,
                    as_of=as_of_date,
                    column_map=columns,
                    start_day=start_day,
                    strict=strict,
                    progress=progress,
                    max_bad_rows=max_bad_rows,
                )
        except IngestError as exc:
            _fail(EXIT_INVALID, str(exc))
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
        out.write(content, output)


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
