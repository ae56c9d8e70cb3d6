"""Base class for ``python -m fastdj`` commands, after Django's BaseCommand."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

__all__ = ["BaseCommand", "CommandError", "CommandParser"]


class CommandError(Exception):
    """A command failed in a way the user can fix; printed without a traceback."""

    def __init__(self, *args, returncode: int = 1):
        self.returncode = returncode
        super().__init__(*args)


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser that raises CommandError instead of exiting."""

    def error(self, message):
        raise CommandError(f"Error: {message}", returncode=2)


class BaseCommand:
    """One sub-command: declare arguments in add_arguments(), work in handle()."""

    help = ""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def create_parser(self, prog_name: str, subcommand: str) -> CommandParser:
        """Return the parser for this command's arguments."""
        parser = CommandParser(
            prog=f"{prog_name} {subcommand}", description=self.help or None
        )
        parser.add_argument(
            "--settings",
            help="Dotted path of the settings module (else FASTDJ_SETTINGS_MODULE).",
        )
        parser.add_argument(
            "--pythonpath",
            help="A directory to put first on sys.path, e.g. the project root.",
        )
        self.add_arguments(parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        """Add this command's own arguments to ``parser``."""

    def handle(self, **options) -> str | None:
        """Do the command's work; return text to print, if any."""
        raise NotImplementedError("subclasses of BaseCommand must provide handle()")
