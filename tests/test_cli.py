"""The command line as users and scripts meet it: exit codes, streams, files, formats, help and docs."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import typer.main

from parcalc import __version__
from parcalc.cli import app
from parcalc.reporters import BINARY_FORMATS, SUFFIX_FORMATS

if TYPE_CHECKING:
    from conftest import Ran

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BINH_PHUOC = "examples/binh-phuoc-2022-h1.toml"
DUYEN_HAI = "examples/duyen-hai-2022.toml"
MONTHLY = "examples/communes-monthly.toml"
BROKEN = "tests/broken/unknown-count-field.toml"

# The metric ids of CONTRACT.md.
CONTRACT_METRICS = [
    "on_time_rate",
    "early_rate",
    "on_due_date_rate",
    "late_rate",
    "resolution_rate",
    "progress_rate",
    "pending_overdue_rate",
    "online_share",
    "online_share_total",
    "full_online_share",
    "postal_share",
    "online_services_share",
    "services_with_dossiers_share",
    "time_cut_share",
    "online_payment_rate",
    "digitization_rate",
    "e_result_rate",
    "ecert_per_month",
]
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

Run = Callable[..., "Ran"]


def _no_traceback(ran: Ran) -> None:
    assert "Traceback" not in ran.stderr and "Traceback" not in ran.stdout


# Exit codes and streams: a real process.


def test_success_is_exit_0_and_piped_output_is_json(run: Run) -> None:
    ran = run(["compute", BINH_PHUOC])
    assert ran.code == 0
    payload = ran.json()
    assert payload["schema"] == "parcalc/compute/1"
    assert len(payload["rows"]) == 4
    # The slips are warnings on standard error, one line each, and stay in the JSON.
    assert ran.stderr.count("[balance-gap]") == 2
    assert len(ran.stderr.strip().splitlines()) == 2


def test_invalid_data_is_exit_3_with_errors_only_on_stderr(run: Run) -> None:
    ran = run(["compute", "--lang", "en", BROKEN])
    assert ran.code == 3
    assert ran.stdout == ""
    (line,) = ran.stderr.strip().splitlines()
    assert line.startswith(f"{BROKEN}:15 figures[0] (2022-H1 / district) recieved: error: unknown key 'recieved'")
    assert line.endswith("(did you mean 'received'?) [unknown-key]")
    _no_traceback(ran)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "no-such-file.toml"], "no-such-file.toml: no such file"),
        (["compute", BINH_PHUOC, "--format", "jsn"], "did you mean 'json'"),
        (["compute", BINH_PHUOC, "--lang", "fr"], "unknown language 'fr'"),
        (["compute", BINH_PHUOC, "--metrics", "late_rat"], "did you mean 'late_rate'"),
        (["compute", BINH_PHUOC, "--period", "2022-H3"], "--period"),
        (["compute", BINH_PHUOC, "--precision", "9"], "--precision"),
        (["compute", BINH_PHUOC, "--no-such-option"], "No such option"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_are_exit_2(run: Run, args: list[str], message: str) -> None:
    ran = run(args)
    assert ran.code == 2
    assert ran.stdout == ""
    assert message in ran.stderr
    _no_traceback(ran)


def test_strict_turns_warnings_into_exit_3(run: Run) -> None:
    assert run(["compute", DUYEN_HAI]).code == 0
    ran = run(["compute", DUYEN_HAI, "--strict", "--lang", "en"])
    assert ran.code == 3
    assert ran.stdout == ""
    assert "[stated-mismatch]" in ran.stderr
    assert run(["validate", DUYEN_HAI, "--strict"]).code == 3
    assert run(["validate", MONTHLY, "--strict"]).code == 0


def test_no_file_reads_data_toml_in_the_current_folder(run: Run, tmp_path: Path) -> None:
    ran = run(["compute"], cwd=tmp_path)
    assert ran.code == 2
    assert "no data file given and no data.toml in the current folder" in ran.stderr
    shutil.copy(EXAMPLES / "duyen-hai-2022.toml", tmp_path / "data.toml")
    ran = run(["compute", "--format", "json"], cwd=tmp_path)
    assert ran.code == 0
    assert ran.json()["rows"][0]["unit"] == "duyen-hai"


def test_dash_reads_standard_input(run: Run) -> None:
    text = (EXAMPLES / "duyen-hai-2022.toml").read_text(encoding="utf-8")
    ran = run(["compute", "-", "--format", "json", "--lang", "en"], stdin=text)
    assert ran.code == 0
    assert [r["level"] for r in ran.json()["rows"]] == ["district", "commune"]
    assert ran.stderr.startswith("<stdin>:")  # problems name standard input as their file


def test_empty_standard_input_is_a_usage_error(run: Run) -> None:
    ran = run(["compute", "-"], stdin="")
    assert ran.code == 2
    assert "standard input is empty" in ran.stderr


def test_json_is_deterministic(run: Run) -> None:
    first = run(["compute", MONTHLY, "--format", "json"])
    second = run(["compute", MONTHLY, "--format", "json"])
    assert first.code == second.code == 0
    assert first.stdout == second.stdout


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    # `parcalc compute ... | head -1` must not end in a BrokenPipeError traceback.
    done = subprocess.run(
        f"{sys.executable} -m parcalc compute {MONTHLY} --format csv | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.stdout.decode().startswith("period,start,end,months,level,unit")
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


# Output files.


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.json", lambda text: json.loads(text)["schema"] == "parcalc/compute/1"),
        ("out.csv", lambda text: text.startswith("period,start,end,months,level,unit,unit_name,received,")),
        ("out.md", lambda text: text.startswith("## Kết quả giải quyết TTHC năm 2022") and "| 2022 |" in text),
    ],
)
def test_output_format_follows_the_file_suffix(cli: Run, tmp_path: Path, name: str, check: Any) -> None:
    target = tmp_path / "sub" / name
    ran = cli(["compute", DUYEN_HAI, "-o", str(target)])
    assert ran.code == 0
    assert ran.stdout == ""
    assert check(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("suffix", "fmt"), sorted(SUFFIX_FORMATS.items()))
def test_inferred_format_is_the_explicit_one(cli: Run, tmp_path: Path, suffix: str, fmt: str) -> None:
    target = tmp_path / f"out{suffix}"
    assert cli(["compute", DUYEN_HAI, "-q", "-o", str(target)]).code == 0
    if fmt in BINARY_FORMATS:
        assert target.stat().st_size > 0
        return
    explicit = cli(["compute", DUYEN_HAI, "-q", "--format", fmt])
    assert target.read_text(encoding="utf-8") == explicit.stdout


def test_failed_run_leaves_the_previous_output_untouched(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous\n", encoding="utf-8")
    ran = run(["compute", BROKEN, "-o", str(target)])
    assert ran.code == 3
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary file left behind
    ran = run(["compute", BINH_PHUOC, "-o", str(target)])
    assert ran.code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["rows"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_output_over_an_input_is_refused(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    shutil.copy(EXAMPLES / "duyen-hai-2022.toml", data)
    before = data.read_bytes()
    ran = run(["compute", str(data), "-o", str(data)])
    assert ran.code == 2
    assert "refusing to write the output over an input file" in ran.stderr
    assert data.read_bytes() == before


# Formats, languages and filters: in-process.


def test_vietnamese_and_english_number_style(cli: Run) -> None:
    vi = cli(["compute", BINH_PHUOC, "--format", "markdown", "--metrics", "late_rate"])
    assert "| 226.593 |" in vi.stdout and "| 4,44% |" in vi.stdout
    en = cli(["compute", BINH_PHUOC, "--format", "markdown", "--lang", "en", "--metrics", "late_rate"])
    assert "| 226,593 |" in en.stdout and "| 4.44% |" in en.stdout
    assert "Late rate" in en.stdout and "Tỷ lệ giải quyết quá hạn" in vi.stdout


def test_precision_changes_what_people_see_not_the_json(cli: Run) -> None:
    shown = cli(["compute", BINH_PHUOC, "-f", "markdown", "--precision", "1", "-m", "late_rate", "--level", "district"])
    assert "| 8,6% |" in shown.stdout
    raw = cli(["compute", BINH_PHUOC, "-f", "json", "--precision", "1", "--level", "district"]).json()
    assert raw["rows"][0]["metrics"]["late_rate"] == 1698 / 19811


def test_filters(cli: Run) -> None:
    rows = cli(["compute", BINH_PHUOC, "-f", "json", "--level", "province,commune"]).json()["rows"]
    assert [(r["level"], r["unit"]) for r in rows] == [
        ("province", None),
        ("province", "binh-phuoc"),
        ("commune", None),
    ]
    rows = cli(["compute", BINH_PHUOC, "-f", "json", "--unit", "binh-phuoc"]).json()["rows"]
    assert [r["unit_name"] for r in rows] == ["Tỉnh Bình Phước (tất cả các cấp)"]
    rows = cli(["compute", MONTHLY, "-f", "json", "--period", "2022-03", "--period", "2022-04"]).json()["rows"]
    assert sorted({r["period"] for r in rows}) == ["2022-03", "2022-04"]
    assert len(rows) == 6
    ran = cli(["compute", BINH_PHUOC, "-f", "json", "-m", "late_rate,online_services_share"])
    assert [list(r["metrics"]) for r in ran.json()["rows"]] == [["late_rate", "online_services_share"]] * 4


def test_quiet_keeps_warnings_off_stderr(cli: Run) -> None:
    ran = cli(["compute", BINH_PHUOC, "-f", "json", "--quiet"])
    assert ran.code == 0
    assert ran.stderr == ""
    assert [i["gap"] for r in ran.json()["rows"] for i in r["issues"]] == [7, 16]


def test_csv_has_raw_values(cli: Run) -> None:
    lines = cli(["compute", DUYEN_HAI, "-f", "csv"]).stdout.splitlines()
    header = lines[0].split(",")
    desk = dict(zip(header, lines[1].split(","), strict=True))
    assert desk["received"] == "2329"
    assert float(desk["online_share_total"]) == pytest.approx(1144 / 2329)
    assert desk["pending"] == ""  # no data is empty, never 0


def test_validate_report(cli: Run) -> None:
    ok = cli(["validate", MONTHLY, "-f", "json"])
    assert ok.code == 0
    assert ok.json() == {"schema": "parcalc/validate/1", "version": __version__, "valid": True, "issues": []}
    warned = cli(["validate", BINH_PHUOC, "-f", "json"])
    assert warned.code == 0
    assert warned.json()["valid"] is True
    assert [i["gap"] for i in warned.json()["issues"]] == [7, 16]
    bad = cli(["validate", BROKEN, "-f", "json"])
    assert bad.code == 3
    assert bad.json()["valid"] is False


# Help, version, catalogue, schema, README.


def test_version(run: Run) -> None:
    ran = run(["--version"])
    assert ran.code == 0
    assert ran.stdout.strip() == f"parcalc {__version__}"


def test_contract_commands_exist() -> None:
    assert {"compute", "check-targets", "validate", "metrics", "schema"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(cli: Run, command: str) -> None:
    ran = cli([command, "--help"])
    assert ran.code == 0
    assert f"parcalc {command}" in ran.stdout or "Usage:" in ran.stdout
    assert "--help" in ran.stdout


def test_top_level_help_lists_every_command(cli: Run) -> None:
    ran = cli(["--help"])
    assert ran.code == 0
    for command in COMMANDS:
        assert command in ran.stdout


def test_metrics_lists_every_contract_metric(cli: Run) -> None:
    payload = cli(["metrics", "-f", "json"]).json()
    ids = [m["id"] for m in payload["metrics"]]
    assert ids[: len(CONTRACT_METRICS)] == CONTRACT_METRICS
    late = next(m for m in payload["metrics"] if m["id"] == "late_rate")
    assert late["formula"] == "resolved_late / resolved"
    assert late["label"] == {"vi": "Tỷ lệ giải quyết quá hạn", "en": "Late rate"}
    table = cli(["metrics", "-f", "markdown", "--lang", "en"]).stdout
    for metric_id in CONTRACT_METRICS:
        assert f"| {metric_id} |" in table


def test_metrics_include_a_files_custom_metrics(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "custom.toml"
    path.write_text(
        '[[metrics]]\nid = "late_or_overdue_rate"\nlabel = { vi = "Trễ hạn", en = "Late or overdue" }\n'
        'numerator = ["resolved_late", "pending_overdue"]\ndenominator = ["resolved", "pending_overdue"]\n',
        encoding="utf-8",
    )
    ids = [m["id"] for m in cli(["metrics", str(path), "-f", "json"]).json()["metrics"]]
    assert ids[-1] == "late_or_overdue_rate"


def _plain(value: Any) -> Any:
    """TOML values as JSON sees them: dates become ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_ANNOTATIONS = {"title", "description", "default", "examples", "$schema", "$defs"}


