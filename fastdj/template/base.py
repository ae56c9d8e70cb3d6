"""The template language: lexing, parsing and the node classes, as
``django.template.base``.

A template string is split into tokens by the Lexer, the Parser turns the
tokens into a NodeList (calling the compile function of each tag), and
rendering a Template renders that NodeList against a Context. Parsing happens
once per template; the per-render inner loop lives in the template kernel
(``fastdj.template._render`` or its Cython twin), obtained through
:func:`_kernel`.
"""

from __future__ import annotations

import re
import sys
from enum import Enum
from inspect import getfullargspec, unwrap

from fastdj.template.context import (
    BaseContext,  # noqa: F401 - Django's API
    RenderContext,
    RequestContext,
)
from fastdj.template.context import Context as _Context
from fastdj.template.exceptions import (
    TemplateSyntaxError,
    VariableDoesNotExist,
)
from fastdj.utils.safestring import mark_safe
from fastdj.utils.text import smart_split

__all__ = [
    "BLOCK_TAG_END",
    "BLOCK_TAG_START",
    "COMMENT_TAG_END",
    "COMMENT_TAG_START",
    "FILTER_ARGUMENT_SEPARATOR",
    "FILTER_SEPARATOR",
    "UNKNOWN_SOURCE",
    "VARIABLE_ATTRIBUTE_SEPARATOR",
    "VARIABLE_TAG_END",
    "VARIABLE_TAG_START",
    "DebugLexer",
    "FilterExpression",
    "Lexer",
    "Node",
    "NodeList",
    "Origin",
    "Parser",
    "Template",
    "TemplateSyntaxError",
    "TextNode",
    "Token",
    "TokenType",
    "Variable",
    "VariableDoesNotExist",
    "VariableNode",
    "render_value_in_context",
    "token_kwargs",
]

FILTER_SEPARATOR = "|"
FILTER_ARGUMENT_SEPARATOR = ":"
VARIABLE_ATTRIBUTE_SEPARATOR = "."
BLOCK_TAG_START = "{%"
BLOCK_TAG_END = "%}"
VARIABLE_TAG_START = "{{"
VARIABLE_TAG_END = "}}"
COMMENT_TAG_START = "{#"
COMMENT_TAG_END = "#}"
SINGLE_BRACE_START = "{"
SINGLE_BRACE_END = "}"

# What an Origin is called when a template was not loaded from anywhere.
UNKNOWN_SOURCE = "<unknown source>"

# Tags are found lazily (non-greedy) so "{{ a }} {{ b }}" is two tags.
tag_re = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})")

_PURE_KERNEL = None
# Set (by tests and benchmarks only) to render with a given kernel module.
_FORCED_KERNEL = None
# Whether fastdj._accel knows the "template" kernel; decided on first use.
_REGISTERED = None


def _kernel():
    """Return the template kernel module to render with.

    This is the one place that picks it: the Cython twin through
    ``fastdj._accel`` once the "template" kernel is registered there, else
    the pure-Python reference module.
    """
    global _REGISTERED, _PURE_KERNEL
    if _FORCED_KERNEL is not None:
        return _FORCED_KERNEL
    if _REGISTERED is None:
        from fastdj import _accel

        _REGISTERED = _accel if "template" in _accel.KERNELS else False
    if _REGISTERED:
        # _accel.kernel("template") without the call: this runs per render.
        return _REGISTERED._active["template"]
    if _PURE_KERNEL is None:
        from fastdj.template import _render

        _PURE_KERNEL = _render
    return _PURE_KERNEL


class TokenType(Enum):
    TEXT = 0
    VAR = 1
    BLOCK = 2
    COMMENT = 3


_TEXT = TokenType.TEXT
_VAR = TokenType.VAR
_BLOCK = TokenType.BLOCK
_COMMENT = TokenType.COMMENT


class Origin:
    """Where a template came from: its name (a path, or UNKNOWN_SOURCE), the
    name it was asked for, and the loader that found it.
    """

    def __init__(self, name, template_name=None, loader=None):
        self.name = name
        self.template_name = template_name
        self.loader = loader

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<{self.__class__.__qualname__} name={self.name!r}>"

    def __eq__(self, other):
        return (
            isinstance(other, Origin)
            and self.name == other.name
            and self.loader == other.loader
        )

    def __hash__(self):
        return hash((self.name, id(self.loader)))

    @property
    def loader_name(self):
        """Return the dotted path of the loader's class, or None."""
        if self.loader:
            cls = self.loader.__class__
            return f"{cls.__module__}.{cls.__name__}"
        return None


