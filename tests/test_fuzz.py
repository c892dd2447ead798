"""Fuzzing: mutated data files through every command and format end in a readable message, never a crash.

Valid files are mutated structurally (types, signs, sizes, huge numbers, NaN/inf, deep nesting, odd
Unicode, missing sections, duplicate tables and keys) and then at the byte level (encodings, flipped,
inserted and cut bytes). Commands are found in the Typer app and formats in the reporters' FORMATS when
the tests run, so what is added later is fuzzed too.

CI runs a few examples per command and format (in-process, well under a minute). A longer run:

    PARCALC_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py

The examples are derandomised: the same count gives the same inputs, so a failure always reproduces.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parcalc import reporters
from parcalc.cli import app
from parcalc.data import loading

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RECORDS = EXAMPLES / "records" / "ho-so-2022.csv"
EXAMPLES_PER_CASE = int(os.environ.get("PARCALC_FUZZ_EXAMPLES", "5"))
FUZZ = settings(
    max_examples=EXAMPLES_PER_CASE,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# A small file that every command can use as it is: units, monthly figures, stated values, targets with
# points (for rank), a custom metric and bands. Names mix precomposed and combining diacritics.
SEED = """
[parcalc]
title = "Xã Phước Lộc, 6 tháng đầu năm 2022"
levels = ["province", "district", "commune"]

[[units]]
id = "tuy-phuoc"
name = "Huyện Tuy Phước"
level = "district"

[[units]]
id = "phuoc-loc"
name = "Xã Phu\u031bo\u031b\u0301c Lô\u0323c"
level = "commune"
parent = "tuy-phuoc"

[[figures]]
period = "2022-01"
level = "commune"
unit = "phuoc-loc"
received_new = 120
received_online = 60
carried_over = 10
resolved = 100
resolved_early = 20
resolved_on_time = 75
resolved_late = 5
pending = 30
ecert = 31

[figures.stated]
late_rate = "5%"

[[figures]]
period = { start = 2022-02-01, end = 2022-02-28 }
level = "commune"
unit = "phuoc-loc"
received_new = 90
carried_over = 30
resolved = 110
resolved_late = 2
pending = 10

[[targets]]
name = "online"
metric = "online_share"
op = ">="
value = "35%"
level = "commune"
per = "month"
points = 10
source = "Kế hoạch số 45/KH-UBND"

[[targets]]
name = "ecert"
metric = "ecert_per_month"
value = 30
points = 5

[[metrics]]
id = "late_or_overdue_rate"
label = { vi = "Tỷ lệ trễ hạn", en = "Late or overdue" }
numerator = ["resolved_late", "pending_overdue"]
denominator = ["resolved", "pending_overdue"]

