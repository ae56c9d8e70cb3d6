"""Serve one e2e app on meinheld:  python bench/e2e/serve.py APP PORT

APP is one of bare, falcon, django, fastdj (the module app_<APP>.py here).
One process, one event loop, access log off (a log line per request would be
the benchmark's biggest cost), HTTP keep-alive on as in every TechEmpower
deployment (without it meinheld closes each connection and a new TCP
handshake per request dominates every column).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

APPS = ("bare", "falcon", "django", "fastdj")
KEEPALIVE_SECONDS = 120


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in APPS or not argv[1].isdigit():
        print(f"usage: serve.py {{{','.join(APPS)}}} PORT", file=sys.stderr)
        return 2
    sys.path[:0] = [str(HERE), str(REPO)]
    import meinheld.server

    application = importlib.import_module(f"app_{argv[0]}").application
    meinheld.server.set_access_logger(None)
    meinheld.server.set_keepalive(KEEPALIVE_SECONDS)
    meinheld.server.listen(("127.0.0.1", int(argv[1])))
    extra = ""
    if argv[0] == "fastdj":
        import fastdj

        extra = f" speedups={fastdj.speedups()}"
    print(f"serving {argv[0]} on 127.0.0.1:{argv[1]}{extra}", flush=True)
    meinheld.server.run(application)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
