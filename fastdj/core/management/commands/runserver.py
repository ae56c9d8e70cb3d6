"""``runserver [addr:port]``: serve the project's WSGI application on meinheld."""

from __future__ import annotations

import re

from fastdj.core.management.base import BaseCommand, CommandError

# Same forms as Django's runserver: "8000", "1.2.3.4:8000", "[::1]:8000",
# "localhost:8000".
_ADDRPORT_RE = re.compile(
    r"""^(?:
        (?P<addr>
            (?P<ipv4>\d{1,3}(?:\.\d{1,3}){3})
            | (?P<ipv6>\[[a-fA-F0-9:]+\])
            | (?P<fqdn>[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)
        ):
    )?(?P<port>\d+)$""",
    re.X,
)

MEINHELD_MISSING = (
    "runserver serves with meinheld, which is not installed. Install it with:\n"
    "    pip install greenlet && pip install --no-deps meinheld==1.0.2\n"
    "(meinheld 1.0.2 pins greenlet<0.5, which does not build on current Python; "
    "it runs fine on greenlet 3, hence --no-deps.)"
)


def parse_addrport(addrport: str) -> tuple[str, int]:
    """Return (host, port) from "port", "addr:port" or "[ipv6]:port".

    Raise CommandError with a message naming the bad value otherwise.
    """
    match = _ADDRPORT_RE.match(addrport)
    if match is None:
        raise CommandError(
            f'"{addrport}" is not a valid port number or address:port pair.'
        )
    port = int(match["port"])
    if not 0 < port < 65536:
        raise CommandError(f'"{match["port"]}" is not a valid port number (1-65535).')
    host = match["addr"]
    if match["ipv4"] and any(int(part) > 255 for part in host.split(".")):
        raise CommandError(f'"{host}" is not a valid IPv4 address.')
    if match["ipv6"]:
        host = host[1:-1]
    elif not host:
        host = "127.0.0.1"
    return host, port


class Command(BaseCommand):
    help = "Serve the project (ROOT_URLCONF, MIDDLEWARE) on meinheld."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            help="Port or address:port to bind (default: RUNSERVER_DEFAULT_ADDR, "
            "127.0.0.1:8000).",
        )
        parser.add_argument(
            "--backlog", type=int, default=1024, help="Listen backlog (default 1024)."
        )
        parser.add_argument(
            "--keepalive",
            type=int,
            default=2,
            help="Seconds an idle keep-alive connection stays open; 0 closes "
            "each connection after its response (default 2, as gunicorn).",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="Do not log each request to stdout.",
        )

    def handle(
        self,
        *,
        addrport=None,
        backlog=1024,
        keepalive=2,
        no_access_log=False,
        **options,
    ):
        from fastdj.conf import settings

        host, port = parse_addrport(addrport or settings.RUNSERVER_DEFAULT_ADDR)
        if keepalive < 0:
            raise CommandError("--keepalive must be 0 or a positive number of seconds.")
        try:
            from meinheld import server
        except ImportError as exc:
            raise CommandError(MEINHELD_MISSING) from exc
        if not settings.DEBUG and not settings.ALLOWED_HOSTS:
            raise CommandError("You must set settings.ALLOWED_HOSTS if DEBUG is False.")
        application = self.get_application()
        import fastdj

        kernels = ", ".join(f"{k}={v}" for k, v in fastdj.speedups().items())
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"fastdj {fastdj.__version__}, settings {settings.SETTINGS_MODULE!r}, "
            f"kernels: {kernels}\n"
            f"Serving on meinheld at http://{shown}:{port}/\nQuit with CONTROL-C.\n"
        )
        self.stdout.flush()
        server.set_backlog(backlog)
        server.set_keepalive(keepalive)
        if no_access_log:
            server.set_access_logger(None)
        try:
            server.listen((host, port))
        except OSError as exc:
            raise CommandError(f"Cannot listen on {shown}:{port}: {exc}") from exc
        server.run(application)

    def get_application(self):
        """Return the WSGI application: WSGI_APPLICATION, or fastdj's handler."""
        from fastdj.conf import settings
        from fastdj.core.exceptions import ImproperlyConfigured
        from fastdj.core.wsgi import get_wsgi_application
        from fastdj.utils.module_loading import import_string

        path = getattr(settings, "WSGI_APPLICATION", None)
        if not path:
            return get_wsgi_application()
        try:
            return import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"WSGI application '{path}' could not be loaded; Error importing "
                f"module: {exc}"
            ) from exc
