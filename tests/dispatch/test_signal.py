"""Tests for fastdj.dispatch.Signal, many of them differential against Django's."""

import gc
import logging
import threading
import weakref

import django.dispatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.dispatch import Signal, receiver


class SenderA:
    pass


class SenderB:
    pass


def make_receiver(name, calls=None):
    def _receiver(signal, sender, **kwargs):
        if calls is not None:
            calls.append((name, sender, kwargs))
        return name

    _receiver.__qualname__ = name
    return _receiver


def names(responses):
    return [result for _, result in responses]


@pytest.fixture(params=[False, True], ids=["nocache", "cache"])
def signal(request):
    return Signal(use_caching=request.param)


class TestConnectAndSend:
    def test_send_passes_signal_sender_and_kwargs(self, signal):
        calls = []
        r = make_receiver("r", calls)
        signal.connect(r)
        assert signal.send(sender=SenderA, x=1) == [(r, "r")]
        assert calls == [("r", SenderA, {"x": 1})]

    def test_send_without_receivers(self, signal):
        assert signal.send(sender=SenderA) == []
        assert signal.send_robust(sender=SenderA) == []
        assert not signal.has_listeners(SenderA)

    def test_receivers_called_in_connection_order(self, signal):
        receivers = [make_receiver(f"r{i}") for i in range(5)]
        for r in receivers:
            signal.connect(r)
        assert names(signal.send(sender=None)) == [f"r{i}" for i in range(5)]

    def test_not_callable_refused(self, signal):
        with pytest.raises(TypeError):
            signal.connect("not callable")

    def test_same_receiver_connected_once(self, signal):
        r = make_receiver("r")
        signal.connect(r)
        signal.connect(r)
        assert names(signal.send(sender=None)) == ["r"]

    def test_dispatch_uid_deduplicates_different_functions(self, signal):
        r1, r2 = make_receiver("r1"), make_receiver("r2")
        signal.connect(r1, dispatch_uid="uid")
        signal.connect(r2, dispatch_uid="uid")
        assert names(signal.send(sender=None)) == ["r1"]
        assert signal.disconnect(dispatch_uid="uid") is True
        assert signal.send(sender=None) == []

    def test_dispatch_uid_scoped_by_sender(self, signal):
        r1, r2 = make_receiver("r1"), make_receiver("r2")
        signal.connect(r1, sender=SenderA, dispatch_uid="uid")
        signal.connect(r2, sender=SenderB, dispatch_uid="uid")
        assert names(signal.send(sender=SenderA)) == ["r1"]
        assert names(signal.send(sender=SenderB)) == ["r2"]

    def test_disconnect_returns_bool(self, signal):
        r = make_receiver("r")
        assert signal.disconnect(r) is False
        signal.connect(r)
        assert signal.disconnect(r) is True
        assert signal.disconnect(r) is False
        assert signal.send(sender=None) == []

    def test_disconnect_needs_matching_sender(self, signal):
        r = make_receiver("r")
        signal.connect(r, sender=SenderA)
        assert signal.disconnect(r) is False
        assert signal.disconnect(r, sender=SenderA) is True


class TestSenderFiltering:
    def test_sender_specific_receiver(self, signal):
        ra, any_ = make_receiver("ra"), make_receiver("any")
        signal.connect(ra, sender=SenderA)
        signal.connect(any_)
        assert names(signal.send(sender=SenderA)) == ["ra", "any"]
        assert names(signal.send(sender=SenderB)) == ["any"]
        assert names(signal.send(sender=None)) == ["any"]
        assert signal.has_listeners(SenderA)

    def test_unhashable_and_instance_senders(self, signal):
        r = make_receiver("r")
        sender = SenderA()
        signal.connect(r, sender=sender)
        assert names(signal.send(sender=sender)) == ["r"]
        assert signal.send(sender=SenderA()) == []
        # A sender that cannot be weakly referenced (for the cache) still works.
        any_ = make_receiver("any")
        signal.connect(any_)
        assert names(signal.send(sender=[1, 2])) == ["any"]