class Template:
    """A compiled template: parse ``template_string`` once, render many times."""

    def __init__(self, template_string, origin=None, name=None, engine=None):
        # Imported here: the engine module imports this one.
        if engine is None:
            from fastdj.template.engine import Engine

            engine = Engine.get_default()
        if origin is None:
            origin = Origin(UNKNOWN_SOURCE)
        self.name = name
        self.origin = origin
        self.engine = engine
        self.source = str(template_string)
        self.nodelist = self.compile_nodelist()

    def __repr__(self):
        return (
            f'<{self.__class__.__qualname__} template_string="{self.source[:20]}...">'
        )

    def __iter__(self):
        for node in self.nodelist:
            yield from node

    def _render(self, context):
        nodelist = self.nodelist
        if nodelist.__class__ is NodeList:
            if _REGISTERED and _FORCED_KERNEL is None:
                # _kernel()'s answer without its call: this runs per render.
                return _REGISTERED._active["template"].render_nodelist(
                    nodelist, context
                )
            return _kernel().render_nodelist(nodelist, context)
        return nodelist.render(context)

    def render(self, context):
        """Render this template against ``context`` (a Context) and return
        a SafeString.
        """
        # RenderContext.push_state(self) and Context.bind_template(self),
        # spelled out for fastdj's own classes: this runs for every render
        # and include, and generator-based context managers (and a
        # ContextDict per push) cost more than a small template's render.
        render_context = context.render_context
        initial = render_context.template
        render_context.template = self
        if render_context.__class__ is RenderContext:
            frames = render_context.dicts
            frames.append({})
        else:
            frames = None
            render_context.push()
        try:
            if context.template is None:
                cls = context.__class__
                if cls is _Context:
                    context.template = self
                    try:
                        context.template_name = self.name
                        return self._render(context)
                    finally:
                        context.template = None
                if cls is RequestContext:
                    context._bind(self)
                    try:
                        context.template_name = self.name
                        return self._render(context)
                    finally:
                        # RequestContext._unbind() without the call.
                        context.template = None
                        context.dicts[context._processors_index] = {}
                with context.bind_template(self):
                    context.template_name = self.name
                    return self._render(context)
            return self._render(context)
        finally:
            render_context.template = initial
            if frames is None:
                render_context.pop()
            else:
                frames.pop()

    def compile_nodelist(self):
        """Parse the source and return its NodeList.

        With the engine's debug on, syntax errors carry ``template_debug``
        (the source excerpt around the offending token).
        """
        if self.engine.debug:
            lexer = DebugLexer(self.source)
        else:
            lexer = Lexer(self.source)
        tokens = lexer.tokenize()
        parser = Parser(
            tokens,
            self.engine.template_libraries,
            self.engine.template_builtins,
            self.origin,
        )
        try:
            nodelist = parser.parse()
            self.extra_data = parser.extra_data
            return nodelist
        except Exception as e:
            if self.engine.debug:
                e.template_debug = self.get_exception_info(e, e.token)
            _add_location(e, self.origin, getattr(e, "token", None))
            raise

    def get_exception_info(self, exception, token):
        """Return the lines of source around ``token`` and the error message,
        for debug pages (Django's ``template_debug`` dict).
        """
        start, end = token.position if token is not None else (0, 0)
        context_lines = 10
        line = 0
        upto = 0
        source_lines = []
        before = during = after = ""
        for num, next_break in enumerate(linebreak_iter(self.source)):
            if start >= upto and end <= next_break:
                line = num
                before = self.source[upto:start]
                during = self.source[start:end]
                after = self.source[end:next_break]
            source_lines.append((num, self.source[upto:next_break]))
            upto = next_break
        total = len(source_lines)
        top = max(1, line - context_lines)
        bottom = min(total, line + 1 + context_lines)
        try:
            message = str(exception.args[0])
        except (IndexError, UnicodeDecodeError):
            message = "(Could not get exception message)"
        return {
            "message": message,
            "source_lines": source_lines[top:bottom],
            "before": before,
            "during": during,
            "after": after,
            "top": top,
            "bottom": bottom,
            "total": total,
            "line": line,
            "name": self.origin.name,
            "start": start,
            "end": end,
        }


