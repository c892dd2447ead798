"""Progress of a long ingest: a Rich bar on standard error when it is a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from parcalc.records.sources import ProgressHook


@contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressHook | None]:
    """A hook that moves a transient bar, or None when quiet or when standard error is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading", total=1.0)

        def update(stage: str, fraction: float | None) -> None:
            bar.update(task, description=stage, completed=fraction or 0.0)

        yield update
