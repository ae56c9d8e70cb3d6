"""``info``: print the fastdj version, the active twin of each hot path, settings."""

from __future__ import annotations

import os
import platform

from fastdj.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Show the fastdj version, which kernels are compiled, and the settings."

    def handle(self, **options) -> str:
        import fastdj
        from fastdj import _accel
        from fastdj.conf import ENVIRONMENT_VARIABLE

        lines = [
            f"fastdj {fastdj.__version__}",
            f"Python {platform.python_version()} ({platform.python_implementation()})",
            "Hot paths:",
        ]
        for name, impl in fastdj.speedups().items():
            module = _accel.kernel(name).__name__
            lines.append(f"  {name:<12} {impl:<7} ({module})")
        if _accel.env_flag("FASTDJ_PURE_PYTHON"):
            lines.append("FASTDJ_PURE_PYTHON is set: pure Python forced.")
        module = os.environ.get(ENVIRONMENT_VARIABLE)
        lines.append(f"Settings module: {module or '(not set)'}")
        return "\n".join(lines)