def _add_location(exc, origin, token):
    """Attach the template name and line to a syntax error.

    Django names the line in most messages; the template name is added as
    attributes so callers (and debug pages) can show where the error is
    without changing the message Django users match on.
    """
    if not isinstance(exc, TemplateSyntaxError):
        return
    if getattr(exc, "template_name", None) is None:
        exc.template_name = getattr(origin, "name", None)
        exc.lineno = getattr(token, "lineno", None)
        if exc.template_name and exc.template_name != UNKNOWN_SOURCE:
            note = f"In template {exc.template_name}"
            if exc.lineno:
                note += f", line {exc.lineno}"
            exc.add_note(note)


def linebreak_iter(template_source):
    """Yield the offsets at which the lines of ``template_source`` start."""
    yield 0
    p = template_source.find("\n")
    while p >= 0:
        yield p + 1
        p = template_source.find("\n", p + 1)
    yield len(template_source) + 1


class Token:
    """One lexed piece of a template: text, a variable, a block tag or a
    comment, with its position (start, end) and line number.
    """

    __slots__ = ("token_type", "contents", "position", "lineno")

    def __init__(self, token_type, contents, position=None, lineno=None):
        self.token_type = token_type
        self.contents = contents
        self.lineno = lineno
        self.position = position

    def __repr__(self):
        token_name = self.token_type.name.capitalize()
        return f'<{token_name} token: "{self.contents[:20].replace(chr(10), "")}...">'

    def split_contents(self):
        """Return the contents split on whitespace, keeping quoted strings
        (and ``_("...")`` translation markers) whole.
        """
        split = []
        bits = smart_split(self.contents)
        for bit in bits:
            if bit.startswith(('_("', "_('")):
                sentinel = bit[2] + ")"
                trans_bit = [bit]
                while not bit.endswith(sentinel):
                    bit = next(bits)
                    trans_bit.append(bit)
                bit = " ".join(trans_bit)
            split.append(bit)
        return split


class Lexer:
    """Split a template string into Tokens."""

    def __init__(self, template_string):
        self.template_string = template_string
        self.verbatim = False

    def __repr__(self):
        return (
            f'<{self.__class__.__qualname__} template_string="'
            f'{self.template_string[:20].replace(chr(10), "")}...", '
            f"verbatim={self.verbatim}>"
        )

    def tokenize(self):
        """Return the list of Tokens of the template string.

        Line numbers and positions are always recorded: it costs little at
        compile time and every syntax error can name its line.
        """
        result = []
        lineno = 1
        upto = 0
        source = self.template_string
        for match in tag_re.finditer(source):
            start, end = match.span()
            if start > upto:
                text = source[upto:start]
                result.append(self.create_token(text, (upto, start), lineno, False))
                lineno += text.count("\n")
            token_string = match[0]
            result.append(self.create_token(token_string, (start, end), lineno, True))
            lineno += token_string.count("\n")
            upto = end
        if upto < len(source):
            result.append(
                self.create_token(source[upto:], (upto, len(source)), lineno, False)
            )
        return result

    def create_token(self, token_string, position, lineno, in_tag):
        """Return the Token for ``token_string``; ``in_tag`` says whether it
        matched the tag pattern.
        """
        if in_tag:
            token_start = token_string[0:2]
            if token_start == BLOCK_TAG_START:
                content = token_string[2:-2].strip()
                if self.verbatim:
                    # Inside {% verbatim %}, only its own end tag is a tag.
                    if content != self.verbatim:
                        return Token(_TEXT, token_string, position, lineno)
                    self.verbatim = False
                elif content[:9] in ("verbatim", "verbatim "):
                    self.verbatim = f"end{content}"
                return Token(_BLOCK, content, position, lineno)
            if not self.verbatim:
                content = token_string[2:-2].strip()
                if token_start == VARIABLE_TAG_START:
                    return Token(_VAR, content, position, lineno)
                return Token(_COMMENT, content, position, lineno)
        return Token(_TEXT, token_string, position, lineno)


class DebugLexer(Lexer):
    """The Lexer used when the engine's debug is on (positions are recorded
    by both, so this only exists for Django's API).
    """


