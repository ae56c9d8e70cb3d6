"""Technical error pages shown when DEBUG is on, as ``django.views.debug``.

The pages are built from plain strings (fastdj has no template engine yet).
Every value that comes from the request, the exception or the code is
HTML-escaped, and request data whose name looks secret is masked.
"""

from __future__ import annotations

import html
import linecache
import re
import traceback
import types

from fastdj.conf import settings
from fastdj.http import HttpResponse, HttpResponseNotFound

__all__ = [
    "CLEANSED_SUBSTITUTE",
    "default_urlconf",
    "technical_404_response",
    "technical_500_response",
]

CLEANSED_SUBSTITUTE = "********************"
# As Django's SafeExceptionReporterFilter: values whose names match are hidden.
_HIDDEN = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", re.I)
_CONTEXT_LINES = 7

_STYLE = """
  html * { padding:0; margin:0; }
  body * { padding:10px 20px; }
  body * * { padding:0; }
  body { font-family: sans-serif; background:#eee; color:#000; }
  h1 { font-weight:normal; margin-bottom:.4em; }
  h1 span { font-size:60%; color:#666; font-weight:normal; }
  table { border:none; border-collapse: collapse; width:100%; }
  td, th { vertical-align:top; padding:2px 3px; text-align:left; }
  th { width:12em; text-align:right; color:#666; padding-right:.5em; }
  pre { font-size:90%; overflow:auto; }
  #summary { background: #ffc; }
  #summary h2 { font-weight: normal; color: #666; }
  #traceback, #info, #explanation { background:#fff; }
  .frame { margin:0 0 1em 0; border-bottom:1px solid #ddd; }
  .frame code { display:block; white-space:pre; }
  .frame .line { background:#ddd; }
  .exc_value { white-space:pre-wrap; }
"""


def _e(value) -> str:
    """Return ``value`` as text that is safe to put in HTML."""
    return html.escape(str(value), quote=True)


def _safe_repr(value) -> str:
    try:
        return repr(value)
    except Exception as exc:
        return f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"


def _cleanse(name, value):
    if isinstance(name, str) and _HIDDEN.search(name):
        return CLEANSED_SUBSTITUTE
    return value


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        '  <meta http-equiv="content-type" content="text/html; charset=utf-8">\n'
        '  <meta name="robots" content="NONE,NOARCHIVE">\n'
        f"  <title>{_e(title)}</title>\n"
        f"  <style>{_STYLE}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _table(rows) -> str:
    cells = "".join(
        f"<tr><th>{_e(name)}</th><td><pre>{_e(value)}</pre></td></tr>"
        for name, value in rows
    )
    return f"<table>{cells}</table>" if cells else "<p>No data.</p>"


def _request_rows(request) -> list[tuple[str, str]]:
    """Return (name, value) rows describing ``request``, never raising."""
    rows = []
    for label, getter in (
        ("Request Method", lambda: request.method),
        ("Request URL", lambda: request.build_absolute_uri()),
        ("Path", lambda: request.path),
    ):
        try:
            rows.append((label, getter()))
        except Exception as exc:
            rows.append((label, f"<could not read: {type(exc).__name__}>"))
    return rows


def _mapping_rows(get) -> list[tuple[str, str]]:
    # Reading GET or COOKIES may raise on a malformed request: the error page
    # must still render.
    try:
        mapping = get()
    except Exception as exc:
        return [("(unreadable)", f"{type(exc).__name__}: {exc}")]
    try:
        if hasattr(mapping, "lists"):
            items = [(k, v if len(v) != 1 else v[0]) for k, v in mapping.lists()]
        else:
            items = list(mapping.items())
    except Exception as exc:
        return [("(unreadable)", f"{type(exc).__name__}: {exc}")]
    return [(k, _safe_repr(_cleanse(k, v))) for k, v in sorted(items, key=str)]


