"""Ranking: shared ranks for equal values, bands by share of the points or by metric value, presets."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from parcalc.analysis import calc
from parcalc.core.issues import UsageError
from parcalc.core.metrics import Registry
from parcalc.data import dataset
from parcalc.targets import check as targets
from parcalc.targets import presets as preset
from parcalc.targets import ranking
from parcalc.targets.ranking import BandRule, Ranked, band_of, competition_ranks, read_bands

ROOT = Path(__file__).resolve().parent.parent
ECERT_EXAMPLE = ROOT / "examples" / "ecert-monthly.toml"


def test_equal_values_share_a_rank_and_the_next_skips() -> None:
    values = [Fraction(9), Fraction(7), Fraction(7), Fraction(5), None]
    assert competition_ranks(values) == [1, 2, 2, 4, None]
    assert competition_ranks(values, ascending=True) == [4, 2, 2, 1, None]
    assert competition_ranks([]) == []
    assert competition_ranks([Fraction(1)] * 3) == [1, 1, 1]


ABC = [BandRule("A", Fraction(9, 10), True), BandRule("B", Fraction(8, 10), True), BandRule("C", Fraction(7, 10), True)]


@pytest.mark.parametrize(
    ("points", "band"),
    [(100, "A"), (90, "A"), (Fraction(8999, 100), "B"), (80, "B"), (70, "C"), (69, None)],
)
def test_bands_by_share_of_the_points(points: Fraction, band: str | None) -> None:
    row = Ranked(None, "commune", "a", None, Fraction(points), Fraction(100))
    assert band_of(row, ABC, ascending=False) == band


def test_bands_in_points_and_lower_is_better() -> None:
    rules = [BandRule("tốt", Fraction(80), False), BandRule("khá", Fraction(65), False)]
    assert band_of(Ranked(None, None, None, None, Fraction(80)), rules, False) == "tốt"
    assert band_of(Ranked(None, None, None, None, Fraction(70)), rules, False) == "khá"
    late = [BandRule("good", Fraction(1, 100), False), BandRule("fair", Fraction(5, 100), False)]
    assert band_of(Ranked(None, None, None, None, Fraction(1, 200)), late, True) == "good"
    assert band_of(Ranked(None, None, None, None, Fraction(3, 100)), late, True) == "fair"
    assert band_of(Ranked(None, None, None, None, Fraction(6, 100)), late, True) is None


def test_read_bands() -> None:
    assert read_bands("A=90%,B=80%", None) == [
        BandRule("A", Fraction(9, 10), True),
        BandRule("B", Fraction(4, 5), True),
    ]
    assert read_bands("tốt=80, khá=65", None)[1] == BandRule("khá", Fraction(65), False)
    online = Registry()["online_share"]
    assert read_bands("good=50%", online) == [BandRule("good", Fraction(1, 2), False)]
    with pytest.raises(ValueError, match="NAME=BOUND"):
        read_bands("A90", None)
    with pytest.raises(ValueError, match='write "50%"'):
        read_bands("good=50", online)


def test_rank_by_points_on_the_ecert_example() -> None:
    data = dataset.load([str(ECERT_EXAMPLE)])
    rows = calc.analyse_all(data)
    result = ranking.by_points(targets.evaluate(data, rows), ranking.dataset_bands(data, None))
    table = [(r.rank, r.unit, r.value, r.band) for r in result.rows]
    assert table[:5] == [
        (1, u, 10, "tốt") for u in ("dieu-tri", "phuoc-hung", "phuoc-nghia", "phuoc-quang", "phuoc-thang")
    ]
    assert table[5:] == [(6, "phuoc-an", Fraction(29, 3), "khá"), (7, "phuoc-hoa", Fraction(20, 3), "trung bình")]
    assert all(r.maximum == 10 for r in result.rows)


def test_rank_by_metric_shares_ranks_on_ties() -> None:
    data = dataset.load([str(ECERT_EXAMPLE)])
    rows = calc.analyse_all(data)
    metric = data.registry["ecert_per_month"]
    result = ranking.by_metric(data, rows, metric, ranking.dataset_bands(data, metric), False, levels=("commune",))
    h1 = [(r.rank, r.unit, r.band) for r in result.rows if r.period is not None and r.period.label == "2022-01"]
    assert h1[0] == (1, "dieu-tri", "đạt")
    assert [r for r in h1 if r[1] == "phuoc-hoa"] == [(7, "phuoc-hoa", "chưa đạt")]
    ties = [(r.rank, r.unit) for r in result.rows if r.period is not None and r.period.label == "2022-06"]
    # June: 60, 38, 33, 30, 30, 29, 26
    assert ties == [
        (1, "dieu-tri"),
        (2, "phuoc-hung"),
        (3, "phuoc-quang"),
        (4, "phuoc-nghia"),
        (4, "phuoc-thang"),
        (6, "phuoc-an"),
        (7, "phuoc-hoa"),
    ]


# --- presets -------------------------------------------------------------------------------------------


def test_presets_ship_the_national_thresholds() -> None:
    shipped = preset.available()
    assert {"nq76-2025", "qd766-2022"} <= set(shipped)
    nq76 = {t.name: t for t in shipped["nq76-2025"].load().data.targets}
    assert {(t.metric, t.op, t.value) for t in nq76.values()} == {
        ("online_services_share", ">=", "80%"),
        ("online_payment_rate", ">=", "80%"),
    }
    qd766 = {t.metric: t for t in shipped["qd766-2022"].load().data.targets}
    assert (qd766["progress_rate"].value, qd766["progress_rate"].points) == ("100%", 20)
    assert qd766["online_share"].value == "50%" and qd766["online_share"].points is None
    assert qd766["online_services_share"].value == "80%"
    assert (qd766["online_payment_rate"].value, qd766["online_payment_rate"].points) == ("100%", 6)
    assert all(t.level is None and t.unit is None and t.source for t in qd766.values())
    assert "reverse-engineered" in shipped["qd766-2022"].text.lower()
    for found in shipped.values():
        assert found.version and found.title and found.title_en and found.sources


def test_every_preset_is_a_valid_target_set() -> None:
    for found in preset.available().values():
        data = dataset.build([found.load()])
        assert data.targets and all(p.values.threshold is not None for p in data.targets)


def test_find_a_preset_by_family_or_fail_with_a_hint() -> None:
    assert preset.find("qd766").name == "qd766-2022"
    assert preset.find("nq76-2025").name == "nq76-2025"
    with pytest.raises(UsageError, match="did you mean 'nq76-2025'"):
        preset.find("nq76-2052")
