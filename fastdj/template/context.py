"""Template contexts: stacks of dicts, as ``django.template.context``."""

from __future__ import annotations

from contextlib import contextmanager
from copy import copy

__all__ = [
    "BaseContext",
    "Context",
    "ContextDict",
    "ContextPopException",
    "RenderContext",
    "RequestContext",
    "make_context",
]

# Names every context resolves, so {% if x == None %} and friends work.
_builtins = {"True": True, "False": False, "None": None}


class ContextPopException(Exception):
    """pop() was called more times than push()."""


class ContextDict(dict):
    """A dict pushed onto a context; leaving its ``with`` block pops it."""

    def __init__(self, context, *args, **kwargs):
        super().__init__(*args, **kwargs)
        context.dicts.append(self)
        self.context = context

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.context.pop()


class BaseContext:
    """A stack of dicts; lookups search from the most recently pushed."""

    def __init__(self, dict_=None):
        self._reset_dicts(dict_)

    def _reset_dicts(self, value=None):
        builtins = _builtins.copy()
        if value is None:
            self.dicts = [builtins]
        elif isinstance(value, BaseContext):
            self.dicts = [builtins, *value.dicts[1:]]
        else:
            self.dicts = [builtins, value]

    def __copy__(self):
        duplicate = object.__new__(self.__class__)
        duplicate.__dict__ = self.__dict__.copy()
        duplicate.dicts = self.dicts[:]
        return duplicate

    def __repr__(self):
        return repr(self.dicts)

    def __iter__(self):
        return reversed(self.dicts)

    def push(self, *args, **kwargs):
        """Push a new dict built from ``args`` and ``kwargs``; usable as a
        ``with`` block that pops it on exit.
        """
        dicts = []
        for d in args:
            if isinstance(d, BaseContext):
                dicts += d.dicts[1:]
            else:
                dicts.append(d)
        return ContextDict(self, *dicts, **kwargs)

    def pop(self):
        """Remove and return the most recently pushed dict."""
        if len(self.dicts) == 1:
            raise ContextPopException
        return self.dicts.pop()

    def __setitem__(self, key, value):
        self.dicts[-1][key] = value

    def set_upward(self, key, value):
        """Set ``key`` in the innermost dict that already has it (or the top)."""
        context = self.dicts[-1]
        for d in reversed(self.dicts):
            if key in d:
                context = d
                break
        context[key] = value

    def __getitem__(self, key):
        for d in reversed(self.dicts):
            if key in d:
                return d[key]
        raise KeyError(key)

    def __delitem__(self, key):
        del self.dicts[-1][key]

    def __contains__(self, key):
        # A loop, not any() over a generator: {% for %} asks this per render.
        for d in self.dicts:
            if key in d:
                return True
        return False

    def get(self, key, otherwise=None):
        """Return the value of ``key``, or ``otherwise`` if no dict has it."""
        for d in reversed(self.dicts):
            if key in d:
                return d[key]
        return otherwise

    def setdefault(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            self[key] = default
        return default

    def new(self, values=None):
        """Return a copy of this context holding only ``values`` (and the
        builtins), keeping its settings such as autoescape.
        """
        new_context = copy(self)
        new_context._reset_dicts(values)
        return new_context

    def flatten(self):
        """Return all the dicts merged into one (innermost wins)."""
        flat = {}
        for d in self.dicts:
            flat.update(d)
        return flat

    def __eq__(self, other):
        if not isinstance(other, BaseContext):
            return NotImplemented
        return self.flatten() == other.flatten()

    __hash__ = None


class Context(BaseContext):
    """The context a template renders with."""

    def __init__(self, dict_=None, autoescape=True, use_l10n=None, use_tz=None):
        self.autoescape = autoescape
        self.use_l10n = use_l10n
        self.use_tz = use_tz
        self.template_name = "unknown"
        # RenderContext() and BaseContext.__init__(dict_), spelled out for
        # the usual case: a context is made for every render, and each
        # Python-level __init__ costs more than the assignments it makes.
        render_context = object.__new__(RenderContext)
        render_context.dicts = [_builtins.copy()]
        self.render_context = render_context
        # Set while a template renders with this context (bind_template).
        self.template = None
        if dict_.__class__ is dict:
            self.dicts = [_builtins.copy(), dict_]
        elif dict_ is None:
            self.dicts = [_builtins.copy()]
        else:
            super().__init__(dict_)

    @contextmanager
    def bind_template(self, template):
        if self.template is not None:
            raise RuntimeError("Context is already bound to a template")
        self._bind(template)
        try:
            yield
        finally:
            self._unbind()

    # bind_template() is these two around a render; Template.render calls
    # them directly for RequestContext (and inlines them for Context), since
    # a generator-based context manager costs more than the rest of a small
    # template's setup.
    def _bind(self, template):
        self.template = template

    def _unbind(self):
        self.template = None

    def __copy__(self):
        duplicate = super().__copy__()
        duplicate.render_context = copy(self.render_context)
        return duplicate

    def update(self, other_dict):
        """Push ``other_dict`` onto the stack (usable as a ``with`` block)."""
        if not hasattr(other_dict, "__getitem__"):
            raise TypeError("other_dict must be a mapping (dictionary-like) object.")
        if isinstance(other_dict, BaseContext):
            other_dict = other_dict.dicts[1:].pop()
        return ContextDict(self, other_dict)


class RenderContext(BaseContext):
    """Per-render state of tags (cycle positions, loaded templates, blocks).

    Only the innermost dict is visible, so an included template does not see
    the state of its includer; push_state() gives each template its own.
    """

    template = None

    def __init__(self, dict_=None):
        if dict_ is None:
            # Every Context makes one: the usual case skips _reset_dicts().
            self.dicts = [_builtins.copy()]
        else:
            super().__init__(dict_)

    def __iter__(self):
        yield from self.dicts[-1]

    def __contains__(self, key):
        return key in self.dicts[-1]

    def get(self, key, otherwise=None):
        return self.dicts[-1].get(key, otherwise)

    def __getitem__(self, key):
        return self.dicts[-1][key]

    def setdefault(self, key, default=None):
        # BaseContext.setdefault() on the innermost dict, without raising
        # and catching a KeyError on a miss ({% extends %} asks on each render).
        return self.dicts[-1].setdefault(key, default)

    @contextmanager
    def push_state(self, template, isolated_context=True):
        initial = self.template
        self.template = template
        if isolated_context:
            self.push()
        try:
            yield
        finally:
            self.template = initial
            if isolated_context:
                self.pop()


class RequestContext(Context):
    """A Context that runs the engine's context processors on ``request``
    when a template binds it.
    """

    def __init__(
        self,
        request,
        dict_=None,
        processors=None,
        use_l10n=None,
        use_tz=None,
        autoescape=True,
    ):
        # Context.__init__ named, not reached through super(): no proxy
        # object per context, and Context is next in any MRO of this class.
        Context.__init__(self, dict_, autoescape, use_l10n, use_tz)
        self.request = request
        self._processors = () if processors is None else tuple(processors)
        dicts = self.dicts
        self._processors_index = len(dicts)
        # Two slots, as Django's two update({}) calls make (plain dicts here:
        # nothing uses them as ``with`` blocks): the context processors'
        # output, filled by bind_template(), then the template's own
        # assignments, so that processors never overwrite those.
        dicts.append({})
        dicts.append({})

    def _bind(self, template):
        # The template stays bound if a processor fails, as in Django.
        self.template = template
        processors = template.engine.template_context_processors
        if self._processors:
            processors = processors + self._processors
        updates = {}
        for processor in processors:
            context = processor(self.request)
            try:
                updates.update(context)
            except TypeError as e:
                raise TypeError(
                    f"Context processor {processor.__qualname__} didn't return a "
                    "dictionary."
                ) from e
        self.dicts[self._processors_index] = updates

    def _unbind(self):
        self.template = None
        self.dicts[self._processors_index] = {}

    def new(self, values=None):
        new_context = super().new(values)
        # A new context has no processors' slot: its dicts were reset.
        if hasattr(new_context, "_processors_index"):
            del new_context._processors_index
        return new_context


def make_context(context, request=None, **kwargs):
    """Return a Context (or a RequestContext if ``request`` is given) built
    from the dict ``context``.
    """
    if context is not None and not isinstance(context, dict):
        raise TypeError(
            f"context must be a dict rather than {context.__class__.__name__}."
        )
    if request is None:
        return Context(context, **kwargs)
    request_context = RequestContext(request, **kwargs)
    if context:
        # A copy on top of the processors' slot, so the view's values win over
        # the processors' and the template's assignments do not reach the
        # caller's dict (Django pushes it likewise).
        request_context.dicts.append(dict(context))
    return request_context