class TestCaching:
    def test_cache_invalidated_on_connect_and_disconnect(self):
        signal = Signal(use_caching=True)
        r = make_receiver("r")
        assert signal.send(sender=SenderA) == []  # caches "no receivers"
        signal.connect(r, sender=SenderA)
        assert names(signal.send(sender=SenderA)) == ["r"]
        assert names(signal.send(sender=SenderA)) == ["r"]  # from the cache
        assert signal.disconnect(r, sender=SenderA)
        assert signal.send(sender=SenderA) == []

    def test_cache_is_per_sender(self):
        signal = Signal(use_caching=True)
        ra, rb, any_ = make_receiver("ra"), make_receiver("rb"), make_receiver("any")
        signal.connect(ra, sender=SenderA)
        signal.connect(rb, sender=SenderB)
        for _ in range(3):
            assert names(signal.send(sender=SenderA)) == ["ra"]
            assert names(signal.send(sender=SenderB)) == ["rb"]
        signal.connect(any_)
        assert names(signal.send(sender=SenderA)) == ["ra", "any"]
        assert names(signal.send(sender=SenderB)) == ["rb", "any"]
        assert SenderA in signal.sender_receivers_cache

    def test_cache_drops_dead_receivers(self):
        signal = Signal(use_caching=True)
        r = make_receiver("r")
        signal.connect(r, sender=SenderA)
        assert names(signal.send(sender=SenderA)) == ["r"]
        del r
        gc.collect()
        assert signal.send(sender=SenderA) == []
        assert signal.receivers == []

    def test_cache_does_not_keep_sender_alive(self):
        signal = Signal(use_caching=True)
        signal.connect(make_receiver("any"), weak=False)

        class Temporary:
            pass

        signal.send(sender=Temporary)
        assert len(signal.sender_receivers_cache) == 1
        del Temporary
        gc.collect()
        assert len(signal.sender_receivers_cache) == 0


class TestWeakReferences:
    def test_dead_function_pruned(self, signal):
        r = make_receiver("r")
        signal.connect(r)
        del r
        gc.collect()
        assert signal.send(sender=None) == []
        signal.connect(make_receiver("other"), weak=False)  # triggers pruning
        assert len(signal.receivers) == 1

    def test_bound_method_is_weak(self, signal):
        class Listener:
            def on(self, **kwargs):
                return "on"

        listener = Listener()
        signal.connect(listener.on)
        assert names(signal.send(sender=None)) == ["on"]
        # The bound method object is temporary; the signal must not keep the
        # listener alive through it.
        del listener
        gc.collect()
        assert signal.send(sender=None) == []
        assert not signal.has_listeners()
        assert signal.receivers == []

    def test_bound_method_disconnect(self, signal):
        class Listener:
            def on(self, **kwargs):
                return "on"

        listener = Listener()
        signal.connect(listener.on)
        assert signal.disconnect(listener.on) is True

    def test_strong_reference_keeps_receiver(self, signal):
        signal.connect(make_receiver("strong"), weak=False)
        gc.collect()
        assert names(signal.send(sender=None)) == ["strong"]

    def test_callable_instance(self, signal):
        class Handler:
            def __call__(self, **kwargs):
                return "called"

        handler = Handler()
        signal.connect(handler)
        assert names(signal.send(sender=None)) == ["called"]
        del handler
        gc.collect()
        assert signal.send(sender=None) == []