class Parser:
    """Turn a list of Tokens into a NodeList, calling tags' compile functions."""

    def __init__(self, tokens, libraries=None, builtins=None, origin=None):
        # Reversed so that next_token() is a cheap list.pop().
        if isinstance(tokens, str):
            tokens = Lexer(tokens).tokenize()
        self.tokens = list(reversed(tokens))
        self.tags = {}
        self.filters = {}
        self.command_stack = []
        # Storage for tags that need to keep data across the whole parse.
        self.extra_data = {}
        if libraries is None:
            libraries = {}
        if builtins is None:
            builtins = []
        self.libraries = libraries
        for builtin in builtins:
            self.add_library(builtin)
        self.origin = origin

    def __repr__(self):
        return f"<{self.__class__.__qualname__} tokens={self.tokens!r}>"

    def parse(self, parse_until=None):
        """Parse tokens into a NodeList until a block tag named in
        ``parse_until`` (left unconsumed) or the end of the template.
        """
        if parse_until is None:
            parse_until = []
        nodelist = NodeList()
        tokens = self.tokens
        while tokens:
            token = tokens.pop()
            token_type = token.token_type
            if token_type is _TEXT:
                self.extend_nodelist(nodelist, TextNode(token.contents), token)
            elif token_type is _VAR:
                if not token.contents:
                    raise self.error(
                        token, f"Empty variable tag on line {token.lineno}"
                    )
                try:
                    filter_expression = self.compile_filter(token.contents)
                except TemplateSyntaxError as e:
                    raise self.error(token, e) from None
                self.extend_nodelist(nodelist, VariableNode(filter_expression), token)
            elif token_type is _BLOCK:
                try:
                    command = token.contents.split()[0]
                except IndexError:
                    raise self.error(
                        token, f"Empty block tag on line {token.lineno}"
                    ) from None
                if command in parse_until:
                    # Hand the end tag back so the caller sees where we stopped.
                    self.prepend_token(token)
                    return nodelist
                # Kept for the "Unclosed tag" message if the block never ends.
                self.command_stack.append((command, token))
                try:
                    compile_func = self.tags[command]
                except KeyError:
                    self.invalid_block_tag(token, command, parse_until)
                try:
                    compiled_result = compile_func(self, token)
                except Exception as e:
                    raise self.error(token, e) from None
                self.extend_nodelist(nodelist, compiled_result, token)
                self.command_stack.pop()
        if parse_until:
            self.unclosed_block_tag(parse_until)
        return nodelist

    def skip_past(self, endtag):
        """Consume tokens up to and including the block tag ``endtag``."""
        while self.tokens:
            token = self.next_token()
            if token.token_type is _BLOCK and token.contents == endtag:
                return
        self.unclosed_block_tag([endtag])

    def extend_nodelist(self, nodelist, node, token):
        """Append ``node`` (compiled from ``token``) to ``nodelist``."""
        if node.must_be_first and nodelist.contains_nontext:
            template_name = getattr(self.origin, "template_name", None)
            where = repr(template_name) if template_name else "the template"
            raise self.error(
                token, f"{{% {token.contents} %}} must be the first tag in {where}."
            )
        if not isinstance(node, TextNode):
            nodelist.contains_nontext = True
        node.token = token
        node.origin = self.origin
        nodelist.append(node)

    def error(self, token, e):
        """Return ``e`` (an exception or a message) as an exception that
        knows the token it came from; the caller raises it.
        """
        if not isinstance(e, Exception):
            e = TemplateSyntaxError(e)
        if not hasattr(e, "token"):
            e.token = token
        return e

    def invalid_block_tag(self, token, command, parse_until=None):
        if parse_until:
            expected = _text_list([f"'{p}'" for p in parse_until], "or")
            raise self.error(
                token,
                f"Invalid block tag on line {token.lineno}: '{command}', expected "
                f"{expected}. Did you forget to register or load this tag?",
            )
        raise self.error(
            token,
            f"Invalid block tag on line {token.lineno}: '{command}'. Did you "
            "forget to register or load this tag?",
        )

    def unclosed_block_tag(self, parse_until):
        command, token = self.command_stack.pop()
        msg = (
            f"Unclosed tag on line {token.lineno}: '{command}'. Looking for one "
            f"of: {', '.join(parse_until)}."
        )
        raise self.error(token, msg)

    def next_token(self):
        """Remove and return the next Token."""
        return self.tokens.pop()

    def prepend_token(self, token):
        """Push ``token`` back so that it is the next one returned."""
        self.tokens.append(token)

    def delete_first_token(self):
        """Drop the next Token (usually the end tag of a block)."""
        del self.tokens[-1]

    def add_library(self, lib):
        """Make the tags and filters of Library ``lib`` available."""
        self.tags.update(lib.tags)
        self.filters.update(lib.filters)

    def compile_filter(self, token):
        """Return a FilterExpression parsed from ``token``."""
        return FilterExpression(token, self)

    def find_filter(self, filter_name):
        """Return the filter function called ``filter_name``."""
        if filter_name in self.filters:
            return self.filters[filter_name]
        raise TemplateSyntaxError(f"Invalid filter: '{filter_name}'")


