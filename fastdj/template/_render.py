"""The template kernel: the per-render inner loop, in pure Python.

This module is the specification of the "template" kernel; its Cython twin
implements the same ``__all__`` with the same behaviour. Consumers get it
through ``fastdj.template.base._kernel()``, never by importing it.

Rendering a NodeList renders text and variable nodes inline (no method call
per node, no annotation wrapper) and calls ``render(context)`` on every other
node. Variable lookups try a dict key, an attribute, then a list index, in
Django's order, with fast paths for the context itself, dicts and plain
objects that reach the same answer without raising exceptions.
"""

from __future__ import annotations

from inspect import signature

from fastdj.conf import settings
from fastdj.template.base import (
    NodeList,
    Template,
    TextNode,
    VariableNode,
    _annotate_exception,
)
from fastdj.template.context import BaseContext, Context, RequestContext
from fastdj.template.exceptions import VariableDoesNotExist
from fastdj.utils.safestring import SafeData, SafeString, mark_safe

__all__ = [
    "KERNEL_VERSION",
    "render_for",
    "render_include",
    "render_nodelist",
    "render_value_in_context",
    "resolve_expression",
    "resolve_lookup",
]

KERNEL_VERSION = 1

# Flag bits of a compiled filter (see FilterExpression._compile).
_EXPECTS_LOCALTIME = 1
_NEEDS_AUTOESCAPE = 2
_IS_SAFE = 4

_LOOKUP_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError)
_INDEX_ERRORS = (IndexError, ValueError, KeyError, TypeError)


def render_nodelist(nodelist, context) -> SafeString:
    """Return the nodes of ``nodelist`` rendered against ``context``."""
    bits = []
    _render_into(bits.append, nodelist, context)
    return SafeString("".join(bits))


def _render_into(append, nodelist, context):
    # render_nodelist() without the join: a loop body appends each item's
    # pieces to the loop's own list, which is joined once (the same text as
    # joining per item, then once more).
    node = None
    try:
        for node in nodelist:
            cls = node.__class__
            if cls is TextNode:
                append(node.s)
            elif cls is VariableNode:
                fe = node.filter_expression
                lookups, _, filters = fe.compiled
                if lookups is None or filters:
                    append(_render_variable(fe, context))
                    continue
                # A plain {{ a.b }}: resolve_expression() without filters.
                try:
                    value = resolve_lookup(context, lookups)
                except VariableDoesNotExist:
                    value = _invalid_value(fe, context)
                except UnicodeDecodeError:
                    append("")
                    continue
                if value.__class__ is str:
                    # render_value_in_context() of plain text, inlined.
                    append(_escape(value) if context.autoescape else value)
                else:
                    append(render_value_in_context(value, context))
            else:
                append(node.render(context))
    except Exception as e:
        if node is not None:
            _annotate_exception(e, node, context)
        raise


def render_for(node, context) -> str:
    """Render ForNode ``node``: its loop body once per item of its sequence
    with ``forloop`` set, or its ``{% empty %}`` body.
    """
    cls = context.__class__
    if cls is not Context and cls is not RequestContext:
        parentloop = context["forloop"] if "forloop" in context else {}
        with context.push():
            return _render_loop(node, context, parentloop, False)
    # The same for fastdj's own contexts, without a ContextDict and a
    # ``with`` block per loop: a nested loop runs this once per outer item.
    dicts = context.dicts
    parentloop = {}
    for d in reversed(dicts):
        if "forloop" in d:
            parentloop = d["forloop"]
            break
    dicts.append({})
    try:
        return _render_loop(node, context, parentloop, True)
    finally:
        dicts.pop()


def _render_loop(node, context, parentloop, own_context):
    # render_for() once the loop's own dict is on top of the context;
    # ``own_context``: a fastdj Context, whose dicts may be pushed directly.
    values = resolve_expression(node.sequence, context, True)
    if values is None:
        values = []
    if not hasattr(values, "__len__"):
        values = list(values)
    len_values = len(values)
    if len_values < 1:
        return node.nodelist_empty.render(context)
    if node.is_reversed:
        values = reversed(values)
    loopvars = node.loopvars
    num_loopvars = len(loopvars)
    unpack = num_loopvars > 1
    loopvar = loopvars[0]
    body = node.nodelist_loop
    top = context.dicts[-1]
    loop_dict = top["forloop"] = {"parentloop": parentloop}
    bits = []
    append = bits.append
    last = len_values - 1
    for i, item in enumerate(values):
        loop_dict["counter0"] = i
        loop_dict["counter"] = i + 1
        loop_dict["revcounter"] = len_values - i
        loop_dict["revcounter0"] = last - i
        loop_dict["first"] = i == 0
        loop_dict["last"] = i == last
        if unpack:
            try:
                len_item = len(item)
            except TypeError:
                len_item = 1
            if num_loopvars != len_item:
                raise ValueError(
                    f"Need {num_loopvars} values to unpack in for loop; "
                    f"got {len_item}. "
                )
            unpacked = dict(zip(loopvars, item, strict=False))
            if own_context:
                dicts = context.dicts
                dicts.append(unpacked)
                try:
                    _render_into(append, body, context)
                finally:
                    dicts.pop()
            else:
                with context.update(unpacked):
                    _render_into(append, body, context)
        else:
            # The body may push and pop, but always restores the stack,
            # so the loop's own dict is still the top one here.
            context.dicts[-1][loopvar] = item
            _render_into(append, body, context)
    return SafeString("".join(bits))


