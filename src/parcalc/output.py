"""Writing output: standard output for ``-``, otherwise a file written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from parcalc.loading import STDIN, UsageError


def check_target(path: str | None, inputs: Sequence[str] = ()) -> None:
    """Refuse, before any work, to write over one of the input files."""
    if path is None or path == STDIN:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path}: is a folder; name a file for --output")
    for name in inputs:
        if name == STDIN:
            continue
        with contextlib.suppress(OSError):
            if target.exists() and Path(name).exists() and target.samefile(name):
                raise UsageError(f"{path}: refusing to write the output over an input file")


def write(content: str | bytes, path: str | None) -> None:
    """Write to standard output, or atomically to ``path``: a temporary file beside it, then a rename.

    A failure or an interruption leaves any previous file untouched and no temporary file behind.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path is None or path == STDIN:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise UsageError(f"{path}: cannot write ({exc.strerror})") from None
        raise
