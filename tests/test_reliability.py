"""Reliability through a real process: output files survive failures and signals, pipes and standard input
behave, limits refuse what would exhaust memory, and encodings are named or kept byte-exact.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from parcalc import reporters
from parcalc.cli import app
from parcalc.data.limits import MAX_COUNT
from parcalc.reporters import output

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
NFC_NAME = unicodedata.normalize("NFC", "Xã Phước Lộc")
NFD_NAME = unicodedata.normalize("NFD", "Xã Phước Sơn")
DATA = f"""
[parcalc]
title = "Huyện Tuy Phước"

[[units]]
id = "phuoc-loc"
name = "{NFC_NAME}"
level = "commune"

[[units]]
id = "phuoc-son"
name = "{NFD_NAME}"
level = "commune"

[[figures]]
period = "2022"
level = "commune"
unit = "phuoc-loc"
received_new = 100
resolved = 90
resolved_late = 9

[[figures]]
period = "2022"
level = "commune"
unit = "phuoc-son"
received_new = 50
resolved = 40
resolved_late = 1

[[targets]]
name = "late"
metric = "late_rate"
op = "<="
value = "20%"
points = 10
"""


def start(args: list[str], cwd: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "parcalc", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**ENV, **env},
    )


def run(args: list[str], cwd: Path, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "parcalc", *args], cwd=cwd, input=stdin, capture_output=True, env={**ENV, **env}
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def _others(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# Output safety


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_run_killed_mid_write_keeps_the_previous_file(data: Path, sig: signal.Signals) -> None:
    target = data.parent / "out.json"
    target.write_text("previous\n", encoding="utf-8")
    process = start(["compute", str(data), "-q", "-o", str(target)], data.parent, **{output.TEST_WRITE_DELAY: "30"})
    assert process.stderr is not None
    announced = process.stderr.readline()  # the test hook says when the output is complete but not in place
    assert b"test hook" in announced
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)
    expected = {signal.SIGKILL: -9, signal.SIGTERM: 128 + 15, signal.SIGINT: 130}[sig]
    assert process.returncode == expected
    assert b"Traceback" not in stderr
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert _others(data.parent, "data.toml", "out.json") == []  # not even SIGKILL leaves a temporary file


def test_the_portable_path_removes_its_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where O_TMPFILE does not exist the temporary file has a name; an interruption must remove it.
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    monkeypatch.setenv(output.TEST_WRITE_DELAY, "1")

    def interrupted(seconds: float) -> None:
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"]  # the named temporary file exists
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", interrupted)
    target = tmp_path / "out.txt"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        output.write("new", str(target))
    assert target.read_text(encoding="utf-8") == "previous"
    assert _others(tmp_path, "out.txt") == []


def _commands_with_output() -> list[str]:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    return sorted(
        name
        for name, command in commands.items()
        if any(p.name == "output" for p in command.params)
        and any(p.param_type_name == "argument" for p in command.params)
    )


@pytest.mark.parametrize("command", _commands_with_output())
@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_no_command_writes_over_its_input(command: str, link: str, data: Path) -> None:
    source = data
    if command == "ingest":
        source = data.parent / "records.csv"
        source.write_bytes((ROOT / "examples" / "records" / "ho-so-2022.csv").read_bytes())
    before = source.read_bytes()
    target = data.parent / "target.toml"
    if link == "same":
        target = source
    elif link == "symlink":
        target.symlink_to(source)
    else:
        os.link(source, target)
    result = CliRunner().invoke(app, [command, str(source), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "refusing to write the output over an input file" in result.stderr
    assert source.read_bytes() == before


def test_output_through_a_symlink_keeps_the_link(data: Path) -> None:
    real = data.parent / "reports" / "real.json"
    real.parent.mkdir()
    link = data.parent / "latest.json"
    link.symlink_to(real)
    done = run(["compute", str(data), "-q", "-o", str(link)], data.parent)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["schema"] == "parcalc/compute/1"


def test_output_to_a_pipe_or_device_writes_into_it(data: Path) -> None:
    fifo = data.parent / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    done = run(["compute", str(data), "-q", "-f", "csv", "-o", str(fifo)], data.parent)
    received, _ = reader.communicate(timeout=30)
    assert done.returncode == 0, done.stderr
    assert received.startswith(b"period,start,end")
    assert fifo.is_fifo()  # not replaced by a regular file
    assert run(["metrics", "-o", os.devnull], data.parent).returncode == 0
    assert not Path(os.devnull).is_file()


# Pipes and standard input


def _big_input(folder: Path, rows: int = 400) -> Path:
    path = folder / "big.toml"
    tables = [
        f'[[figures]]\nperiod = "2022-{m:02d}"\nlevel = "commune"\nunit = "xã-{i}"\nreceived_new = 10\nresolved = 9\n'
        for i in range(rows // 12 + 1)
        for m in range(1, 13)
    ]
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


@pytest.mark.parametrize("sigpipe", [True, False], ids=["sigpipe", "no-sigpipe"])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path, sigpipe: bool) -> None:
    # Without SIGPIPE (Windows) a closed pipe is a BrokenPipeError: it must end the run quietly too.
    launcher = "from parcalc.__main__ import main; main()"
    if not sigpipe:
        launcher = "import signal; del signal.SIGPIPE; " + launcher
    process = subprocess.Popen(
        [sys.executable, "-c", launcher, "compute", str(_big_input(tmp_path)), "-q", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10) == b'{\n  "schem'
    process.stdout.close()  # what `| head -c 10` does
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert stderr == b""
    assert process.returncode == (-signal.SIGPIPE if sigpipe else 0)


def test_closed_standard_input_is_a_clear_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        f"exec {sys.executable} -m parcalc compute - <&-", shell=True, capture_output=True, cwd=tmp_path, env=ENV
    )
    assert done.returncode == 2
    assert done.stderr.decode() == "parcalc: standard input is closed; give a data file or pipe one in\n"


def test_large_standard_input_is_read(tmp_path: Path) -> None:
    padding = ("# " + "ghi chú " * 120 + "\n") * 20_000  # about 20 MB of comments around a small table
    done = run(["compute", "-", "-f", "json"], tmp_path, stdin=(padding + DATA).encode("utf-8"))
    assert done.returncode == 0, done.stderr[-500:]
    assert len(json.loads(done.stdout)["rows"]) == 2


def test_ctrl_c_while_waiting_for_standard_input_exits_130_quietly(tmp_path: Path) -> None:
    process = start(["compute", "-"], tmp_path)
    deadline = time.monotonic() + 30
    wchan = Path(f"/proc/{process.pid}/wchan")
    while time.monotonic() < deadline:  # wait until it is blocked reading, past start-up
        if wchan.exists() and "pipe" in wchan.read_text():
            break
        time.sleep(0.05)
    else:
        time.sleep(3)  # no /proc: give start-up time
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stdout == b"" and stderr == b""


# Limits


def test_an_input_over_the_byte_limit_is_refused_before_it_is_read(data: Path) -> None:
    done = run(["compute", str(data), "--lang", "en"], data.parent, PARCALC_MAX_INPUT_BYTES="500")
    assert done.returncode == 3
    assert "more than 500 bytes" in done.stderr.decode() and "PARCALC_MAX_INPUT_BYTES" in done.stderr.decode()
    piped = run(["compute", "-", "--lang", "en"], data.parent, stdin=b"#" * 5000, PARCALC_MAX_INPUT_BYTES="1000")
    assert piped.returncode == 3 and b"<stdin>" in piped.stderr
    assert run(["compute", str(data), "-q"], data.parent, PARCALC_MAX_INPUT_BYTES="100000").returncode == 0


def test_an_input_over_the_table_limit_is_refused(data: Path) -> None:
    done = run(["validate", str(data), "--lang", "en"], data.parent, PARCALC_MAX_TABLES="3")
    assert done.returncode == 3
    assert "more than 3 tables" in done.stdout.decode() + done.stderr.decode()
    bad = run(["compute", str(data)], data.parent, PARCALC_MAX_TABLES="many")
    assert bad.returncode == 2 and b"PARCALC_MAX_TABLES must be a whole number" in bad.stderr


def test_counts_up_to_2_63_minus_1_are_exact_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "max.toml"
    path.write_text(
        f'[[figures]]\nperiod = "2022"\nlevel = "province"\nreceived_new = {MAX_COUNT}\n'
        f"carried_over = {MAX_COUNT}\nresolved = {MAX_COUNT}\nresolved_late = 1\n",
        encoding="utf-8",
    )
    done = run(["compute", str(path), "-q", "-f", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["rows"][0]["counts"]
    assert counts["received"] == 2 * MAX_COUNT  # the derived sum is above 2^63 and still exact
    assert counts["resolved"] == MAX_COUNT
    if "xlsx" in reporters.FORMATS:
        import openpyxl

        assert run(["compute", str(path), "-q", "-o", str(tmp_path / "max.xlsx")], tmp_path).returncode == 0
        cells = {c for sheet in openpyxl.load_workbook(tmp_path / "max.xlsx") for r in sheet.values for c in r}
        assert str(MAX_COUNT) in cells and str(2 * MAX_COUNT) in cells  # as text, not rounded to a double


def test_a_count_above_2_63_minus_1_is_an_invalid_count(tmp_path: Path) -> None:
    path = tmp_path / "over.toml"
    path.write_text(f'[[figures]]\nperiod = "2022"\nlevel = "province"\nresolved = {MAX_COUNT + 1}\n', "utf-8")
    done = run(["compute", str(path), "--lang", "en"], tmp_path)
    assert done.returncode == 3
    assert f"above the largest count {MAX_COUNT}" in done.stderr.decode()
    assert "[invalid-count]" in done.stderr.decode()


def test_peak_memory_stays_within_the_documented_budget(tmp_path: Path) -> None:
    # limits.py documents about 18 KB per figures table at the peak; check it at a small size.
    rows = int(os.environ.get("PARCALC_SCALE_ROWS", "2000"))
    big = _big_input(tmp_path, rows)
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    peaks = []
    for args in (["metrics"], ["compute", str(big), "-q", "-f", "json"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, sys.executable, "-m", "parcalc", *args], capture_output=True, env=ENV
        )
        peaks.append(int(done.stdout) * 1024)
    per_table = (peaks[1] - peaks[0]) / rows
    assert per_table < 25_000, f"{per_table:.0f} bytes per figures table"


# Encodings


def _cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters with combining tone marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            out += head.encode("cp1258") + "".join(m for m in marks if m not in "\u0302\u0306\u031b").encode("cp1258")
    return out


def test_other_encodings_are_named_with_the_byte_offset(tmp_path: Path) -> None:
    text = 'title = "Kết quả giải quyết TTHC"\n'
    files = {
        "utf16.toml": ("[parcalc]\n" + text).encode("utf-16"),
        "utf16be.toml": ("[parcalc]\n" + text).encode("utf-16-be"),
        "cp1258.toml": b"[parcalc]\n" + _cp1258(text),
        "latin1.toml": "[parcalc]\ntitle = 'Café'\n".encode("latin-1"),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    done = run(["validate", *files, "-f", "json", "--lang", "en"], tmp_path)
    assert done.returncode == 3
    messages = {issue["file"]: issue["message"] for issue in json.loads(done.stdout)["issues"]}
    assert "byte offset 0; it looks like UTF-16 (byte-order mark FF FE)" in messages["utf16.toml"]
    assert "byte 0x00 at byte offset 0; it looks like UTF-16 (every other byte is 0)" in messages["utf16be.toml"]
    assert "byte 0xea at byte offset 20; it looks like Windows-1258 (Vietnamese)" in messages["cp1258.toml"]
    assert "byte 0xe9 at byte offset 22; it looks like Windows-1252 or Latin-1" in messages["latin1.toml"]


@pytest.mark.parametrize("fmt", sorted(reporters.FORMATS))
def test_vietnamese_names_are_kept_byte_exact_in_every_format(fmt: str, data: Path) -> None:
    assert unicodedata.normalize("NFC", NFD_NAME) != NFD_NAME  # the test means something
    target = data.parent / f"out.{fmt}"
    result = CliRunner().invoke(app, ["compute", str(data), "-q", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        import openpyxl

        text = "\n".join(str(c) for sheet in openpyxl.load_workbook(target) for r in sheet.values for c in r)
    else:
        text = target.read_text(encoding="utf-8")
    assert NFC_NAME in text and NFD_NAME in text
