"""The HTML report: one self-contained page with the summary, charts and tables, checked in a real browser.

The browser tests run headless Chromium when it is installed (Debian: apt-get install chromium) and are
skipped otherwise; CI installs only Python packages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

if TYPE_CHECKING:
    from conftest import Ran

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _html(cli: Callable[..., Ran], tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "report.html"
    ran = cli([*args, "-q", "-o", str(target)])
    assert ran.code in (0, 1), ran.stderr
    return target


def test_page_is_self_contained(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "compute", str(EXAMPLES / "communes-monthly.toml")).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("<script", "<link", "<img", "@import", "url(", "http://", "https://", "src="):
        assert outside not in page
    assert "@media print" in page
    assert '<html lang="vi">' in page


def test_trends_where_periods_repeat(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "compute", str(EXAMPLES / "communes-monthly.toml")).read_text(encoding="utf-8")
    assert page.count('<svg class="trend"') == 3  # one chart per commune, six months each
    assert "<figcaption>Xã Phước Lộc: tháng 1/2022 – tháng 6/2022</figcaption>" in page
    lines = re.findall(r'<polyline class="line (s\d)" points="([^"]+)"', page)
    assert {css for css, _ in lines} == {"s1", "s2", "s3"}  # on-time, late and online share
    assert all(len(points.split()) == 6 for _, points in lines)
    assert "Tỷ lệ hồ sơ trực tuyến, 1/2022: 43,38%" in page  # a point's tooltip


def test_no_trend_for_a_single_period(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "compute", str(EXAMPLES / "binh-phuoc-2022-h1.toml")).read_text(encoding="utf-8")
    assert "<svg" not in page
    assert "Cấp tỉnh: tiếp nhận 226.593 hồ sơ" in page
    assert '<td class="num">226.593</td>' in page


def test_targets_page_has_attainment_bars(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "check-targets", str(EXAMPLES / "communes-monthly.toml"), "--lang", "en")
    text = page.read_text(encoding="utf-8")
    summary = cli(["check-targets", str(EXAMPLES / "communes-monthly.toml"), "-q", "-f", "json"]).json()["summary"]
    assert summary["missed"] > 0
    assert text.count('<svg class="bar missed"') == summary["missed"]
    assert text.count('<svg class="bar met"') == summary["met"]
    assert "<h2>Target attainment</h2>" in text


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium installed (apt-get install chromium)")


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [_browser(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


def test_browser_renders_the_report(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "compute", str(EXAMPLES / "communes-monthly.toml"))
    dom = _chromium(page, tmp_path / "profile", "--dump-dom").stdout.decode("utf-8")
    assert "<h1>Ví dụ minh họa: số liệu theo tháng của 3 xã" in dom
    assert dom.count("<figure>") == 3
    assert "Xã Phước Lộc: tiếp nhận 228 hồ sơ" in dom
    assert "<h2>Số hồ sơ</h2>" in dom


def test_browser_screenshot(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "check-targets", str(EXAMPLES / "communes-monthly.toml"))
    shot = tmp_path / "report.png"
    _chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000")
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(png) > 50_000  # a page with text and bars, not a blank one


def test_browser_prints_to_pdf(cli: Callable[..., Ran], tmp_path: Path) -> None:
    page = _html(cli, tmp_path, "compute", str(EXAMPLES / "duyen-hai-2022.toml"))
    pdf = tmp_path / "report.pdf"
    _chromium(page, tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes
    for width, height in boxes:  # A4 landscape, as @page asks: 842 x 595 points
        assert (round(float(width)), round(float(height))) == (842, 595)
