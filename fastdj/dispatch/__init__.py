"""Signals: decoupled notifications, as ``django.dispatch``."""

from fastdj.dispatch.dispatcher import Signal, receiver

__all__ = ["Signal", "receiver"]
