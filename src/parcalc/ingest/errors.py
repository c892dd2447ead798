"""The one exception ingest raises for bad input; the CLI maps it to exit code 3."""

from __future__ import annotations


class IngestError(Exception):
    """Records that cannot be turned into figures: the message says where and why."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.file = file
        self.row = row
        where = ""
        if file is not None:
            where = f"{file}, row {row}: " if row is not None else f"{file}: "
        super().__init__(f"{where}{message}")
