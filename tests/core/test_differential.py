"""The same middleware/view scenarios through Django's BaseHandler and fastdj's.

Each scenario defines middleware (outermost first) and a path. Both frameworks
must call the middleware hooks and the view in the same order and end with the
same status code and body.
"""

import pytest

from tests.core import mw
from tests.core.support import LOG, Django, Fastdj

HOOKS = {"view": True, "exception": True, "template": True}
EXCEPTIONS_4XX_5XX = [
    "Http404",
    "PermissionDenied",
    "BadRequest",
    "SuspiciousOperation",
    "DisallowedHost",
    "TooManyFieldsSent",
    "TooManyFilesSent",
    "MultiPartParserError",
    "ValueError",
    "KeyError",
]

SCENARIOS = {
    "no-middleware": ([], "/ok/"),
    "three-plain": ([("a", {}), ("b", {}), ("c", {})], "/ok/"),
    "function-middleware": (
        [("a", {"function": True}), ("b", {}), ("c", {"function": True})],
        "/ok/",
    ),
    "not-used-in-the-middle": (
        [("a", HOOKS), ("b", {"not_used": True, **HOOKS}), ("c", HOOKS)],
        "/ok/",
    ),
    "not-used-function": (
        [("a", {}), ("b", {"not_used": True, "function": True}), ("c", {})],
        "/ok/",
    ),
    "short-circuit-outer": ([("a", {"short": True}), ("b", HOOKS)], "/ok/"),
    "short-circuit-inner": ([("a", HOOKS), ("b", {"short": True})], "/ok/"),
    "process-view-answers": (
        [("a", HOOKS), ("b", {"view_response": True, **HOOKS}), ("c", HOOKS)],
        "/ok/",
    ),
    "process-exception-answers": (
        [("a", HOOKS), ("b", {"exception_response": True, **HOOKS}), ("c", HOOKS)],
        "/raise/ValueError/",
    ),
    "process-exception-answers-404": (
        [("a", HOOKS), ("b", {"exception_response": True, **HOOKS})],
        "/raise/Http404/",
    ),
    "process-exception-passes": ([("a", HOOKS), ("b", HOOKS)], "/raise/KeyError/"),
    "template-response": ([("a", HOOKS), ("b", HOOKS), ("c", HOOKS)], "/template/"),
    "template-render-raises": ([("a", HOOKS), ("b", HOOKS)], "/template-raise/"),
    "template-render-raises-answered": (
        [("a", {"exception_response": True, **HOOKS})],
        "/template-raise/",
    ),
    "view-kwargs": ([("a", HOOKS)], "/kwargs/7/x/"),
    "view-args": ([("a", HOOKS)], "/args/1/22/"),
    "view-returns-none": ([("a", HOOKS)], "/none/"),
    "cbv-returns-none": ([("a", HOOKS)], "/none-cbv/"),
    "not-found": ([("a", HOOKS), ("b", HOOKS)], "/missing/"),
    "root": ([("a", HOOKS)], "/"),
}
for _exc in EXCEPTIONS_4XX_5XX:
    SCENARIOS[f"view-raises-{_exc}"] = ([("a", HOOKS), ("b", HOOKS)], f"/raise/{_exc}/")
    for _layer in ("a", "b", "c"):
        for _when in ("raise_before", "raise_after"):
            SCENARIOS[f"{_layer}-{_when}-{_exc}"] = (
                [
                    (n, {_when: _exc, **HOOKS} if n == _layer else HOOKS)
                    for n in ("a", "b", "c")
                ],
                "/ok/",
            )


def run(fw_class, specs, path, **settings):
    LOG.clear()
    paths = [mw.define(fw_class.name, name, **behaviour) for name, behaviour in specs]
    with fw_class.handler(paths, **settings) as get:
        response = get(path)
        content = b"" if response.streaming else response.content
        return list(LOG), response.status_code, content


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_as_django(twin, scenario):
    specs, path = SCENARIOS[scenario]
    expected = run(Django, specs, path)
    got = run(Fastdj, specs, path)
    assert got == expected


@pytest.mark.parametrize(
    "scenario", ["view-raises-Http404", "not-found", "view-raises-ValueError"]
)
def test_same_statuses_and_calls_as_django_with_debug(twin, scenario):
    # Technical pages differ in markup; the status and the calls must not.
    specs, path = SCENARIOS[scenario]
    expected = run(Django, specs, path, DEBUG=True)
    got = run(Fastdj, specs, path, DEBUG=True)
    assert got[:2] == expected[:2]


@pytest.mark.parametrize("fw_class", [Django, Fastdj], ids=["django", "fastdj"])
def test_factory_returning_none_is_improperly_configured(twin, fw_class):
    path = mw.define(fw_class.name, "broken", returns_none=True)
    exceptions = mw.framework(fw_class.name)[1]
    with pytest.raises(exceptions.ImproperlyConfigured) as info:
        with fw_class.handler([path]):
            pass
    assert str(info.value) == f"Middleware factory {path} returned None."
