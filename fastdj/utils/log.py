"""Logging set-up: the ``fastdj.request`` and ``fastdj.server`` loggers."""

import logging
import logging.config

request_logger = logging.getLogger("fastdj.request")


def configure_logging(logging_settings: dict) -> None:
    """Apply the LOGGING setting, if any, with logging.config.dictConfig."""
    if logging_settings:
        logging.config.dictConfig(logging_settings)


def log_response(message, *args, response=None, request=None, exception=None):
    """Log a 4xx/5xx response once: errors for 5xx, warnings for 4xx."""
    if getattr(response, "_has_been_logged", False):
        return
    status = getattr(response, "status_code", 500)
    level = logging.ERROR if status >= 500 else logging.WARNING
    request_logger.log(
        level,
        message,
        *args,
        extra={"status_code": status, "request": request},
        exc_info=exception,
    )
    if response is not None:
        response._has_been_logged = True
