"""The command line: parse → plan → execute, one module per command.

Entry point. `powerctl`, `powerctl --help` and `powerctl rules [CODE]` are answered by `fast` without
importing typer or the rules (they must start in well under 0.15 s); everything else goes to the typer
application in `app`, which registers the commands from the same table.
"""

from __future__ import annotations

import os
import sys

from powerctl.cli.fast import answer


def main() -> None:
    try:
        _main()
    except BrokenPipeError:  # `powerctl rules | head`: the reader has gone, which is no error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None


def _main() -> None:
    code = answer(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from powerctl import gcpolicy
    from powerctl.cli.app import app

    gcpolicy.relax()
    try:
        app()
    except (SystemExit, BrokenPipeError):
        raise
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        raise SystemExit(2) from None
    except OSError as exc:  # a read-only or full output folder, a cache that is not a folder …: say which path
        if os.environ.get("POWERCTL_DEBUG"):
            raise
        from powerctl.source.oserror import describe

        sys.stderr.write(describe(exc) + "\n")
        raise SystemExit(2) from None
    except Exception as exc:  # never a bare traceback for users; exit 2 as an internal error
        if os.environ.get("POWERCTL_DEBUG"):
            raise
        sys.stderr.write(f"powerctl 内部错误：{type(exc).__name__}: {exc}\n（设置 POWERCTL_DEBUG=1 可查看详细信息）\n")
        raise SystemExit(2) from None
