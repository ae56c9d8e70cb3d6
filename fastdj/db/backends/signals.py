"""Backend signals, as ``django.db.backends.signals``."""

from fastdj.dispatch import Signal

__all__ = ["connection_created"]

# Sent with sender=<wrapper class>, connection=<wrapper> after each connect().
connection_created = Signal()