def schema_errors(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str = "$") -> list[str]:
    """A small JSON Schema checker for the keywords parcalc's schema uses (jsonschema is not a dependency).

    An unknown keyword is itself an error, so that the check never passes by ignoring a rule.
    """
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(root["$defs"][name], value, root, where)
    errors: list[str] = []
    for keyword, rule in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            if not _TYPES[rule](value):
                errors.append(f"{where}: not {rule}")
        elif keyword == "anyOf":
            if all(schema_errors(option, value, root, where) for option in rule):
                errors.append(f"{where}: matches no option")
        elif keyword == "const":
            if value != rule:
                errors.append(f"{where}: not {rule!r}")
        elif keyword == "enum":
            if value not in rule:
                errors.append(f"{where}: not one of {rule}")
        elif keyword == "format":
            if rule == "date" and isinstance(value, str):
                try:
                    date.fromisoformat(value)
                except ValueError:
                    errors.append(f"{where}: not a date")
        elif keyword in ("minimum", "maximum"):
            if _TYPES["number"](value) and (value < rule if keyword == "minimum" else value > rule):
                errors.append(f"{where}: {keyword} {rule}")
        elif keyword == "minLength":
            if isinstance(value, str) and len(value) < rule:
                errors.append(f"{where}: too short")
        elif keyword == "minItems":
            if isinstance(value, list) and len(value) < rule:
                errors.append(f"{where}: too few items")
        elif keyword == "pattern":
            if isinstance(value, str) and not re.search(rule, value):
                errors.append(f"{where}: does not match {rule}")
        elif keyword == "items":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    errors += schema_errors(rule, item, root, f"{where}[{i}]")
        elif keyword == "required":
            if isinstance(value, dict):
                errors += [f"{where}: {key} is required" for key in rule if key not in value]
        elif keyword == "properties":
            if isinstance(value, dict):
                for key, item in value.items():
                    if key in rule:
                        errors += schema_errors(rule[key], item, root, f"{where}.{key}")
        elif keyword == "additionalProperties":
            if isinstance(value, dict):
                known = schema.get("properties", {})
                for key, item in value.items():
                    if key in known:
                        continue
                    if rule is False:
                        errors.append(f"{where}: unknown key {key}")
                    elif isinstance(rule, dict):
                        errors += schema_errors(rule, item, root, f"{where}.{key}")
        elif keyword == "propertyNames":
            if isinstance(value, dict):
                for key in value:
                    errors += schema_errors(rule, key, root, f"{where}.{key} (name)")
        else:
            errors.append(f"{where}: unsupported schema keyword {keyword}")
    return errors