def _request_section(request) -> str:
    if request is None:
        return "<h2>Request information</h2><p>Request data not supplied</p>"
    try:
        meta = dict(request.META)
    except Exception as exc:
        meta_rows = [("(unreadable)", f"{type(exc).__name__}: {exc}")]
    else:
        meta_rows = [
            (k, _safe_repr(_cleanse(k, v)))
            for k, v in sorted(meta.items(), key=lambda kv: str(kv[0]))
            if isinstance(k, str) and (k.isupper() or k.startswith("wsgi."))
        ]
    return (
        "<h2>Request information</h2>"
        + _table(_request_rows(request))
        + "<h3>GET</h3>"
        + _table(_mapping_rows(lambda: request.GET))
        + "<h3>COOKIES</h3>"
        + _table(_mapping_rows(lambda: request.COOKIES))
        + "<h3>META</h3>"
        + _table(meta_rows)
    )


def _frames(tb) -> list[dict]:
    """Return one dict per traceback frame, innermost last."""
    frames = []
    for frame, lineno in traceback.walk_tb(tb):
        code = frame.f_code
        filename = code.co_filename
        linecache.checkcache(filename)
        start = max(lineno - _CONTEXT_LINES, 1)
        lines = [
            (n, linecache.getline(filename, n, frame.f_globals).rstrip("\n"))
            for n in range(start, lineno + _CONTEXT_LINES + 1)
        ]
        # Drop the trailing empty reads past the end of the file.
        while lines and lines[-1][0] > lineno and not lines[-1][1]:
            lines.pop()
        frames.append(
            {
                "filename": filename,
                "function": code.co_name,
                "lineno": lineno,
                "lines": lines,
                "vars": [
                    (name, _safe_repr(_cleanse(name, value)))
                    for name, value in sorted(frame.f_locals.items())
                ],
            }
        )
    return frames


def _frame_html(frame: dict) -> str:
    source = "".join(
        f'<code class="{"line" if n == frame["lineno"] else "context"}">'
        f"{n:>5} {_e(text)}</code>"
        for n, text in frame["lines"]
    )
    return (
        '<div class="frame">'
        f"<p><code>{_e(frame['filename'])}</code>, line {frame['lineno']}, "
        f"in <code>{_e(frame['function'])}</code></p>"
        f"<pre>{source}</pre>"
        "<details><summary>Local vars</summary>"
        f"{_table(frame['vars'])}</details>"
        "</div>"
    )


def _exception_chain(exc_value) -> list[BaseException]:
    """Return the exception and its causes/contexts, outermost cause first."""
    chain = []
    seen = set()
    while exc_value is not None and id(exc_value) not in seen:
        seen.add(id(exc_value))
        chain.append(exc_value)
        if exc_value.__cause__ is not None:
            exc_value = exc_value.__cause__
        elif exc_value.__suppress_context__:
            exc_value = None
        else:
            exc_value = exc_value.__context__
    return list(reversed(chain))


def get_traceback_html(request, exc_type, exc_value, tb) -> str:
    """Return the technical 500 page for the given exception as HTML."""
    type_name = getattr(exc_type, "__name__", "Report") if exc_type else "Report"
    message = str(exc_value) if exc_value is not None else "No exception message"
    path = ""
    if request is not None:
        try:
            path = request.path_info
        except Exception:
            path = ""
    title = f"{type_name} at {path}" if request is not None else type_name
    summary = (
        '<div id="summary">'
        f"<h1>{_e(type_name)}"
        + (f" <span>at {_e(path)}</span>" if request is not None else "")
        + "</h1>"
        f'<pre class="exc_value">{_e(message)}</pre>'
        "</div>"
    )
    sections = []
    chain = _exception_chain(exc_value) if exc_value is not None else []
    for index, exc in enumerate(chain):
        exc_tb = tb if exc is exc_value else exc.__traceback__
        frames = "".join(_frame_html(f) for f in _frames(exc_tb))
        header = f"{type(exc).__name__}: {exc}"
        joiner = ""
        if index + 1 < len(chain):
            joiner = (
                "<p>The above exception was the direct cause of the following "
                "exception:</p>"
                if chain[index + 1].__cause__ is exc
                else "<p>During handling of the above exception, another "
                "exception occurred:</p>"
            )
        sections.append(f"<h3>{_e(header)}</h3>{frames or '<p>No frames.</p>'}{joiner}")
    text_tb = "".join(
        traceback.format_exception(exc_type, exc_value, tb)
        if exc_value is not None
        else []
    )
    body = (
        summary
        + '<div id="traceback"><h2>Traceback</h2>'
        + "".join(sections)
        + f"<h3>Plain traceback</h3><pre>{_e(text_tb)}</pre></div>"
        + f'<div id="info">{_request_section(request)}</div>'
        + '<div id="explanation"><p>You are seeing this error because you have '
        "<code>DEBUG = True</code> in your settings file. Change that to "
        "<code>False</code>, and fastdj will display a standard page generated "
        "by the handler for this status code.</p></div>"
    )
    return _page(title, body)


