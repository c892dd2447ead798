"""The record columns of the contract, a system's own header names for them, and value spellings.

A column map is a TOML or JSON file that names, for each contract column, the header a system exports:

    dossier_id = "Mã hồ sơ"
    received_on = "Ngày tiếp nhận"

    [channels]                       # optional: more spellings of channel values
    online = ["Nộp qua Cổng DVC"]

Headers are matched as figures sheets match theirs (parcalc.data.text.header_key: no case, accents or
extra spacing). Values are matched ignoring case, surrounding spaces and Unicode composition, because
exports from different systems spell the same Vietnamese word with precomposed or combining accents; the
SQL that reads the records (parcalc.records.sql) compares them the same way, which keeps the accents.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from parcalc.data.text import header_key
from parcalc.records.errors import IngestError

REQUIRED = ("dossier_id", "unit", "level", "channel", "received_on", "due_on", "resolved_on")
OPTIONAL = ("withdrawn_on", "full_online")
COLUMNS = REQUIRED + OPTIONAL
DATE_COLUMNS = ("received_on", "due_on", "resolved_on", "withdrawn_on")

CHANNELS = ("online", "direct", "postal")

# Spellings seen in one-stop-shop exports; compared after value_form().
CHANNEL_VALUES: dict[str, tuple[str, ...]] = {
    "online": ("online", "trực tuyến", "truc tuyen", "qua mạng", "dvc trực tuyến", "điện tử"),
    "direct": ("direct", "trực tiếp", "truc tiep", "tại quầy", "một cửa", "offline"),
    "postal": ("postal", "bưu chính", "buu chinh", "bưu chính công ích", "bcci", "post"),
}
TRUE_VALUES = ("true", "t", "yes", "y", "1", "x", "có", "co", "đúng", "toàn trình", "toan trinh")
FALSE_VALUES = ("false", "f", "no", "n", "0", "không", "khong", "sai", "một phần", "mot phan")

# Level names in Vietnamese reports, mapped to the contract's level ids.
LEVEL_VALUES: dict[str, tuple[str, ...]] = {
    "province": ("tỉnh", "cấp tỉnh", "tinh", "cap tinh"),
    "district": ("huyện", "cấp huyện", "huyen", "cap huyen"),
    "commune": ("xã", "cấp xã", "xa", "cap xa"),
}


def value_form(text: str) -> str:
    """The form in which values are compared, as the SQL compares them: lower(trim(nfc_normalize(v)))."""
    return unicodedata.normalize("NFC", text).strip().casefold()


@dataclass(frozen=True)
class ColumnMap:
    """Contract column -> header in the file, plus extra channel spellings."""

    headers: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def channel_values(self) -> dict[str, tuple[str, ...]]:
        merged = {name: CHANNEL_VALUES[name] + self.channels.get(name, ()) for name in CHANNELS}
        return {name: tuple(dict.fromkeys(value_form(v) for v in values)) for name, values in merged.items()}

    def resolve(self, found: Iterable[str], source: str) -> dict[str, str | None]:
        """Match the contract columns to the headers found in a file; None for an absent optional one."""
        by_form = {header_key(name): name for name in found}
        resolved: dict[str, str | None] = {}
        missing = []
        for column in COLUMNS:
            actual = by_form.get(header_key(self.header(column)))
            if actual is None and column in REQUIRED:
                missing.append(column)
            resolved[column] = actual
        if missing:
            wanted = ", ".join(f"{c}" if self.header(c) == c else f"{c} (as {self.header(c)!r})" for c in missing)
            raise IngestError(
                f"no column for {wanted}; the file has {', '.join(map(repr, by_form.values()))}"
                " (a column map names your system's headers: --columns map.toml)",
                file=source,
                code="records-columns",
            )
        return resolved


def load_column_map(path: str | Path) -> ColumnMap:
    """Read a column map from TOML or JSON."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise IngestError(
            f"cannot read the column map: {exc.strerror or exc}", file=source, code="column-map"
        ) from None
    try:
        data = json.loads(text) if source.lower().endswith(".json") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(f"the column map is not valid: {exc}", file=source, code="column-map") from None
    if not isinstance(data, dict):
        raise IngestError("a column map is a table of column = header", file=source, code="column-map")
    return column_map_from(data, source)


def column_map_from(data: Mapping[str, object], source: str = "column map") -> ColumnMap:
    """Build a column map from parsed TOML/JSON, rejecting unknown keys with a hint."""
    headers: dict[str, str] = {}
    channels: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        if key == "channels":
            channels = _channels(value, source)
        elif key in COLUMNS:
            if not isinstance(value, str) or not value.strip():
                raise IngestError(f"{key} must name a header (text), not {value!r}", file=source, code="column-map")
            headers[key] = value
        else:
            hint = get_close_matches(key, [*COLUMNS, "channels"], n=1)
            suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise IngestError(f"unknown key {key!r} in the column map{suffix}", file=source, code="column-map")
    return ColumnMap(headers, channels)


def _channels(value: object, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise IngestError("channels must be a table: online = [...], direct = [...]", file=source, code="column-map")
    result: dict[str, tuple[str, ...]] = {}
    for name, spellings in value.items():
        if name not in CHANNELS:
            raise IngestError(f"unknown channel {name!r} (online, direct or postal)", file=source, code="column-map")
        items = [spellings] if isinstance(spellings, str) else spellings
        if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
            raise IngestError(f"channels.{name} must be text or a list of texts", file=source, code="column-map")
        result[name] = tuple(items)
    return result