class TestSendRobust:
    def test_send_propagates(self, signal):
        def boom(**kwargs):
            raise ValueError("boom")

        signal.connect(boom)
        signal.connect(make_receiver("after"))
        with pytest.raises(ValueError, match="boom"):
            signal.send(sender=None)

    def test_send_robust_returns_and_logs_exceptions(self, signal, caplog):
        error = ValueError("boom")

        def boom(**kwargs):
            raise error

        after = make_receiver("after")
        signal.connect(boom)
        signal.connect(after)
        with caplog.at_level(logging.ERROR, logger="fastdj.dispatch"):
            responses = signal.send_robust(sender=None)
        assert responses == [(boom, error), (after, "after")]
        [record] = caplog.records
        assert record.name == "fastdj.dispatch"
        assert "boom" in record.getMessage()
        assert record.exc_info[1] is error


class TestReceiverDecorator:
    def test_single_signal_with_kwargs(self):
        s = Signal()

        @receiver(s, sender=SenderA, dispatch_uid="dec")
        def handler(**kwargs):
            return "handled"

        assert names(s.send(sender=SenderA)) == ["handled"]
        assert s.send(sender=SenderB) == []
        assert handler(signal=s, sender=SenderA) == "handled"  # still a function

    def test_list_of_signals(self):
        s1, s2 = Signal(), Signal()

        @receiver([s1, s2])
        def handler(signal, **kwargs):
            return signal

        assert names(s1.send(sender=None)) == [s1]
        assert names(s2.send(sender=None)) == [s2]


def test_thread_safety_smoke():
    """Connect, disconnect and send from many threads; the signal stays coherent."""
    signal = Signal(use_caching=True)
    keep = [make_receiver(f"keep{i}") for i in range(4)]
    for r in keep:
        signal.connect(r)
    errors = []

    def worker(n):
        try:
            mine = [make_receiver(f"t{n}-{i}") for i in range(20)]
            for _ in range(30):
                for r in mine:
                    signal.connect(r, sender=SenderA)
                got = names(signal.send(sender=SenderA))
                assert set(n for n in got if n.startswith("keep")) == {
                    f"keep{i}" for i in range(4)
                }
                for r in mine:
                    assert signal.disconnect(r, sender=SenderA) is True
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert names(signal.send(sender=SenderA)) == [f"keep{i}" for i in range(4)]
    assert len(signal.receivers) == 4


# -- differential: the same operations on django.dispatch.Signal -------------

RECEIVER_NAMES = ["r0", "r1", "r2", "r3"]
SENDERS = {"A": SenderA, "B": SenderB, "None": None}

_op = st.one_of(
    st.tuples(
        st.just("connect"),
        st.sampled_from(RECEIVER_NAMES),
        st.sampled_from(list(SENDERS)),
        st.sampled_from([None, "u1", "u2"]),
    ),
    st.tuples(
        st.just("disconnect"),
        st.sampled_from(RECEIVER_NAMES),
        st.sampled_from(list(SENDERS)),
        st.sampled_from([None, "u1", "u2"]),
    ),
    st.tuples(st.just("send"), st.sampled_from(list(SENDERS))),
    st.tuples(st.just("kill"), st.sampled_from(RECEIVER_NAMES)),
)


def _run(signal, ops, receivers):
    """Apply ``ops``; return the observable results (call lists, bools)."""
    out = []
    for op in ops:
        if op == ("send", "None") and signal.use_caching:
            # Django's caching signal cannot send from None (TypeError from
            # its WeakKeyDictionary); fastdj's can, see test below.
            continue
        if op[0] == "connect":
            _, name, sender, uid = op
            if name in receivers:
                signal.connect(
                    receivers[name], sender=SENDERS[sender], dispatch_uid=uid
                )
        elif op[0] == "disconnect":
            _, name, sender, uid = op
            if uid is not None:
                out.append(signal.disconnect(sender=SENDERS[sender], dispatch_uid=uid))
            elif name in receivers:
                out.append(signal.disconnect(receivers[name], sender=SENDERS[sender]))
        elif op[0] == "send":
            sender = SENDERS[op[1]]
            out.append(names(signal.send(sender=sender)))
            out.append(signal.has_listeners(sender))
        elif op[0] == "kill":
            # Receivers are in no reference cycle: dropping the last strong
            # reference frees them at once (no slow gc.collect() needed).
            receivers.pop(op[1], None)
    return out


