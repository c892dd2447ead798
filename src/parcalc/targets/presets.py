"""Presets: shipped, versioned sets of targets (and bands) with their sources, in parcalc/targets/shipped/*.toml.

A preset is a data file with a ``[preset]`` table (version, titles, sources) in front of its
``[[targets]]``; the rest is read and checked exactly like a user's file, so a preset target behaves
like one written by hand. Its targets have no scope: they apply to the whole, or to each level or unit
named with ``--level`` / ``--unit``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from parcalc.core.issues import UsageError, did_you_mean
from parcalc.core.words import pick
from parcalc.data.loading import Source, validate_model
from parcalc.data.text import index_lines

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Preset:
    name: str
    version: str
    title: str
    title_en: str
    sources: tuple[str, ...]
    text: str

    def title_in(self, lang: str) -> str:
        return pick((self.title, self.title_en), lang)

    @property
    def source_name(self) -> str:
        return f"preset:{self.name}"

    def load(self) -> Source:
        raw = tomllib.loads(self.text)
        raw.pop("preset", None)
        index = index_lines(self.text)
        return Source(self.source_name, validate_model(self.source_name, raw, index), index)

    def target_names(self) -> list[str]:
        return [t.name for t in self.load().data.targets]


def _read(name: str, text: str) -> Preset:
    meta: dict[str, Any] = tomllib.loads(text).get("preset", {})
    return Preset(
        name,
        str(meta.get("version", "1")),
        str(meta.get("title", name)),
        str(meta.get("title_en", meta.get("title", name))),
        tuple(str(s) for s in meta.get("sources", ())),
        text,
    )


def available() -> dict[str, Preset]:
    """Every shipped preset by name (the file name without .toml), in name order."""
    folder = resources.files("parcalc.targets") / "shipped"
    found: dict[str, Preset] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            name = entry.name.removesuffix(".toml")
            found[name] = _read(name, entry.read_text(encoding="utf-8"))
    return found


def find(name: str) -> Preset:
    """A preset by its full name (qd766-2022) or its family (qd766: the latest year); UsageError if none."""
    presets = available()
    if name in presets:
        return presets[name]
    family = [p for key, p in presets.items() if key.rsplit("-", 1)[0] == name]
    if family:
        return family[-1]
    raise UsageError(
        f"no preset {name!r}{did_you_mean(name, presets)}; see the list of shipped presets", option="preset"
    )