[[bands]]
name = "tốt"
min = "90%"
"""

SEEDS = [tomllib.loads(SEED)] + [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.toml"))]

ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from("ơưăđ\u0300\u0301\u0303\u0309\u0323\u200b\u200d\u202e\ufeff\u00a0=+-@\t\n\"'\\|,;%"),
    ),
    max_size=40,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63), 10**30, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, 5e-324, -0.0]),
)
WORDS = st.sampled_from(
    [
        "",
        " ",
        "2022",
        "2022-H1",
        "2022-H3",
        "2022-Q5",
        "2022-13",
        "2022-00",
        "0000-01",
        "9999-12",
        "2022-01..2021-12",
        "2022-01..2022-09",
        "commune",
        "province",
        "late_rate",
        "online_share",
        "4,44%",
        "4.44%",
        "-5%",
        "1e309%",
        "NaN",
        "inf",
        "100,00%",
        "=1+1",
        ">=",
        "month",
        "x" * 100_000,
    ]
)
SCALARS = st.one_of(
    NUMBERS,
    WORDS,
    ODD_TEXT,
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "period", "start", "id"]), inner, max_size=3)
    ),
    max_leaves=8,
)

Path_ = tuple[str | int, ...]


def _paths(node: Any, here: Path_ = ()) -> list[Path_]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*here, i))
    return found


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def _mutate(doc: dict[str, Any], draw: Callable[..., Any]) -> None:
    """One structural change somewhere in the document."""
    path = draw(st.sampled_from(_paths(doc)))
    parent, last = (_get(doc, path[:-1]), path[-1]) if path else (None, None)
    value = _get(doc, path)
    op = draw(st.sampled_from(["replace", "negate", "delete", "duplicate", "unknown-key", "nest", "grow"]))
    if op == "replace" and parent is not None:
        parent[last] = draw(VALUES)
    elif op == "negate" and parent is not None and isinstance(value, int | float) and not isinstance(value, bool):
        parent[last] = -value if value else -1
    elif op == "delete" and parent is not None:
        del parent[last]
    elif op == "duplicate" and isinstance(value, list) and value:
        copy = json.loads(json.dumps(value[0], default=str))
        if isinstance(copy, dict) and copy:
            copy[draw(st.sampled_from(sorted(copy)))] = draw(VALUES)  # the same table, one value changed
        value.append(copy if draw(st.booleans()) else value[0])
    elif op == "unknown-key" and isinstance(value, dict):
        value[draw(st.sampled_from(["recieved", "Resolved", "stated", "parcalc", "ĐƠN_VỊ", "x" * 300]))] = draw(VALUES)
    elif op == "nest" and parent is not None:
        depth = draw(st.integers(min_value=1, max_value=60))
        for _ in range(depth):
            value = [value] if draw(st.booleans()) else {"a": value}
        parent[last] = value
    elif op == "grow" and isinstance(value, list) and value:
        value.extend([value[-1]] * draw(st.integers(min_value=1, max_value=300)))


def _serialise(doc: dict[str, Any], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(doc, ensure_ascii=False, default=str)
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return json.dumps(doc, default=str)  # not TOML at all: a syntax error to report


def _corrupt_text(text: str, draw: Callable[..., Any]) -> str:
    lines = text.splitlines(keepends=True) or [""]
    op = draw(st.sampled_from(["none", "none", "duplicate-line", "drop-line", "deep", "cut", "header"]))
    at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if op == "duplicate-line":  # duplicate keys or a duplicated [table]
        lines.insert(at, lines[at])
    elif op == "drop-line":
        del lines[at]
    elif op == "deep":
        depth = draw(st.sampled_from([50, 990, 5000, 100_000]))
        lines.insert(0, "deep = " + "[" * depth + "]" * depth + "\n")
    elif op == "cut":
        return "".join(lines)[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif op == "header":
        lines.insert(at, draw(st.sampled_from(["[parcalc]\n", "[[figures]]\n", "[figures]\n", "[units.x]\n"])))
    return "".join(lines)


def _encode(text: str, draw: Callable[..., Any]) -> bytes:
    encoding = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "utf-16", "utf-16-be", "cp1258", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    op = draw(st.sampled_from(["none"] * 4 + ["flip", "insert", "cut"]))
    if not raw or op == "none":
        return raw
    at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
    if op == "flip":
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(min_value=1, max_value=255))]) + raw[at + 1 :]
    if op == "insert":
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    return raw[:at]


@st.composite
def data_files(draw: Callable[..., Any]) -> tuple[str, bytes]:
    doc = _copy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        _mutate(doc, draw)
    suffix = draw(st.sampled_from([".toml"] * 6 + [".json", *sorted(loading.READERS)]))
    return suffix, _encode(_corrupt_text(_serialise(doc, suffix), draw), draw)


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


@st.composite
def records_files(draw: Callable[..., Any]) -> tuple[str, bytes]:
    text = RECORDS.read_text(encoding="utf-8")
    rows = [line.split(";") for line in text.splitlines()]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        row = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        if not rows[row]:
            continue
        column = draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
        rows[row][column] = str(draw(SCALARS)).replace(";", ",")
    if draw(st.booleans()):
        rows.extend([rows[-1]] * draw(st.integers(min_value=1, max_value=50)))
    return ".csv", _encode(_corrupt_text("\n".join(";".join(r) for r in rows) + "\n", draw), draw)


def _commands() -> dict[str, Any]:
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _formats() -> list[str]:
    found = list(reporters.FORMATS)
    try:
        from parcalc import records as ingest

        found += [f for f in ingest.FORMATS if f not in found]
    except ImportError:
        pass
    return found


def _takes(command: Any, name: str) -> bool:
    return any(p.name == name for p in command.params)


def _input_kind(command: Any) -> str | None:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if not arguments:
        return None
    return "records" if arguments[0].name == "records" else "data"


CASES = [
    (name, fmt)
    for name, command in sorted(_commands().items())
    for fmt in (_formats() if _takes(command, "fmt") else [None])
]
_runner = CliRunner()
_baseline: dict[tuple[str, str | None], int] = {}


def invoke(args: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run in-process; an exception that escapes the CLI is itself a finding."""
    result = _runner.invoke(app, args, input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__} for {args}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def _arguments(name: str, fmt: str | None, folder: Path, input_path: Path | None, to_file: bool) -> list[str]:
    args = [name]
    if input_path is not None:
        args.append(str(input_path))
    if fmt is not None:
        args += ["--format", fmt]
    if to_file or fmt in ("xlsx", "html", "parquet"):
        args += ["-o", str(folder / f"out.{fmt or 'json'}")]
    return args


def _seed_file(kind: str | None, folder: Path) -> Path | None:
    if kind is None:
        return None
    path = folder / ("seed.csv" if kind == "records" else "seed.toml")
    path.write_bytes(RECORDS.read_bytes() if kind == "records" else SEED.encode("utf-8"))
    return path


# The contract commands that only read data: bad data is exit 3, never a usage error.
DATA_ONLY = {"compute": {0, 3}, "validate": {0, 3}}


