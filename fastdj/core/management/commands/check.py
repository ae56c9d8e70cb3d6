"""``check``: load the settings, the middleware and the root URLconf, and report."""

from __future__ import annotations

from fastdj.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check that the settings, MIDDLEWARE and ROOT_URLCONF load."

    def handle(self, **options) -> str:
        from fastdj.core.exceptions import ImproperlyConfigured

        try:
            import fastdj
            from fastdj.conf import settings
            from fastdj.core.handlers.wsgi import WSGIHandler
            from fastdj.urls import get_resolver

            fastdj.setup()
            if not settings.DEBUG and not settings.ALLOWED_HOSTS:
                raise CommandError(
                    "You must set settings.ALLOWED_HOSTS if DEBUG is False."
                )
            WSGIHandler()
            resolver = get_resolver()
            # Touching url_patterns imports the URLconf and every include().
            patterns = resolver.url_patterns
        except (ImproperlyConfigured, ImportError) as exc:
            raise CommandError(f"{exc.__class__.__name__}: {exc}") from exc
        return (
            f"System check identified no issues: {len(settings.MIDDLEWARE)} "
            f"middleware, {len(patterns)} top-level URL patterns."
        )
