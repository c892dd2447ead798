"""The command line: parse options, call parcalc.api, render the result. Nothing else lives here.

Each command is the api function of the same name with its options in front and a reporter behind.
What several commands share is defined once below: every option (one Annotated alias each), the mapping
of errors to exit codes, warnings on standard error, and the choice of format and language.
"""

import copy
import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcalc import __version__
from parcalc.core.issues import UsageError
from parcalc.data.loading import resolve_files
from parcalc.exits import EXIT_INVALID, EXIT_MISSED, fail, handled, problems_to_stderr

if TYPE_CHECKING:
    from parcalc.analysis.engine import Outcome
    from parcalc.reports.model import Report

INGEST_FORMATS = ("toml", "csv", "json")

app = typer.Typer(
    name="parcalc",
    help="Administrative-procedure dossier statistics: counts in, validated rates and targets out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _option(*names: str, help: str) -> Any:
    return typer.Option(*names, help=help, show_default=False)


Files = Annotated[
    list[str] | None,
    typer.Argument(
        help="data files: TOML (or JSON), and CSV/XLSX figures sheets; '-' reads standard input; default: data.toml",
        show_default=False,
    ),
]
FORMAT_HELP = (
    "table, json, csv, markdown, text, xlsx or html; default: table on a terminal, json when piped, or -o's suffix"
)
Format = Annotated[str | None, _option("--format", "-f", help=FORMAT_HELP)]
Lang = Annotated[str | None, _option("--lang", help="vi or en (labels and number style); default: the file's, else vi")]
Output = Annotated[
    str | None, _option("--output", "-o", help="write to this file (atomically) instead of standard output")
]
Precision = Annotated[int, typer.Option("--precision", min=0, max=6, help="decimals shown for percentages")]
Strict = Annotated[bool, typer.Option("--strict", help="treat warnings as errors (exit 3)")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="do not print warnings on standard error")]
Debug = Annotated[bool, typer.Option("--debug", help="show a traceback for internal errors")]
Filter = Annotated[list[str] | None, _option(help="keep only these (repeat or separate with commas)")]
Metrics = Annotated[list[str] | None, _option("--metrics", "-m", help="metric ids to report (default: all)")]
Grain = Annotated[str | None, _option("--grain", help="roll up to month, quarter, half or year")]
By = Annotated[list[str] | None, _option("--by", help="group by level, unit and/or period (repeat or commas)")]
Compare = Annotated[str | None, _option("--compare", help="add the previous or last-year period and the change")]
Total = Annotated[bool | None, _option("--total/--no-total", help="add a total row (default: with --by level or unit)")]
TargetFiles = Annotated[list[str] | None, _option("--targets", "-t", help="a TOML file of [[targets]] (repeatable)")]
Presets = Annotated[
    list[str] | None, _option("--preset", help="a shipped set of targets, e.g. qd766-2022 (--list-presets)")
]
ListPresets = Annotated[bool, typer.Option("--list-presets", help="list the shipped presets and exit")]
TargetNames = Annotated[list[str] | None, _option("--target", help="check only these targets, by name")]
FailOnNoData = Annotated[bool, typer.Option("--fail-on-no-data", help="count a target without data as missed (exit 1)")]
RankMetric = Annotated[str | None, _option("--metric", "-m", help="rank by this metric instead of by points")]
BANDS_HELP = 'bands, best first: "A=90%,B=80%,C=70%" (share of the points) or "tốt=80,khá=65"'
Bands = Annotated[str | None, _option("--bands", help=BANDS_HELP)]
Ascending = Annotated[bool, typer.Option("--ascending", help="lower is better (late_rate, ...)")]
Records = Annotated[list[str], typer.Argument(help="dossier records: .csv (comma or semicolon), .parquet or .xlsx")]
IngestGrain = Annotated[str, typer.Option("--grain", help="month, quarter, half or year")]
AsOf = Annotated[str | None, _option("--as-of", help="the date the records describe (YYYY-MM-DD); default: the latest")]
Columns = Annotated[str | None, _option("--columns", "-c", help="column map (TOML or JSON): contract column = header")]
StartDay = Annotated[int, typer.Option("--start-day", min=1, max=28, help="first day of a reporting month (15: 15th)")]
IngestFormat = Annotated[
    str | None, _option("--format", "-f", help="toml, csv or json; default: -o's suffix, else toml")
]
MaxBadRows = Annotated[int, typer.Option("--max-bad-rows", min=0, help="bad rows listed on standard error")]
IngestStrict = Annotated[bool, typer.Option("--strict", help="any bad row is an error (exit 3), nothing is written")]


