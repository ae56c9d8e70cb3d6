"""Build fastdj, compiling the Cython twins of its hot paths when possible.

The extensions are optional: with FASTDJ_NO_EXTENSIONS=1, or when Cython or a
C compiler is missing or a compile fails, the install goes on as pure Python and
says so. With FASTDJ_REQUIRE_EXTENSIONS=1 (CI) a failed build is an error.
"""

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# Every Cython twin, once; tests check this list against fastdj/_accel.py.
EXTENSIONS = ["handlers_chain", "urls_match", "template_render", "db_rows", "sql_compile"]

COMPILER_DIRECTIVES = {
    "language_level": 3,
    "binding": True,
    "embedsignature": True,
    "boundscheck": False,
    "wraparound": False,
}


# On ELF platforms, calls into libpython go through the GOT rather than PLT
# stubs: a request then touches fewer cache lines of code (measured with
# bench/e2e/cachelines.py: about 35 fewer per request), for the same work.
EXTRA_COMPILE_ARGS = ["-fno-plt"] if sys.platform.startswith("linux") else []


def _flag(name):
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("", "0", "false", "no", "off"):
        return False
    sys.exit(f"{name}={os.environ[name]!r}: use 1/true/yes/on or 0/false/no/off")


NO_EXTENSIONS = _flag("FASTDJ_NO_EXTENSIONS")
REQUIRE_EXTENSIONS = _flag("FASTDJ_REQUIRE_EXTENSIONS")


def _banner(message):
    line = "*" * 76
    print(f"\n{line}\n{message}\n{line}\n", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that turns a failed compile into a pure-Python install."""

    def run(self):
        try:
            super().run()
        except Exception as exc:
            self._failed(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._failed(exc)

    def _failed(self, exc):
        if REQUIRE_EXTENSIONS:
            raise
        _banner(
            "WARNING: fastdj's Cython speedups could not be compiled "
            f"({exc.__class__.__name__}: {exc}).\n"
            "fastdj is installed as pure Python and works, only slower."
        )


def _extensions():
    if NO_EXTENSIONS:
        _banner("FASTDJ_NO_EXTENSIONS is set: installing fastdj as pure Python.")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        if REQUIRE_EXTENSIONS:
            raise
        _banner("Cython is not available: installing fastdj as pure Python.")
        return []
    modules = [
        Extension(
            f"fastdj._speedups.{name}",
            [f"fastdj/_speedups/{name}.pyx"],
            extra_compile_args=EXTRA_COMPILE_ARGS,
        )
        for name in EXTENSIONS
    ]
    try:
        return cythonize(modules, compiler_directives=COMPILER_DIRECTIVES, quiet=True)
    except Exception as exc:  # a .pyx that does not translate
        if REQUIRE_EXTENSIONS:
            raise
        _banner(f"Cython could not translate the speedups ({exc}): pure Python.")
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