@pytest.fixture(scope="module")
def data_schema() -> dict[str, Any]:
    ran = subprocess.run([sys.executable, "-m", "parcalc", "schema"], capture_output=True, cwd=ROOT, timeout=60)
    assert ran.returncode == 0
    schema: dict[str, Any] = json.loads(ran.stdout)
    return schema


def test_schema_is_a_json_schema(data_schema: dict[str, Any]) -> None:
    assert data_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data_schema["type"] == "object"
    assert data_schema["additionalProperties"] is False
    assert {"parcalc", "units", "figures", "targets", "metrics"} <= set(data_schema["properties"])
    figures = data_schema["$defs"]["Figures"]
    assert figures["additionalProperties"] is False
    assert set(figures["required"]) >= {"period", "level"}
    for name in ("received", "resolved_late", "ecert"):
        assert name in figures["properties"]


def _jsonschema() -> Any:
    """The jsonschema package when it is installed (it is not a dependency), else None."""
    try:
        return importlib.import_module("jsonschema")
    except ImportError:
        return None


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_schema_validates_the_examples(data_schema: dict[str, Any], example: Path) -> None:
    value = _plain(tomllib.loads(example.read_text(encoding="utf-8")))
    assert schema_errors(data_schema, value, data_schema) == []
    if (jsonschema := _jsonschema()) is not None:
        jsonschema.validate(value, data_schema)


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("unknown-count-field", "unknown key recieved"),
        ("negative-count", "$.figures[0].resolved_late"),
        ("missing-level", "level is required"),
        ("target-bad-op", "$.targets[0].op"),
        ("unknown-top-level-table", "unknown key figure"),
    ],
)
def test_schema_rejects_broken_files(data_schema: dict[str, Any], name: str, complaint: str) -> None:
    path = ROOT / "tests" / "broken" / f"{name}.toml"
    value = _plain(tomllib.loads(path.read_text(encoding="utf-8")))
    errors = schema_errors(data_schema, value, data_schema)
    assert any(complaint in e for e in errors), errors


def test_every_command_is_documented_in_the_readme() -> None:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    text = readme.read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"parcalc {c}" not in text]
    assert missing == [], f"commands not in README.md: {missing}"
