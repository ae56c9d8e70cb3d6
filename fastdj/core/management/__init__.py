"""The ``python -m fastdj`` / ``fastdj-admin`` command line.

Each sub-command is a module in ``fastdj.core.management.commands`` with a
``Command`` class, as in Django. ``--settings`` and ``--pythonpath`` are applied
before the command runs, so settings load from the module they name.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.core.management.base import BaseCommand, CommandError

__all__ = [
    "BaseCommand",
    "CommandError",
    "call_command",
    "execute_from_command_line",
    "get_commands",
    "main",
]

_COMMANDS = ("check", "createtables", "info", "runserver")


def get_commands() -> tuple[str, ...]:
    """Return the names of the available sub-commands."""
    return _COMMANDS


def load_command_class(name: str, stdout=None, stderr=None) -> BaseCommand:
    """Return an instance of the Command class of sub-command ``name``."""
    if name not in _COMMANDS:
        raise CommandError(
            f"Unknown command: {name!r}. Available commands: {', '.join(_COMMANDS)}."
        )
    module = import_module(f"fastdj.core.management.commands.{name}")
    return module.Command(stdout=stdout, stderr=stderr)


def _usage(prog: str) -> str:
    lines = [f"Usage: {prog} <command> [options]", "", "Available commands:"]
    for name in _COMMANDS:
        command = load_command_class(name)
        lines.append(f"  {name:<10} {command.help}")
    lines.append("")
    lines.append(f"Run '{prog} <command> --help' for a command's options.")
    return "\n".join(lines)


def call_command(name: str, *args: str, stdout=None, stderr=None) -> None:
    """Run sub-command ``name`` with command-line style ``args``."""
    command = load_command_class(name, stdout=stdout, stderr=stderr)
    parser = command.create_parser("fastdj", name)
    options = vars(parser.parse_args(list(args)))
    pythonpath = options.pop("pythonpath", None)
    if pythonpath:
        sys.path.insert(0, os.path.abspath(pythonpath))
    settings_module = options.pop("settings", None)
    if settings_module:
        os.environ["FASTDJ_SETTINGS_MODULE"] = settings_module
    output = command.handle(**options)
    if output:
        command.stdout.write(output if output.endswith("\n") else output + "\n")


def execute_from_command_line(argv: list[str] | None = None) -> int:
    """Run the sub-command named in ``argv``; return the process exit status."""
    argv = list(sys.argv if argv is None else argv)
    prog = os.path.basename(argv[0]) if argv else "fastdj"
    if prog in ("__main__.py", "-c", ""):
        prog = "python -m fastdj"
    args = argv[1:]
    # As `python -m` does, let a console script import the project it is run
    # from (fastdj-admin runserver from the project directory).
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if not args or args[0] in ("help", "-h", "--help"):
        if len(args) > 1:
            args = [args[1], "--help"]
        else:
            sys.stdout.write(_usage(prog) + "\n")
            return 0
    if args[0] in ("version", "--version"):
        from fastdj import __version__

        sys.stdout.write(__version__ + "\n")
        return 0
    try:
        call_command(args[0], *args[1:])
    except CommandError as exc:
        sys.stderr.write(f"{exc}\n")
        return exc.returncode
    except ImproperlyConfigured as exc:
        # A settings problem: the message names the setting, a traceback
        # would only hide it.
        sys.stderr.write(f"ImproperlyConfigured: {exc}\n")
        return 1
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fastdj-admin`` console script."""
    return execute_from_command_line(argv)
