"""What a packager meets: the licence, its metadata, what the sdist carries, and what CI runs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_license_file_and_spdx_metadata() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # the SPDX form; the { text = ... } table is deprecated
    assert project["project"]["license-files"] == ["LICENSE"]
    assert any(re.match(r"setuptools>=(7[7-9]|[89]\d)", r) for r in project["build-system"]["requires"])


def test_the_sdist_carries_the_tests_their_data_and_the_examples() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    for folder in ("tests", "examples", "benchmarks"):
        assert f"graft {folder}" in manifest
    # the tests find their data next to them, never outside the source tree (except the optional seeds copy)
    assert (ROOT / "tests" / "golden" / "seeds.json").exists()


def test_ci_installs_chromium_then_runs_exactly_the_readme_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(python -m pip install -e .*)\n```", readme)
    assert command is not None
    lines = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[-1] == command.group(1)
    script = " ".join(lines).replace("\\", " ")
    assert re.search(r"apt-get install [^;&|]*chromium", script)
