"""Signal: a list of receivers called with a sender and keyword arguments.

Receivers are held by weak reference by default, so connecting a bound method
does not keep its object alive; dead receivers are pruned. ``dispatch_uid``
keeps a receiver from being connected twice. With ``use_caching=True`` the
receivers live for each sender are cached until the next connect/disconnect.
"""

from __future__ import annotations

import logging
import threading
import weakref

logger = logging.getLogger("fastdj.dispatch")

__all__ = ["NO_RECEIVERS", "Signal", "receiver"]

NONE_ID = id(None)
# Cached marker for "this sender has no receivers", distinct from "not cached".
NO_RECEIVERS = object()


def _make_id(target) -> int | tuple[int, int]:
    # A bound method is a new object at each access: identify it by its parts.
    if hasattr(target, "__func__"):
        return (id(target.__self__), id(target.__func__))
    return id(target)


class Signal:
    """A signal that receivers connect to and senders send."""

    def __init__(self, use_caching: bool = False):
        # Each entry: ((receiver id, sender id), receiver or weakref, is_weak)
        self.receivers: list[tuple[tuple, object, bool]] = []
        self.lock = threading.Lock()
        self.use_caching = use_caching
        # sender -> list of live receivers (or NO_RECEIVERS). Weak keys so a
        # cached sender class can still be collected.
        self.sender_receivers_cache: weakref.WeakKeyDictionary | dict = (
            weakref.WeakKeyDictionary() if use_caching else {}
        )
        self._dead_receivers = False
        # (ref, is_weak) of every receiver when none filters on its sender:
        # then they are the same for every sender, and a send (request_started,
        # request_finished on every request) skips the lock and the scan.
        self._for_any_sender: tuple | None = None

    def connect(self, receiver, sender=None, weak: bool = True, dispatch_uid=None):
        """Connect ``receiver`` to this signal, optionally only for ``sender``.

        ``receiver`` must be callable and accept ``**kwargs``. With ``weak`` the
        signal keeps only a weak reference. A second connect with the same
        ``dispatch_uid`` (or the same receiver and sender) is ignored.
        """
        if not callable(receiver):
            raise TypeError("Signal receivers must be callable.")
        lookup_key = (
            (dispatch_uid, _make_id(sender))
            if dispatch_uid is not None
            else (_make_id(receiver), _make_id(sender))
        )
        ref = receiver
        if weak:
            # The callback lives and dies with the reference, so a disconnected
            # receiver leaves nothing behind.
            if hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
                ref = weakref.WeakMethod(receiver, self._flag_dead_receivers)
            else:
                ref = weakref.ref(receiver, self._flag_dead_receivers)
        with self.lock:
            self._clear_dead_receivers()
            if not any(key == lookup_key for key, _, _ in self.receivers):
                self.receivers.append((lookup_key, ref, weak))
            self.sender_receivers_cache.clear()
            self._for_any_sender = None

    def disconnect(self, receiver=None, sender=None, dispatch_uid=None) -> bool:
        """Disconnect a receiver; return True if one was disconnected."""
        lookup_key = (
            (dispatch_uid, _make_id(sender))
            if dispatch_uid is not None
            else (_make_id(receiver), _make_id(sender))
        )
        with self.lock:
            self._clear_dead_receivers()
            for index, (key, _, _) in enumerate(self.receivers):
                if key == lookup_key:
                    del self.receivers[index]
                    self.sender_receivers_cache.clear()
                    self._for_any_sender = None
                    return True
        return False

    def has_listeners(self, sender=None) -> bool:
        """Return True if any live receiver would get a send from ``sender``."""
        return bool(self._live_receivers(sender))

    def send(self, sender, **named) -> list[tuple[object, object]]:
        """Call every receiver; return [(receiver, response)].

        An exception raised by a receiver propagates and stops the send.
        """
        if not self.receivers:
            return []
        refs = self._for_any_sender
        if refs is None or self._dead_receivers:
            return [
                (receiver, receiver(signal=self, sender=sender, **named))
                for receiver in self._live_receivers(sender)
            ]
        responses = []
        if named:
            for ref, weak in refs:
                receiver = ref() if weak else ref
                if receiver is not None:
                    responses.append(
                        (receiver, receiver(signal=self, sender=sender, **named))
                    )
        else:
            # Plain keywords call faster than ``**named`` even when it is empty.
            for ref, weak in refs:
                receiver = ref() if weak else ref
                if receiver is not None:
                    responses.append((receiver, receiver(signal=self, sender=sender)))
        return responses

    def send_robust(self, sender, **named) -> list[tuple[object, object]]:
        """Call every receiver, catching exceptions; return [(receiver, result)].

        A receiver that raises contributes its exception as the result, and the
        exception is logged.
        """
        if not self.receivers:
            return []
        responses = []
        for receiver in self._live_receivers(sender):
            try:
                response = receiver(signal=self, sender=sender, **named)
            except Exception as err:
                logger.error(
                    "Error calling %s in Signal.send_robust() (%s)",
                    getattr(receiver, "__qualname__", receiver),
                    err,
                    exc_info=err,
                )
                responses.append((receiver, err))
            else:
                responses.append((receiver, response))
        return responses

    def _flag_dead_receivers(self, reference=None) -> None:
        # Called from a weakref callback, maybe mid-GC: only set a flag, never lock.
        self._dead_receivers = True

    def _clear_dead_receivers(self) -> None:
        if self._dead_receivers:
            self._dead_receivers = False
            self.receivers = [
                entry
                for entry in self.receivers
                if not (entry[2] and entry[1]() is None)
            ]
            self.sender_receivers_cache.clear()
            self._for_any_sender = None

    def _live_receivers(self, sender) -> list:
        refs = None if self._dead_receivers else self._for_any_sender
        if refs is None and self.use_caching and not self._dead_receivers:
            try:
                refs = self.sender_receivers_cache.get(sender)
            except TypeError:  # sender cannot be weakly referenced
                refs = None
            if refs is NO_RECEIVERS:
                return []
        if refs is None:
            with self.lock:
                self._clear_dead_receivers()
                sender_id = _make_id(sender)
                refs = tuple(
                    (ref, weak)
                    for (_, r_sender), ref, weak in self.receivers
                    if r_sender in (NONE_ID, sender_id)
                )
                if all(r_sender == NONE_ID for (_, r_sender), _, _ in self.receivers):
                    self._for_any_sender = refs
                if self.use_caching:
                    try:
                        self.sender_receivers_cache[sender] = refs or NO_RECEIVERS
                    except TypeError:
                        pass
        live = []
        for ref, weak in refs:
            receiver = ref() if weak else ref
            if receiver is not None:
                live.append(receiver)
        return live


def receiver(signal, **kwargs):
    """Decorate a function to connect it to ``signal`` (or a list of signals)."""

    def _decorator(func):
        if isinstance(signal, (list, tuple)):
            for s in signal:
                s.connect(func, **kwargs)
        else:
            signal.connect(func, **kwargs)
        return func

    return _decorator
