"""The one exception ingest raises for bad input: an InputError carrying one located problem.

Like every other input error it reaches the CLI as exit code 3 and the JSON problem shape; ``code`` says
what failed (``records-file``, ``records-columns``, ``column-map``, ``bad-records``, ``ingest-output``,
``records``), and the message is the problem's ``detail``, in English as DuckDB and the files word it.
"""

from __future__ import annotations

from parcalc.core.issues import InputError, error


class IngestError(InputError):
    """Records that cannot be turned into figures: the problem says where (file, row) and why."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, code: str = "records") -> None:
        super().__init__([error(code, detail=message).located(file=file, line=row)])
        self.message = message
        self.file = file
        self.row = row
