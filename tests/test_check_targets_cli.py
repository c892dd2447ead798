"""check-targets and rank from the command line: the JSON contract, human formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Ran

ROOT = Path(__file__).resolve().parent.parent
DUYEN_HAI = str(ROOT / "examples" / "duyen-hai-2022.toml")
ECERT = str(ROOT / "examples" / "ecert-monthly.toml")

Runner = Callable[..., "Ran"]

FIGURES = """
[[figures]]
period = "2022"
level = "commune"
received_new = 100
received_online = 49
resolved = 100
resolved_late = 1
"""


def write(tmp_path: Path, text: str, name: str = "data.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_duyen_hai_json_follows_the_contract(cli: Runner) -> None:
    ran = cli(["check-targets", DUYEN_HAI, "--format", "json", "--quiet"])
    assert ran.code == 0, ran.stderr
    report = ran.json()
    assert report["schema"] == "parcalc/targets/1" and report["version"]
    assert report["summary"] == {"met": 2, "missed": 0, "no_data": 0}
    desk, communes = report["results"]
    assert {
        "target": desk["target"],
        "metric": desk["metric"],
        "op": desk["op"],
        "threshold": desk["threshold"],
        "period": desk["period"],
        "level": desk["level"],
        "unit": desk["unit"],
        "status": desk["status"],
        "shortfall": desk["shortfall"],
    } == {
        "target": "online-share-district-desk",
        "metric": "online_share_total",
        "op": ">=",
        "threshold": 0.4,
        "period": "2022",
        "level": "district",
        "unit": "duyen-hai",
        "status": "met",
        "shortfall": 0,
    }
    assert desk["actual"] == pytest.approx(1144 / 2329)
    assert (desk["numerator"], desk["denominator"]) == (1144, 2329)
    assert communes["actual"] == pytest.approx(12759 / 29781) and communes["unit"] is None
    assert communes["source"].startswith("Chỉ tiêu tỷ lệ hồ sơ trực tuyến cấp xã")
    assert communes["months"] is None


def test_json_is_deterministic(cli: Runner) -> None:
    first = cli(["check-targets", ECERT, "-f", "json", "-q"]).stdout
    assert first == cli(["check-targets", ECERT, "-f", "json", "-q"]).stdout


def test_the_ecert_example_shows_who_missed_in_which_months(cli: Runner) -> None:
    ran = cli(["check-targets", ECERT, "-f", "json", "-q", "--target", "ecert-30-each-month"])
    assert ran.code == 1
    results = {r["unit"]: r for r in ran.json()["results"]}
    missed = {
        unit: [m["period"] for m in r["months"] if m["status"] == "missed"]
        for unit, r in results.items()
        if r["status"] == "missed"
    }
    assert missed == {
        "phuoc-an": ["2022-01", "2022-02", "2022-06"],
        "phuoc-hoa": ["2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"],
        "phuoc-nghia": ["2022-02"],
        "phuoc-quang": ["2022-01", "2022-04"],
    }
    quang = results["phuoc-quang"]
    assert (quang["actual"], quang["shortfall"], quang["per"]) == (28, 3, "month")
    assert quang["months"][0] == {
        "period": "2022-01",
        "actual": 28,
        "status": "missed",
        "shortfall": 2,
        "numerator": 28,
        "denominator": 1,
        "required": 30,
    }
    assert results["phuoc-an"]["months"][2]["status"] == "no_data"
    assert results["phuoc-thang"]["status"] == "met"  # exactly 30 a month
    assert ran.json()["summary"] == {"met": 3, "missed": 4, "no_data": 0}


def test_table_shows_the_verdict_bar_shortfall_and_source(cli: Runner) -> None:
    ran = cli(["check-targets", ECERT, "-f", "table", "--lang", "vi", "-q"])
    assert ran.code == 1
    out = ran.stdout
    assert "ecert-30-each-month" in out and "Nguồn: Chứng thực bản sao điện tử" in out
    assert "không đạt (2/6 tháng)" in out  # Phước Quang
    assert "└ 2022-04" in out
    assert "█" in out and "░" in out
    assert "180 / 6 tháng" in out


def test_markdown_and_csv(cli: Runner) -> None:
    markdown = cli(["check-targets", DUYEN_HAI, "-f", "markdown", "--lang", "en", "-q"]).stdout
    assert "| 2022 | district | Thị xã Duyên Hải | 1,144 / 2,329 | 49.12% | ██████████ | met |  |" in markdown
    rows = list(csv.DictReader(io.StringIO(cli(["check-targets", ECERT, "-f", "csv", "-q"]).stdout)))
    quang = [r for r in rows if r["unit"] == "phuoc-quang" and r["target"] == "ecert-30-each-month"]
    assert [r["month"] for r in quang] == ["", "2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]
    assert (quang[0]["status"], quang[0]["shortfall"], quang[0]["threshold"]) == ("missed", "3", "30")


def test_a_miss_is_never_displayed_at_its_threshold(tmp_path: Path, cli: Runner) -> None:
    text = FIGURES.replace("received_new = 100", "received_new = 20000").replace(
        "received_online = 49", "received_online = 9999"
    )
    text += '[[targets]]\nname = "half"\nmetric = "online_share"\nvalue = "50%"\n'
    ran = cli(["check-targets", write(tmp_path, text), "-f", "markdown", "--lang", "vi", "-q"])
    assert ran.code == 1
    assert "49,99%" in ran.stdout and "50,00%" not in ran.stdout
    assert "| không đạt | 1 |" in ran.stdout


def test_targets_file_and_presets(tmp_path: Path, cli: Runner) -> None:
    data = write(tmp_path, FIGURES)
    targets = write(tmp_path, '[[targets]]\nname = "late"\nmetric = "late_rate"\nop = "<="\nvalue = "1%"\n', "t.toml")
    ran = cli(["check-targets", data, "--targets", targets, "-f", "json", "-q"])
    assert ran.code == 0 and [r["status"] for r in ran.json()["results"]] == ["met"]
    ran = cli(["check-targets", data, "--preset", "qd766", "-f", "json", "-q", "--level", "commune"])
    results = {r["target"]: r for r in ran.json()["results"]}
    assert results["qd766-online-submission"]["status"] == "missed"
    assert results["qd766-online-submission"]["shortfall"] == 1
    assert results["qd766-progress"]["status"] == "no_data" and results["qd766-progress"]["score"] == 0
    assert ran.code == 1


def test_list_presets(cli: Runner) -> None:
    ran = cli(["check-targets", "--list-presets", "-f", "json"])
    assert ran.code == 0
    names = {p["name"]: p for p in ran.json()["presets"]}
    assert "qd766-online-payment" in names["qd766-2022"]["targets"]
    assert names["nq76-2025"]["sources"]
    table = cli(["check-targets", "--list-presets", "-f", "table", "--lang", "en"]).stdout
    assert "nq76-2025" in table and "Resolution 76/NQ-CP" in table


def test_rank_json_and_table(cli: Runner) -> None:
    ran = cli(["rank", ECERT, "-f", "json", "--bands", "A=100%,B=90%,C=60%", "-q"])
    assert ran.code == 0, ran.stderr
    report = ran.json()
    assert (report["schema"], report["by"], report["order"]) == ("parcalc/rank/1", "points", "descending")
    assert [(r["rank"], r["band"]) for r in report["rows"]] == [(1, "A")] * 5 + [(6, "B"), (7, "C")]
    by_metric = cli(["rank", ECERT, "-m", "ecert_per_month", "--period", "2022-H1", "-f", "json", "-q"]).json()
    ranks = [(r["unit"], r["rank"], r["value"]) for r in by_metric["rows"]]
    assert ranks[2:4] == [("phuoc-nghia", 3, 31), ("phuoc-quang", 3, 31)]
    assert ranks[4] == ("phuoc-thang", 5, 30)
    table = cli(["rank", ECERT, "-f", "table", "--lang", "vi", "-q"]).stdout
    assert "Xếp loại" in table and "trung bình" in table and "9,67" in table


def test_rank_usage_errors(tmp_path: Path, cli: Runner) -> None:
    data = write(tmp_path, FIGURES + '[[targets]]\nname = "t"\nmetric = "online_share"\nvalue = "50%"\n')
    assert cli(["rank", data, "-q"]).code == 2  # no target has points
    assert cli(["rank", data, "-m", "online_shar", "-q"]).code == 2
    assert cli(["rank", data, "-m", "online_share", "--bands", "A90", "-q"]).code == 2


# --- exit codes, through a real process ----------------------------------------------------------------


def test_exit_0_when_every_target_is_met(run: Runner) -> None:
    ran = run(["check-targets", DUYEN_HAI, "-f", "json", "-q"])
    assert ran.code == 0 and json.loads(ran.stdout)["summary"]["met"] == 2


def test_exit_1_when_a_target_is_missed(run: Runner) -> None:
    ran = run(["check-targets", ECERT, "-f", "json", "-q"])
    assert ran.code == 1 and json.loads(ran.stdout)["summary"]["missed"] == 6
    assert "Traceback" not in ran.stderr


def test_no_data_passes_unless_asked_to_fail(tmp_path: Path, run: Runner) -> None:
    data = write(tmp_path, FIGURES + '[[targets]]\nname = "pay"\nmetric = "online_payment_rate"\nvalue = "80%"\n')
    ran = run(["check-targets", data, "-f", "json"])
    assert ran.code == 0 and "without data" in ran.stderr
    strict = run(["check-targets", data, "-f", "json", "--fail-on-no-data"])
    assert strict.code == 1 and json.loads(strict.stdout)["results"][0]["status"] == "missed"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ('metric = "online_shar"\nvalue = "35%"', "did you mean 'online_share'"),
        ('metric = "online_share"\nvalue = 35', 'write "35%"'),
        ('metric = "ecert_per_month"\nvalue = "30%"', "is a percentage"),
        ('metric = "online_share"\nvalue = "135%"', "above 100%"),
        ('metric = "online_share"\nop = "=>"\nvalue = "35%"', "op"),
    ],
)
def test_exit_3_on_invalid_targets_with_their_location(tmp_path: Path, run: Runner, target: str, message: str) -> None:
    data = write(tmp_path, FIGURES + f'\n[[targets]]\nname = "t"\n{target}\n')
    ran = run(["check-targets", data, "--lang", "en"])
    assert ran.code == 3, ran.stderr
    assert message in ran.stderr and "data.toml:" in ran.stderr and "targets[0]" in ran.stderr
    assert "Traceback" not in ran.stderr and ran.stdout == ""


def test_exit_3_on_a_duplicate_name_across_files(tmp_path: Path, run: Runner) -> None:
    data = write(tmp_path, FIGURES + '[[targets]]\nname = "t"\nmetric = "online_share"\nvalue = "35%"\n')
    other = write(tmp_path, '[[targets]]\nname = "t"\nmetric = "late_rate"\nvalue = "1%"\nop = "<="\n', "t.toml")
    ran = run(["check-targets", data, "--targets", other, "--lang", "en"])
    assert ran.code == 3 and "target 't' is declared twice" in ran.stderr and "t.toml:" in ran.stderr


def test_exit_2_on_usage_errors(tmp_path: Path, run: Runner) -> None:
    data = write(tmp_path, FIGURES)
    no_targets = run(["check-targets", data])
    assert no_targets.code == 2 and "no targets to check" in no_targets.stderr
    assert run(["check-targets", data, "--preset", "qd767"]).code == 2
    assert run(["check-targets", str(tmp_path / "absent.toml")]).code == 2
    named = run(["check-targets", DUYEN_HAI, "--target", "online-share-commune", "-q"])
    assert named.code == 2 and "did you mean 'online-share-communes'" in named.stderr
