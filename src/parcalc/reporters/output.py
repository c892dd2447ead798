"""Writing output: standard output for ``-``, otherwise a file written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from parcalc.core.issues import UsageError
from parcalc.data.text import STDIN


def check_output_path(path: str | None, inputs: Sequence[str] = ()) -> None:
    """Refuse, before any work, an output path that is a folder or one of the input files."""
    if path is None or path == STDIN:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path}: is a folder; name a file", option="output")
    for name in inputs:
        if name == STDIN:
            continue
        with contextlib.suppress(OSError):
            if target.exists() and Path(name).exists() and target.samefile(name):
                raise UsageError(f"{path}: refusing to write the output over an input file", option="output")


# Test hook: seconds to wait with the output complete but not yet in place, so that tests can kill a run
# mid-write (tests/test_reliability.py). Never set it in normal use.
TEST_WRITE_DELAY = "PARCALC_TEST_WRITE_DELAY"


def write(content: str | bytes, path: str | None) -> None:
    """Write to standard output, or atomically to ``path``: a temporary file beside it, then a rename.

    A failure or an interruption leaves any previous file untouched and no temporary file behind; on Linux
    the temporary file has no name until it is complete, so not even SIGKILL leaves one. A symbolic link
    is written through (the link stays), and a device or pipe (``-o /dev/null``) is written to directly.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path is None or path == STDIN:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    try:
        if target.exists() and not target.is_file() and not target.is_dir():
            with target.open("wb") as stream:
                stream.write(data)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = _complete_temp(target, data)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from None
    try:
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


def _complete_temp(target: Path, data: bytes, unnamed: bool = True) -> str:
    """The name of a new file beside ``target`` holding all of ``data``, synced to disk."""
    fd, temp = _open_temp(target, unnamed)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if delay := os.environ.get(TEST_WRITE_DELAY):
                sys.stderr.write(f"parcalc: test hook: output complete, {delay} s before it is put in place\n")
                sys.stderr.flush()
                import time

                time.sleep(float(delay))
            if temp is None:
                temp = _name_unnamed(target, handle.fileno())
        return temp
    except BaseException as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        elif unnamed and isinstance(exc, OSError):
            # An unnamed file that could not be named (no /proc): write it again the portable way.
            return _complete_temp(target, data, unnamed=False)
        raise


def _open_temp(target: Path, unnamed: bool) -> tuple[int, str | None]:
    flag = getattr(os, "O_TMPFILE", 0)
    if unnamed and flag:
        with contextlib.suppress(OSError):  # a file system without O_TMPFILE
            return os.open(target.parent, flag | os.O_WRONLY, 0o600), None
    import tempfile  # here, not at the top: it costs start-up time that standard output never needs

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, temp


def _name_unnamed(target: Path, fd: int) -> str:
    import secrets

    for _ in range(100):
        temp = str(target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(f"/proc/self/fd/{fd}", temp)
        except FileExistsError:
            continue
        return temp
    raise FileExistsError(f"no free temporary name beside {target}")
