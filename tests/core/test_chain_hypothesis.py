"""Generated middleware stacks: fastdj (each twin) calls hooks like Django does."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import mw
from tests.core.support import LOG, Django, Fastdj

EXCEPTIONS = st.sampled_from(
    ["Http404", "PermissionDenied", "BadRequest", "DisallowedHost", "ValueError"]
)


@st.composite
def layers(draw):
    """Return the behaviour of one middleware: mostly hooks, sometimes trouble."""
    if draw(st.integers(0, 5)) == 0:
        behaviour = {"function": True}
        mode = draw(st.sampled_from(["plain", "short", "raise_before", "not_used"]))
    else:
        behaviour = {
            flag: True
            for flag in ("view", "exception", "template")
            if draw(st.integers(0, 3))  # each hook present 3 times in 4
        }
        if behaviour.get("view") and not draw(st.integers(0, 4)):
            behaviour["view_response"] = True
        if behaviour.get("exception") and not draw(st.integers(0, 2)):
            behaviour["exception_response"] = True
        mode = draw(
            st.sampled_from(
                ["plain"] * 6 + ["short", "raise_before", "raise_after", "not_used"]
            )
        )
    if mode in ("raise_before", "raise_after"):
        behaviour[mode] = draw(EXCEPTIONS)
    elif mode != "plain":
        behaviour[mode] = True
    return behaviour


stacks = st.lists(layers(), max_size=5)
paths = st.sampled_from(
    [
        "/ok/",
        "/missing/",
        "/none/",
        "/template/",
        "/template-raise/",
        "/kwargs/3/q/",
        "/args/4/5/",
        "/raise/ValueError/",
        "/raise/Http404/",
        "/raise/PermissionDenied/",
        "/raise/SuspiciousOperation/",
    ]
)


def run(fw_class, stack, path):
    LOG.clear()
    middleware = [
        mw.define(fw_class.name, f"m{i}", **behaviour)
        for i, behaviour in enumerate(stack)
    ]
    with fw_class.handler(middleware) as get:
        response = get(path)
    return list(LOG), response.status_code, response.content


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(stack=stacks, path=paths)
def test_generated_stacks_behave_like_django(twin, stack, path):
    assert run(Fastdj, stack, path) == run(Django, stack, path)
