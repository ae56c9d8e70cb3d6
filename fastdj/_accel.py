"""The one place that chooses between the pure-Python and Cython twin of each kernel.

A kernel is a small module holding the inner loop of a hot path. Its pure module
is the specification; its twin in ``fastdj._speedups`` implements the same
``__all__`` and reports the same ``KERNEL_VERSION``. Consumers never import a
kernel module directly: they call :func:`kernel` when they build their compiled
structures (the middleware chain, the route table), so switching twins costs
nothing per request and a structure is never built from half of each twin.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import warnings
from types import ModuleType

__all__ = [
    "KERNELS",
    "SpeedupsWarning",
    "available",
    "env_flag",
    "implementation",
    "kernel",
    "speedups",
    "using",
]

# name -> (pure reference module, Cython twin module)
KERNELS: dict[str, tuple[str, str]] = {
    "middleware": ("fastdj.core.handlers._chain", "fastdj._speedups.handlers_chain"),
    "urls": ("fastdj.urls._match", "fastdj._speedups.urls_match"),
    "template": ("fastdj.template._render", "fastdj._speedups.template_render"),
    "rows": ("fastdj.db.models._rows", "fastdj._speedups.db_rows"),
    "sql": ("fastdj.db.models.sql._compile", "fastdj._speedups.sql_compile"),
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SpeedupsWarning(RuntimeWarning):
    """A Cython twin could not be used; fastdj runs the pure-Python kernel."""


def env_flag(name: str) -> bool:
    """Return the boolean value of environment variable ``name``, parsed strictly."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{name}={os.environ[name]!r} is not a boolean: use one of "
        "1/true/yes/on or 0/false/no/off (or leave it unset)."
    )


def _load_twin(name: str, pure: ModuleType) -> tuple[ModuleType | None, str | None]:
    """Import the Cython twin of ``name``; return (module, None) or (None, reason)."""
    twin_path = KERNELS[name][1]
    try:
        twin = importlib.import_module(twin_path)
    except ImportError as exc:
        return None, f"{twin_path} is not importable ({exc})"
    if getattr(twin, "KERNEL_VERSION", None) != pure.KERNEL_VERSION:
        return None, (
            f"{twin_path} implements kernel version "
            f"{getattr(twin, 'KERNEL_VERSION', None)!r} but the reference is "
            f"{pure.KERNEL_VERSION!r}; rebuild the extensions"
        )
    missing = [n for n in pure.__all__ if not hasattr(twin, n)]
    if missing:
        return None, f"{twin_path} lacks {', '.join(missing)}"
    return twin, None


def _select() -> tuple[dict[str, ModuleType], dict[str, dict[str, ModuleType]]]:
    force_pure = env_flag("FASTDJ_PURE_PYTHON")
    require = env_flag("FASTDJ_REQUIRE_EXTENSIONS")
    active: dict[str, ModuleType] = {}
    twins: dict[str, dict[str, ModuleType]] = {}
    problems = []
    for name, (pure_path, _) in KERNELS.items():
        pure = importlib.import_module(pure_path)
        twin, reason = _load_twin(name, pure)
        twins[name] = {"py": pure} if twin is None else {"py": pure, "cy": twin}
        if reason:
            problems.append(reason)
        active[name] = pure if (force_pure or twin is None) else twin
    if problems and require:
        raise ImportError(
            "FASTDJ_REQUIRE_EXTENSIONS is set but Cython twins are missing: "
            + "; ".join(problems)
        )
    if problems and not force_pure:
        # All kernels fall back together, so a process never runs half of each twin.
        active = {name: pair["py"] for name, pair in twins.items()}
        warnings.warn(
            "fastdj runs its pure-Python kernels: " + "; ".join(problems),
            SpeedupsWarning,
            stacklevel=2,
        )
    return active, twins


_active, _twins = _select()


def kernel(name: str) -> ModuleType:
    """Return the active kernel module for hot path ``name``."""
    return _active[name]


def implementation(name: str) -> str:
    """Return "cython" or "python": which twin of ``name`` is active."""
    return "python" if _active[name] is _twins[name]["py"] else "cython"


def speedups() -> dict[str, str]:
    """Return the active implementation of every hot path."""
    return {name: implementation(name) for name in KERNELS}


def available() -> list[str]:
    """Return the twin ids ("py", and "cy" when every Cython twin loaded)."""
    if all("cy" in pair for pair in _twins.values()):
        return ["py", "cy"]
    return ["py"]


@contextlib.contextmanager
def using(twin: str):
    """Activate twin ``"py"`` or ``"cy"`` for every kernel inside the block.

    Only structures built inside the block use it; tests build their handler and
    resolver there.
    """
    if twin not in available():
        raise LookupError(f"twin {twin!r} is not available; have {available()}")
    saved = dict(_active)
    _active.update({name: pair[twin] for name, pair in _twins.items()})
    try:
        yield
    finally:
        _active.clear()
        _active.update(saved)