def _check(args: list[str], code: int, stdout: str, stderr: str, allowed: set[int]) -> None:
    shown = f"{args}: exit {code}\nstderr: {stderr[-2000:]}"
    assert code in allowed, shown
    if code == 2:  # a usage error: a bad option value, or the data lacks what the command needs (targets)
        assert (stderr.startswith("parcalc: ") and stderr.count("\n") == 1) or "Usage: parcalc" in stderr, shown
    assert "Traceback" not in stderr and "Traceback" not in stdout, shown
    assert "internal error" not in stderr, shown
    if code not in (0, 1):  # exit 1 is a result (a target missed), reported where the output goes
        assert (stderr + stdout).strip(), f"{args}: exit {code} without a word"
    if "--format" in args and args[args.index("--format") + 1] == "json" and "-o" not in args and stdout:
        json.loads(stdout)  # valid JSON whatever the input, including big numbers and odd text


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
@FUZZ
@given(data=st.data())
def test_no_crash_on_any_input(name: str, fmt: str | None, data: st.DataObject) -> None:
    command = _commands()[name]
    kind = _input_kind(command)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = (name, fmt)
        if key not in _baseline:
            _baseline[key] = invoke(_arguments(name, fmt, folder, _seed_file(kind, folder), False))[0]
        if _baseline[key] == 2:
            pytest.skip(f"{name} does not take --format {fmt}, or needs more than a data file")
        suffix, raw = data.draw(records_files() if kind == "records" else data_files(), label="input")
        input_path = folder / f"input{suffix}" if kind else None
        if input_path is not None:
            input_path.write_bytes(raw)
        to_file = data.draw(st.booleans(), label="to file")
        args = _arguments(name, fmt, folder, input_path, to_file)
        code, stdout, stderr = invoke(args)
        _check(args, code, stdout, stderr, DATA_ONLY.get(name, {0, 1, 2, 3}))
        written = folder / f"out.{fmt or 'json'}"
        if code in (2, 3) and name != "validate":  # validate's output is the report of what failed
            assert not written.exists(), f"{args}: failed run wrote its output"
        if written.exists() and fmt == "json":
            json.loads(written.read_text(encoding="utf-8"))
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [], "temporary file left"


OPTION_VALUES = st.one_of(WORDS, ODD_TEXT, st.sampled_from(["-1", "7", "month,unit", "level,level", "2022-H1,2023"]))


@pytest.mark.parametrize("name", sorted(n for n, c in _commands().items() if _input_kind(c) == "data"))
@FUZZ
@given(data=st.data())
def test_no_crash_on_any_option_value(name: str, data: st.DataObject) -> None:
    command = _commands()[name]
    options = [p for p in command.params if p.param_type_name == "option" and not p.is_flag and p.name != "output"]
    with tempfile.TemporaryDirectory() as tmp:
        args = [name, str(_seed_file("data", Path(tmp)))]
        for option in data.draw(st.lists(st.sampled_from(options), min_size=1, max_size=3), label="options"):
            args += [option.opts[0], data.draw(OPTION_VALUES, label=option.name)]
        code, stdout, stderr = invoke(args)
    # A bad option value is a usage error (2); any value may also lead to no data or a missed target.
    _check(args, code, stdout, stderr, {0, 1, 2, 3})


# Real processes for what only a real process shows: exit codes and crash behaviour on the nastiest inputs.

NASTY: dict[str, bytes] = {
    "deep.toml": ("deep = " + "[" * 200_000 + "]" * 200_000 + "\n").encode(),
    "deep-tables.toml": ("a = " + "{ b = " * 5000 + "1" + " }" * 5000 + "\n").encode(),
    "deep.json": ("[" * 200_000 + "]" * 200_000).encode(),
    "huge.toml": b'[[figures]]\nperiod = "2022"\nlevel = "province"\nreceived_new = ' + b"9" * 5000 + b"\n",
    "utf16.toml": SEED.encode("utf-16"),
    "binary.toml": bytes(range(256)) * 64,
    "long-key.toml": b"x" * 1_000_000 + b" = 1\n",
}


@pytest.mark.parametrize("name", sorted(n for n, c in _commands().items() if _input_kind(c) == "data"))
def test_nasty_inputs_in_a_real_process(name: str, tmp_path: Path) -> None:
    for file_name, raw in NASTY.items():
        (tmp_path / file_name).write_bytes(raw)
    done = subprocess.run(
        [sys.executable, "-m", "parcalc", name, *NASTY, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 3, stderr
    assert "Traceback" not in stderr
    reported = (stderr + done.stdout.decode("utf-8")).splitlines()
    for file_name in NASTY:  # every file's problem is reported, none hides the others
        assert any(file_name in line for line in reported), f"{file_name} not reported:\n{stderr}"


def test_date_and_time_values_are_refused_in_place(tmp_path: Path) -> None:
    # TOML has dates and times where parcalc expects text or counts: each is a located error, not a crash.
    doc = tomllib.loads(SEED)
    doc["figures"][0]["resolved"] = date(2022, 1, 1)
    doc["figures"][0]["unit"] = time(8, 30)
    doc["targets"][0]["value"] = datetime(2022, 1, 1, 8, 30)
    path = tmp_path / "dates.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    code, stdout, _ = invoke(["validate", str(path), "--format", "json", "--lang", "en"])
    assert code == 3
    keys = sorted(issue["key"] for issue in json.loads(stdout)["issues"])
    assert keys == ["resolved", "unit", "value"]
