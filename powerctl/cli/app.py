"""The typer application: one module per command; each parses, calls the core, returns an exit code.

Heavy imports live inside the commands so that start-up stays short.
"""

from __future__ import annotations

import typer

from powerctl.cli import bundle as bundle_cmd
from powerctl.cli import compare as compare_cmd
from powerctl.cli import diff as diff_cmd
from powerctl.cli import doctor as doctor_cmd
from powerctl.cli import export as export_cmd
from powerctl.cli import fix as fix_cmd
from powerctl.cli import importing as import_cmd
from powerctl.cli import init as init_cmd
from powerctl.cli import laws as laws_cmd
from powerctl.cli import render as render_cmd
from powerctl.cli import rules as rules_cmd
from powerctl.cli import stats as stats_cmd
from powerctl.cli import validate as validate_cmd
from powerctl.cli import zh
from powerctl.cli.fast import COMMANDS, DESCRIPTION, VERSION_HELP, version

zh.install()  # click's and typer's help headings and usage errors in Chinese
app = typer.Typer(
    name="powerctl",
    help=DESCRIPTION,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: rendering it with rich doubles the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(version())
        raise typer.Exit(0)


@app.callback()
def _top(
    _version: bool = typer.Option(False, "--version", "-V", help=VERSION_HELP, is_eager=True, callback=_show_version),
) -> None:
    """The top-level options; `powerctl --version` alone is answered by `fast` before typer loads."""


_HELP = dict(COMMANDS)
for _name, _module in (
    ("validate", validate_cmd),
    ("fix", fix_cmd),
    ("import", import_cmd),
    ("export", export_cmd),
    ("render", render_cmd),
    ("bundle", bundle_cmd),
    ("stats", stats_cmd),
    ("compare", compare_cmd),
    ("diff", diff_cmd),
    ("init", init_cmd),
    ("doctor", doctor_cmd),
    ("rules", rules_cmd),
):
    app.command(_name, help=_HELP[_name])(_module.command)
app.add_typer(laws_cmd.app, name="laws", help=_HELP["laws"])