def _text_list(items, last_word):
    if not items:
        return ""
    if len(items) == 1:
        return str(items[0])
    return f"{', '.join(str(i) for i in items[:-1])} {last_word} {items[-1]}"


# A filter expression: a constant or variable, then |filter or |filter:arg.
_constant_string = r"""
(?:{i18n_open}{strdq}{i18n_close}|
{i18n_open}{strsq}{i18n_close}|
{strdq}|
{strsq})
""".format(
    strdq=r'"[^"\\]*(?:\\.[^"\\]*)*"',
    strsq=r"'[^'\\]*(?:\\.[^'\\]*)*'",
    i18n_open=re.escape("_("),
    i18n_close=re.escape(")"),
)
_constant_string = _constant_string.replace("\n", "")

_filter_raw_string = r"""
^(?P<constant>{constant})|
^(?P<var>[{var_chars}]+|{num})|
 (?:\s*{filter_sep}\s*
     (?P<filter_name>\w+)
         (?:{arg_sep}
             (?:
              (?P<constant_arg>{constant})|
              (?P<var_arg>[{var_chars}]+|{num})
             )
         )?
 )""".format(
    constant=_constant_string,
    num=r"[-+.]?\d[\d.e]*",
    var_chars=r"\w\.",
    filter_sep=re.escape(FILTER_SEPARATOR),
    arg_sep=re.escape(FILTER_ARGUMENT_SEPARATOR),
)

filter_re = re.compile(_filter_raw_string, re.VERBOSE)

# Bit flags of a compiled filter, read by the kernel.
FILTER_EXPECTS_LOCALTIME = 1
FILTER_NEEDS_AUTOESCAPE = 2
FILTER_IS_SAFE = 4