def render_include(node, context) -> str:
    """Render IncludeNode ``node``: its template with the current context
    plus its ``with`` values (or only those, with ``only``).

    The template is looked up once per render (cached in the render
    context's root dict under the node), so an include inside a loop does
    not consult the loaders again.
    """
    template = resolve_expression(node.template, context, False)
    if not callable(getattr(template, "render", None)):
        render_cache = context.render_context.dicts[0]
        cache = render_cache.get(node)
        if cache is None:
            cache = render_cache[node] = {}
        key = template if isinstance(template, str) else tuple(template or ())
        found = cache.get(key)
        if found is None:
            found = cache[key] = _find_included(node, template, context)
        template = found
    elif hasattr(template, "template"):
        # A backend template wrapper: render the compiled template.
        template = template.template
    values = {name: var.resolve(context) for name, var in node.extra_context.items()}
    if node.isolated_context:
        return template.render(context.new(values))
    dicts = context.dicts
    dicts.append(values)
    try:
        if template.__class__ is not Template or context.template is None:
            return template.render(context)
        # Template.render(context) for a context already bound to a
        # template: a fresh render-context frame while it renders.
        render_context = context.render_context
        initial = render_context.template
        render_context.template = template
        render_context.dicts.append({})
        try:
            nodelist = template.nodelist
            if nodelist.__class__ is NodeList:
                return render_nodelist(nodelist, context)
            return nodelist.render(context)
        finally:
            render_context.template = initial
            render_context.dicts.pop()
    finally:
        dicts.pop()


def _find_included(node, template_name, context):
    from fastdj.template.loader_tags import construct_relative_path

    if isinstance(template_name, str):
        names = (construct_relative_path(node.origin.template_name, template_name),)
    else:
        names = tuple(template_name or ())
    return context.template.engine.select_template(names)


def _render_variable(fe, context):
    try:
        value = resolve_expression(fe, context, False)
    except UnicodeDecodeError:
        # Undecodable bytes render as nothing, as in Django.
        return ""
    return render_value_in_context(value, context)


def _invalid_value(fe, context):
    # What a failed lookup of ``fe`` (without filters) resolves to.
    string_if_invalid = _string_if_invalid(context)
    if string_if_invalid and "%s" in string_if_invalid:
        return string_if_invalid % fe.var
    return string_if_invalid


def _string_if_invalid(context):
    # Variable.resolve() also accepts a plain dict, which has no template.
    template = getattr(context, "template", None)
    if template is None:
        return ""
    return template.engine.string_if_invalid


def resolve_expression(fe, context, ignore_failures=False):
    """Return the value of FilterExpression ``fe`` in ``context``, filters
    applied; a failed lookup gives string_if_invalid (or None if
    ``ignore_failures``).
    """
    lookups, obj, filters = fe.compiled
    if lookups is not None:
        try:
            obj = resolve_lookup(context, lookups)
        except VariableDoesNotExist:
            if ignore_failures:
                obj = None
            else:
                string_if_invalid = _string_if_invalid(context)
                if string_if_invalid:
                    if "%s" in string_if_invalid:
                        return string_if_invalid % fe.var
                    return string_if_invalid
                obj = string_if_invalid
    if not filters:
        return obj
    for func, args, flags in filters:
        if args:
            arg_vals = []
            for is_lookup, arg in args:
                if is_lookup:
                    if arg.lookups is None:
                        arg_vals.append(arg.literal)
                    else:
                        arg_vals.append(resolve_lookup(context, arg.lookups))
                else:
                    arg_vals.append(arg)
        else:
            arg_vals = ()
        if flags & _EXPECTS_LOCALTIME:
            obj = _template_localtime(obj, context.use_tz)
        if flags & _NEEDS_AUTOESCAPE:
            new_obj = func(obj, *arg_vals, autoescape=context.autoescape)
        else:
            new_obj = func(obj, *arg_vals)
        if flags & _IS_SAFE and isinstance(obj, SafeData):
            obj = mark_safe(new_obj)
        else:
            obj = new_obj
    return obj


