"""The process: ``parcalc`` and ``python -m parcalc``.

Signals are set first, before the command line is imported, so that Ctrl-C while modules are still
loading exits 130 without a traceback; a closed pipe (``| head``) ends quietly; SIGTERM unwinds the stack,
so a half-written output file is removed. Then only the command being run is built (parcalc.cli).
"""

import signal
import sys

from parcalc.exits import EXIT_INTERRUPTED, EXIT_OK, silence_stdout


def _terminated(signum: int, frame: object) -> None:
    # An exception, unlike the default action, unwinds the stack: a half-written output file is removed.
    raise SystemExit(128 + signum)


def main() -> None:
    """The console script: quiet on a closed pipe and on Ctrl-C, from the first line on."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from parcalc.cli import app_for

        app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