def technical_500_response(request, exc_type, exc_value, tb, status_code=500):
    """Return an HttpResponse describing the exception, for DEBUG mode."""
    return HttpResponse(
        get_traceback_html(request, exc_type, exc_value, tb),
        status=status_code,
        content_type="text/html; charset=utf-8",
    )


def _pattern_text(pattern) -> str:
    text = str(getattr(pattern, "pattern", pattern))
    name = getattr(pattern, "name", None)
    return f"{text} [name='{name}']" if name else text


def _raising_view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    func = getattr(match, "func", None)
    view_class = getattr(func, "view_class", None)
    target = view_class or func
    module = getattr(target, "__module__", "")
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module}.{name}" if module else name


def technical_404_response(request, exception):
    """Return a 404 page listing the URL patterns tried, for DEBUG mode."""
    try:
        error_url = exception.args[0]["path"]
    except (IndexError, TypeError, KeyError):
        error_url = request.path_info[1:]
    try:
        tried = exception.args[0]["tried"]
    except (IndexError, TypeError, KeyError):
        resolved = True
        match = getattr(request, "resolver_match", None)
        tried = getattr(match, "tried", None) if match else None
    else:
        resolved = False
        if not tried:
            return default_urlconf(request)

    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    if isinstance(urlconf, types.ModuleType):
        urlconf = urlconf.__name__
    reason = str(exception)
    if not resolved and isinstance(exception.args[0], dict):
        # The message of a Resolver404 is its dict of tries: not for people.
        reason = ""

    rows = [("Request Method", request.method)]
    try:
        rows.append(("Request URL", request.build_absolute_uri()))
    except Exception as exc:
        rows.append(("Request URL", f"<could not read: {type(exc).__name__}>"))
    view_name = _raising_view_name(request) if resolved else ""
    if view_name:
        rows.append(("Raised by", view_name))

    patterns = ""
    if tried:
        items = "".join(
            "<li>" + _e(" ".join(_pattern_text(p) for p in entry)) + "</li>"
            for entry in tried
        )
        patterns = (
            f"<p>Using the URLconf defined in <code>{_e(urlconf)}</code>, fastdj "
            f"tried these URL patterns, in this order:</p><ol>{items}</ol>"
        )
    if resolved:
        outcome = f"<p>{_e(reason) or 'The requested resource was not found.'}</p>"
    else:
        outcome = (
            f"<p>The current path, <code>{_e(error_url)}</code>, didn't match "
            "any of these.</p>"
        )
    body = (
        '<div id="summary"><h1>Page not found <span>(404)</span></h1>'
        + (f'<pre class="exc_value">{_e(reason)}</pre>' if reason else "")
        + _table(rows)
        + "</div>"
        + f'<div id="info">{patterns}{outcome}</div>'
        + '<div id="explanation"><p>You are seeing this error because you have '
        "<code>DEBUG = True</code> in your settings file. Change that to "
        "<code>False</code>, and fastdj will display a standard 404 page.</p></div>"
    )
    return HttpResponseNotFound(
        _page("Page not found at " + str(request.path_info), body),
        content_type="text/html; charset=utf-8",
    )


def default_urlconf(request):
    """Return the page shown when the URLconf has no patterns (DEBUG only)."""
    body = (
        '<div id="summary"><h1>The install worked successfully!</h1>'
        "<p>You are seeing this page because <code>DEBUG = True</code> and your "
        "URLconf has no URL patterns yet.</p></div>"
    )
    return HttpResponse(_page("fastdj: it worked", body))