class FilterExpression:
    """A variable or constant followed by zero or more filters, such as
    ``name|default:"anon"|upper``.

    ``filters`` is Django's list of (function, [(is_lookup, arg), ...]).
    ``compiled`` is the same for the kernel: (lookups, literal, filters) with
    constant arguments already marked safe and each filter's flags folded
    into one int.
    """

    # kernel_cache: where a kernel may keep its own compiled form.
    __slots__ = ("token", "filters", "var", "is_var", "compiled", "kernel_cache")

    def __init__(self, token, parser):
        self.token = token
        var_obj = None
        filters = []
        upto = 0
        for match in filter_re.finditer(token):
            start = match.start()
            if upto != start:
                raise TemplateSyntaxError(
                    "Could not parse some characters: "
                    f"{token[:upto]}|{token[upto:start]}|{token[start:]}"
                )
            if var_obj is None:
                if constant := match["constant"]:
                    try:
                        var_obj = Variable(constant).resolve({})
                    except VariableDoesNotExist:
                        var_obj = None
                elif (var := match["var"]) is None:
                    raise TemplateSyntaxError(
                        f"Could not find variable at start of {token}."
                    )
                else:
                    var_obj = Variable(var)
            else:
                filter_name = match["filter_name"]
                args = []
                if constant_arg := match["constant_arg"]:
                    args.append((False, Variable(constant_arg).resolve({})))
                elif var_arg := match["var_arg"]:
                    args.append((True, Variable(var_arg)))
                filter_func = parser.find_filter(filter_name)
                self.args_check(filter_name, filter_func, args)
                filters.append((filter_func, args))
            upto = match.end()
        if upto != len(token):
            raise TemplateSyntaxError(
                f"Could not parse the remainder: '{token[upto:]}' from '{token}'"
            )
        self.filters = filters
        self.var = var_obj
        self.is_var = isinstance(var_obj, Variable)
        self.compiled = self._compile()
        self.kernel_cache = None

    def _compile(self):
        if self.is_var:
            lookups = self.var.lookups
            literal = self.var.literal
        else:
            lookups = None
            literal = self.var
        compiled_filters = []
        for func, args in self.filters:
            flags = 0
            if getattr(func, "expects_localtime", False):
                flags |= FILTER_EXPECTS_LOCALTIME
            if getattr(func, "needs_autoescape", False):
                flags |= FILTER_NEEDS_AUTOESCAPE
            if getattr(func, "is_safe", False):
                flags |= FILTER_IS_SAFE
            compiled_args = tuple(
                (True, arg) if lookup else (False, mark_safe(arg))
                for lookup, arg in args
            )
            compiled_filters.append((func, compiled_args, flags))
        return (lookups, literal, tuple(compiled_filters))

    def resolve(self, context, ignore_failures=False):
        """Return the value of the expression with its filters applied.

        A variable that does not resolve gives the engine's string_if_invalid
        (or None with ``ignore_failures``), as in Django.
        """
        return _kernel().resolve_expression(self, context, ignore_failures)

    @staticmethod
    def args_check(name, func, provided):
        """Raise TemplateSyntaxError if ``func`` cannot take ``provided`` args."""
        provided = list(provided)
        # The value being filtered is the implicit first argument.
        plen = len(provided) + 1
        func = unwrap(func)
        args, _, _, defaults, _, _, _ = getfullargspec(func)
        alen = len(args)
        dlen = len(defaults or [])
        if plen < (alen - dlen) or plen > alen:
            raise TemplateSyntaxError(
                f"{name} requires {alen - dlen} arguments, {plen} provided"
            )
        return True

    def __str__(self):
        return self.token

    def __repr__(self):
        return f"<{self.__class__.__qualname__} {self.token!r}>"


def _unescape_string_literal(s):
    if not s or s[0] not in "\"'" or s[-1] != s[0]:
        raise ValueError(f"Not a string literal: {s!r}")
    quote = s[0]
    return s[1:-1].replace(rf"\{quote}", quote).replace(r"\\", "\\")


class Variable:
    """A variable name (``article.section``) or a literal (``"text"``, ``3``,
    ``2.5``) that resolves against a context.
    """

    __slots__ = ("var", "literal", "lookups", "translate", "message_context")

    def __init__(self, var):
        self.var = var
        self.literal = None
        self.lookups = None
        self.translate = False
        self.message_context = None

        if not isinstance(var, str):
            raise TypeError(f"Variable must be a string or number, got {type(var)}")
        try:
            # Anything with a period or an e/E is tried as a float, the rest
            # as an int; a trailing "." is not a number.
            if "." in var or "e" in var.lower():
                self.literal = float(var)
                if var[-1] == ".":
                    raise ValueError
            else:
                self.literal = int(var)
        except ValueError:
            if var[0:2] == "_(" and var[-1] == ")":
                # Translation is not supported; the string is used as is.
                self.translate = True
                var = var[2:-1]
            try:
                self.literal = mark_safe(_unescape_string_literal(var))
            except ValueError:
                if VARIABLE_ATTRIBUTE_SEPARATOR + "_" in var or var[0] == "_":
                    raise TemplateSyntaxError(
                        "Variables and attributes may not begin with underscores: "
                        f"'{var}'"
                    ) from None
                # Interned: the names reach getattr() and dict lookups on
                # every render, and CPython's attribute cache and key
                # comparisons take their fast path only for interned names.
                self.lookups = tuple(
                    sys.intern(bit) for bit in var.split(VARIABLE_ATTRIBUTE_SEPARATOR)
                )

    def resolve(self, context):
        """Return the value of this variable in ``context``."""
        if self.lookups is not None:
            return _kernel().resolve_lookup(context, self.lookups)
        return self.literal

    def _resolve_lookup(self, context):
        return _kernel().resolve_lookup(context, self.lookups)

    def __repr__(self):
        return f"<{self.__class__.__name__}: {self.var!r}>"

    def __str__(self):
        return self.var