def resolve_lookup(context, lookups):
    """Return the value that the dotted ``lookups`` reach from ``context``.

    Each step tries a key, then an attribute, then an integer index; a
    callable result is called unless marked ``do_not_call_in_templates``, and
    one marked ``alters_data`` becomes string_if_invalid. Raise
    VariableDoesNotExist when a step fails; an exception with a true
    ``silent_variable_failure`` gives string_if_invalid instead.
    """
    current = context
    try:
        for bit in lookups:
            cls = current.__class__
            if cls is Context or cls is RequestContext:
                for d in reversed(current.dicts):
                    if bit in d:
                        current = d[bit]
                        break
                else:
                    raise VariableDoesNotExist(
                        "Failed lookup for key [%s] in %r", (bit, current)
                    )
            elif cls is dict:
                try:
                    current = current[bit]
                except KeyError:
                    current = _lookup_attribute(current, bit)
            else:
                # _subscriptable(cls), its cache read inline: this runs for
                # every attribute lookup.
                subscriptable = _SUBSCRIPTABLE.get(cls)
                if subscriptable is None:
                    subscriptable = _subscriptable(cls)
                if subscriptable:
                    try:
                        current = current[bit]
                    except _LOOKUP_ERRORS:
                        current = _lookup_attribute(current, bit)
                else:
                    # Nothing to subscript: go straight to the attribute, as
                    # Django does after its subscript attempt fails.
                    try:
                        current = getattr(current, bit)
                    except (TypeError, AttributeError):
                        current = _lookup_after_getattr(current, bit)
            if callable(current):
                current = _call(current, context)
    except Exception as e:
        if getattr(e, "silent_variable_failure", False):
            return _string_if_invalid(context)
        raise
    return current


# type -> whether it has __getitem__. hasattr() on a type that lacks the
# attribute builds and discards an AttributeError; this is asked for every
# attribute lookup on a plain object, so the answer is remembered.
_SUBSCRIPTABLE: dict = {}


def _subscriptable(cls):
    answer = _SUBSCRIPTABLE.get(cls)
    if answer is None:
        answer = hasattr(cls, "__getitem__")
        if len(_SUBSCRIPTABLE) > 4096:
            # Types created on the fly must not grow this without bound.
            _SUBSCRIPTABLE.clear()
        _SUBSCRIPTABLE[cls] = answer
    return answer


def _lookup_attribute(current, bit):
    try:
        # A context's own methods are not variables.
        if isinstance(current, BaseContext) and getattr(type(current), bit):
            raise AttributeError
        return getattr(current, bit)
    except (TypeError, AttributeError):
        return _lookup_after_getattr(current, bit)


def _lookup_after_getattr(current, bit):
    # An AttributeError from inside a property is a bug to show, not a miss.
    if not isinstance(current, BaseContext) and bit in dir(current):
        raise
    try:
        return current[int(bit)]
    except _INDEX_ERRORS:
        raise VariableDoesNotExist(
            "Failed lookup for key [%s] in %r", (bit, current)
        ) from None


def _call(current, context):
    if getattr(current, "do_not_call_in_templates", False):
        return current
    if getattr(current, "alters_data", False):
        return _string_if_invalid(context)
    try:
        return current()
    except TypeError:
        # Only a call that needed arguments is a miss; a TypeError raised
        # inside the callable propagates.
        try:
            sig = signature(current)
        except ValueError:
            return _string_if_invalid(context)
        try:
            sig.bind()
        except TypeError:
            return _string_if_invalid(context)
        raise


def _escape(s):
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "'" in s:
        s = s.replace("'", "&#x27;")
    return s


def render_value_in_context(value, context) -> str:
    """Return ``value`` as text for ``context``: converted to the current
    time zone, localized, and escaped when autoescaping unless it is safe.
    """
    cls = value.__class__
    if cls is str:
        if context.autoescape:
            return _escape(value)
        return value
    if cls is SafeString:
        return value
    if cls is int:
        # Digits and a sign need no escaping and no localization (grouping is
        # off unless USE_THOUSAND_SEPARATOR, handled below).
        if not getattr(settings, "USE_THOUSAND_SEPARATOR", False):
            return str(value)
    value = _template_localtime(value, context.use_tz)
    value = _localize(value, context.use_l10n)
    if context.autoescape:
        # Non-strings are converted first, as Django does: an object's
        # __html__ counts only if it is a str (SafeString, Markup).
        if not isinstance(value, str):
            value = str(value)
        if hasattr(value, "__html__"):
            return value.__html__()
        return _escape(value)
    return str(value)


def _template_localtime(value, use_tz):
    from datetime import datetime

    if not isinstance(value, datetime):
        return value
    from fastdj.utils.timezone import template_localtime

    return template_localtime(value, use_tz)


def _localize(value, use_l10n):
    if isinstance(value, str):
        return value
    from fastdj.utils.formats import localize

    return localize(value, use_l10n=use_l10n)