@pytest.mark.parametrize("use_caching", [False, True])
@settings(max_examples=200, deadline=None)
@given(ops=st.lists(_op, max_size=25))
def test_differential_against_django(use_caching, ops):
    ours = _run(
        Signal(use_caching=use_caching),
        ops,
        {n: make_receiver(n) for n in RECEIVER_NAMES},
    )
    theirs = _run(
        django.dispatch.Signal(use_caching=use_caching),
        ops,
        {n: make_receiver(n) for n in RECEIVER_NAMES},
    )
    assert ours == theirs


def test_caching_signal_accepts_none_sender():
    """Deliberate difference: Django raises TypeError here, fastdj sends."""
    signal = Signal(use_caching=True)
    r = make_receiver("r")
    signal.connect(r)
    assert names(signal.send(sender=None)) == ["r"]
    assert signal.has_listeners(None)


def test_connect_disconnect_cycles_do_not_accumulate_finalizers():
    """Connecting and disconnecting the same receiver must not leak.

    The test client connects ``store_exc_info`` (a bound method of a long-lived
    Client) to got_request_exception for every request and disconnects it
    afterwards; each connect must not leave something behind for as long as
    the receiver lives (Django's weakref callbacks are freed on disconnect).
    """

    class Listener:
        def on(self, **kwargs):
            return "on"

    def finalizers():
        # type(), not isinstance(): a lazy object would set itself up.
        return sum(1 for o in gc.get_objects() if type(o) is weakref.finalize)

    signal = Signal()
    listener = Listener()
    before = finalizers()
    for _ in range(1000):
        signal.connect(listener.on, dispatch_uid="uid")
        assert signal.disconnect(dispatch_uid="uid")
    assert finalizers() - before < 10


def test_any_sender_cache_follows_connects_disconnects_and_deaths():
    sig = Signal()
    calls = []

    def everyone(sender, **kwargs):
        calls.append(("everyone", sender))

    def only_int(sender, **kwargs):
        calls.append(("only_int", sender))

    sig.connect(everyone)
    sig.send(sender=str)  # fills the cache for "no receiver filters on sender"
    sig.connect(only_int, sender=int)
    sig.send(sender=str)
    sig.send(sender=int)
    assert calls == [
        ("everyone", str),
        ("everyone", str),
        ("everyone", int),
        ("only_int", int),
    ]
    sig.disconnect(only_int, sender=int)
    calls.clear()
    sig.send(sender=int)
    assert calls == [("everyone", int)]

    def transient(sender, **kwargs):
        calls.append(("transient", sender))

    sig.connect(transient)
    calls.clear()
    sig.send(sender=None)
    assert ("transient", None) in calls
    del transient
    gc.collect()
    calls.clear()
    sig.send(sender=None)
    assert calls == [("everyone", None)]


@pytest.mark.parametrize("named", [{}, {"environ": {"a": 1}}])
def test_cached_any_sender_send_passes_the_same_arguments(named):
    # The cached path calls with plain keywords when there are no extra ones:
    # the receivers must see exactly what the uncached path gives them.
    sig = Signal()
    calls = []

    def strong(**kwargs):
        calls.append(("strong", kwargs))
        return "s"

    def weak(**kwargs):
        calls.append(("weak", kwargs))
        return "w"

    sig.connect(strong, weak=False)
    sig.connect(weak)
    first = sig.send(sender=SenderA, **named)
    second = sig.send(sender=SenderA, **named)  # from the any-sender cache
    assert sig._for_any_sender is not None
    expected = {"signal": sig, "sender": SenderA, **named}
    assert first == second == [(strong, "s"), (weak, "w")]
    assert calls == [("strong", expected), ("weak", expected)] * 2
    del weak, first, second
    gc.collect()
    assert sig.send(sender=SenderA, **named) == [(strong, "s")]
