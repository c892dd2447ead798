"""Known failures as the contract wants them: one line on standard error each, and an exit code.

0 success, 1 a target missed, 2 a usage error, 3 invalid input data, 4 an internal error (a traceback only
with --debug), 130 interrupted. Both the process entry (parcalc.__main__) and the CLI use this module.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from parcalc.core.issues import Problem

EXIT_OK, EXIT_MISSED, EXIT_USAGE, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def fail(code: int, message: str) -> NoReturn:
    import typer

    print(f"parcalc: {message}", file=sys.stderr)
    raise typer.Exit(code)


def problems_to_stderr(problems: Sequence[Problem], lang: str) -> None:
    for problem in problems:
        print(problem.line_text(lang), file=sys.stderr)


class _Messages:
    """The language of messages on standard error: --lang, then the files' own once they are read."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang or "vi"

    def settle(self, lang: str | None, file_lang: str | None = None) -> str:
        chosen = lang or file_lang or "vi"
        if chosen not in ("vi", "en"):
            from parcalc.core.issues import UsageError

            raise UsageError(f"unknown language {chosen!r}; choose vi or en", option="lang")
        self.lang = chosen
        return chosen


@contextmanager
def handled(debug: bool, lang: str | None) -> Iterator[_Messages]:
    """Known failures become one line and an exit code; a traceback only with --debug."""
    import typer

    from parcalc.core.issues import InputError, UsageError

    messages = _Messages(lang)
    try:
        yield messages
    except typer.Exit:
        raise
    except InputError as exc:
        problems_to_stderr(exc.problems, messages.lang)
        raise typer.Exit(EXIT_INVALID) from None
    except UsageError as exc:
        fail(EXIT_USAGE, f"--{exc.option.replace('_', '-')}: {exc.message}" if exc.option else exc.message)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head` where SIGPIPE does not exist): stop quietly, as the reader asked.
        silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except RecursionError:
        fail(EXIT_INVALID, "the input is nested too deeply to read")
    except MemoryError:
        fail(EXIT_INVALID, "the input is too large to process in the available memory")
    except Exception as exc:
        if debug:
            raise
        fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