def _format(fmt: str | None, output: str | None, allowed: Sequence[str] | None = None) -> str:
    from parcalc.reporters import FORMATS, choose_format

    return choose_format(fmt, output, sys.stdout.isatty(), tuple(allowed or FORMATS))


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
        problems_to_stderr(outcome.warnings, lang)


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
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
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
    metrics: Metrics = None,
    grain: Grain = None,
    by: By = None,
    compare: Compare = None,
    total: Total = None,
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

        chosen = _format(fmt, output)
        if lang is not None:
            messages.settle(lang)  # a bad --lang is reported before a bad --period
        where = {"period": period, "level": level, "unit": unit, "metrics": metrics}
        outcome = api.compute(_inputs(files, output), **where, grain=grain, by=by, compare=compare, total=total)
        language = messages.settle(lang, outcome.dataset.settings.lang)
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

        chosen = _format(fmt, output)
        names = _inputs(files, output)
        messages.settle(lang)
        checked = api.validate(names)
        language = messages.settle(lang, checked.lang)
        problems = checked.problems
        emit(lambda: validate_report(problems, Options(language)), chosen, language, 2, output)
        if not checked.valid or (strict and problems):
            if output not in (None, "-"):  # the report is in the file: say why the exit code is 3
                errors = sum(p.severity == "error" for p in problems)
                fail(EXIT_INVALID, f"{errors} errors, {len(problems) - errors} warnings; the report is in {output}")
            raise typer.Exit(EXIT_INVALID)


@app.command("metrics")
def metrics_command(
    files: Annotated[list[str] | None, typer.Argument(help="data files whose custom [[metrics]] to include")] = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """The metric catalogue: id, label (vi, en) and formula."""
    with handled(debug, lang) as messages:
        from parcalc import api
        from parcalc.reporters.output import check_output_path
        from parcalc.reports.catalogue import metrics_report
        from parcalc.reports.model import Options

        chosen = _format(fmt, output)
        check_output_path(output, files or ())
        registry = api.catalogue(files or None)
        language = messages.settle(lang)
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
    from parcalc.reporters import suffix_format

    if options.get("fmt") is None:
        options["fmt"] = suffix_format(options.get("output"), "text")
    compute(**options)


# functools.wraps copied compute's options (so that report keeps up with them) and its help text too.
report.__doc__ = "The compute report as the paragraphs an office writes: compute with --format text by default."


@app.command("check-targets")
def check_targets(
    files: Files = None,
    targets_files: TargetFiles = None,
    presets: Presets = None,
    list_presets: ListPresets = False,
    names: TargetNames = None,
    fmt: Format = None,
    lang: Lang = None,
    output: Output = None,
    period: Filter = None,
    level: Filter = None,
    unit: Filter = None,
    fail_on_no_data: FailOnNoData = False,
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

        chosen = _format(fmt, output)
        if list_presets:
            language, shipped = messages.settle(lang), api.shipped_presets()
            emit(lambda: presets_report(shipped, Options(language)), chosen, language, precision, output)
            return
        extra = list(targets_files or ())
        data = api.load(_inputs(files, output, *extra), targets=extra, presets=presets)
        language = messages.settle(lang, data.settings.lang)
        if not data.targets:
            raise UsageError("no targets to check: add [[targets]] to a data file, or use --targets FILE or --preset")
        outcome = api.check_targets(
            data, target=names, period=period, level=level, unit=unit, fail_on_no_data=fail_on_no_data
        )
        _findings(outcome, strict, quiet, language)
        emit(lambda: targets_report(outcome.result, Options(language, precision)), chosen, language, precision, output)
        no_data, missed = outcome.result.summary["no_data"], outcome.result.summary["missed"]
        if no_data and not quiet:
            typer.echo(
                f"parcalc: {no_data} target result(s) without data; --fail-on-no-data counts them as missed", err=True
            )
        if missed:
            raise typer.Exit(EXIT_MISSED)


@app.command()
def rank(
    files: Files = None,
    targets_files: TargetFiles = None,
    presets: Presets = None,
    metric: RankMetric = None,
    bands: Bands = None,
    ascending: Ascending = False,
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

        chosen = _format(fmt, output)
        extra = list(targets_files or ())
        data = api.load(_inputs(files, output, *extra), targets=extra, presets=presets)
        language = messages.settle(lang, data.settings.lang)
        outcome = api.rank(data, metric=metric, bands=bands, ascending=ascending, period=period, level=level)
        _findings(outcome, strict, quiet, language)
        emit(lambda: rank_report(outcome.result, Options(language, precision)), chosen, language, precision, output)


@app.command()
def ingest(
    records: Records,
    grain: IngestGrain = "month",
    as_of: AsOf = None,
    columns: Columns = None,
    start_day: StartDay = 1,
    fmt: IngestFormat = None,
    output: Output = None,
    max_bad_rows: MaxBadRows = 20,
    strict: IngestStrict = False,
    period: Filter = None,
    level: Filter = None,
    unit: Filter = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Dossier-level records -> figures (a TOML data file that compute and check-targets read)."""
    with handled(debug, "en"):  # ingest's messages quote DuckDB and the files, in English
        from parcalc import api
        from parcalc.records import format_for, render
        from parcalc.records.progress import progress_bar
        from parcalc.reporters.output import check_output_path, write

        chosen = _format(fmt, output, INGEST_FORMATS) if fmt is not None else None
        check_output_path(output, records)
        chosen = chosen or format_for(output)
        with progress_bar(quiet) as progress:
            result = api.ingest(
                records,
                grain,
                as_of=as_of,
                columns=columns,
                start_day=start_day,
                strict=strict,
                progress=progress,
                max_bad_rows=max_bad_rows,
                formats=(chosen,),
                period=period,
                level=level,
                unit=unit,
            )
        content = render(result, chosen)
        for line in () if quiet else result.notes():
            typer.echo(f"parcalc: {line}", err=True)
        write(content, output)


def app_for(argv: Sequence[str]) -> typer.Typer:
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