class Node:
    """A piece of a compiled template that renders to a string."""

    # True for tags that must come before any other tag ({% extends %}).
    must_be_first = False
    # Attribute names of the child NodeLists, for get_nodes_by_type().
    child_nodelists = ("nodelist",)
    token = None
    origin = None

    def render(self, context):
        """Return the node rendered as a string."""
        return ""

    def render_annotated(self, context):
        """Render the node; with the engine's debug on, an exception learns
        which node and source line raised it.
        """
        try:
            return self.render(context)
        except Exception as e:
            _annotate_exception(e, self, context)
            raise

    def get_nodes_by_type(self, nodetype):
        """Return the nodes of type ``nodetype`` in this node and its children."""
        nodes = []
        if isinstance(self, nodetype):
            nodes.append(self)
        for attr in self.child_nodelists:
            nodelist = getattr(self, attr, None)
            if nodelist:
                nodes.extend(nodelist.get_nodes_by_type(nodetype))
        return nodes

    def __iter__(self):
        yield self


def _annotate_exception(e, node, context):
    template = context.template
    if template is None or not template.engine.debug:
        return
    if not hasattr(e, "_culprit_node"):
        e._culprit_node = node
    render_template = context.render_context.template
    if (
        not hasattr(e, "template_debug")
        and render_template is not None
        and render_template.origin == e._culprit_node.origin
        and e._culprit_node.token is not None
    ):
        e.template_debug = render_template.get_exception_info(e, e._culprit_node.token)


class NodeList(list):
    """A list of Nodes that renders to the concatenation of their output."""

    # Set by the parser when a non-text node is added (for must_be_first).
    contains_nontext = False

    def render(self, context):
        """Return the nodes rendered one after another, as a SafeString."""
        return _kernel().render_nodelist(self, context)

    def get_nodes_by_type(self, nodetype):
        """Return every node of type ``nodetype`` in this list and below."""
        nodes = []
        for node in self:
            nodes.extend(node.get_nodes_by_type(nodetype))
        return nodes


class TextNode(Node):
    """Literal template text."""

    child_nodelists = ()

    def __init__(self, s):
        self.s = s

    def __repr__(self):
        return f"<{self.__class__.__qualname__}: {self.s[:25]!r}>"

    def render(self, context):
        return self.s

    def render_annotated(self, context):
        # Text cannot fail to render.
        return self.s


class VariableNode(Node):
    """``{{ expression }}``: the value, escaped when autoescaping is on."""

    child_nodelists = ()

    def __init__(self, filter_expression):
        self.filter_expression = filter_expression

    def __repr__(self):
        return f"<Variable Node: {self.filter_expression}>"

    def render(self, context):
        try:
            output = self.filter_expression.resolve(context)
        except UnicodeDecodeError:
            # Bytes that are not text render as nothing, as in Django.
            return ""
        return render_value_in_context(output, context)


def render_value_in_context(value, context):
    """Return ``value`` as text for ``context``: localized, converted to the
    current time zone, and escaped if autoescaping is on and it is not safe.
    """
    return _kernel().render_value_in_context(value, context)


# Matches "key=value" bits of tags such as {% with %} and {% include %}.
kwarg_re = re.compile(r"(?:(\w+)=)?(.+)")


def token_kwargs(bits, parser, support_legacy=False):
    """Consume ``key=value`` bits (or legacy ``value as key [and ...]``) from
    the start of ``bits`` and return a dict of FilterExpressions.
    """
    if not bits:
        return {}
    match = kwarg_re.match(bits[0])
    kwarg_format = match and match[1]
    if not kwarg_format:
        if not support_legacy:
            return {}
        if len(bits) < 3 or bits[1] != "as":
            return {}
    kwargs = {}
    while bits:
        if kwarg_format:
            match = kwarg_re.match(bits[0])
            if not match or not match[1]:
                return kwargs
            key, value = match.groups()
            del bits[:1]
        else:
            if len(bits) < 3 or bits[1] != "as":
                return kwargs
            key, value = bits[2], bits[0]
            del bits[:3]
        kwargs[key] = parser.compile_filter(value)
        if bits and not kwarg_format:
            if bits[0] != "and":
                return kwargs
            del bits[:1]
    return kwargs
