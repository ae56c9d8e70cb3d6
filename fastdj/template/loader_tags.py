"""Template inheritance and inclusion tags (block, extends, include), as
``django.template.loader_tags``.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict

from fastdj.template.base import (
    Node,
    Template,
    TemplateSyntaxError,
    TextNode,
    Variable,
    _kernel,
    token_kwargs,
)
from fastdj.template.context import Context, RenderContext, RequestContext
from fastdj.template.library import Library
from fastdj.utils.safestring import mark_safe

register = Library()

BLOCK_CONTEXT_KEY = "block_context"


class BlockContext:
    """The blocks of an {% extends %} chain, per name, most derived last."""

    def __init__(self):
        self.blocks = defaultdict(list)

    def __repr__(self):
        return f"<{self.__class__.__qualname__}: blocks={self.blocks!r}>"

    def add_blocks(self, blocks):
        # Parents are added after children, and go underneath them.
        for name, block in blocks.items():
            self.blocks[name].insert(0, block)

    def pop(self, name):
        try:
            return self.blocks[name].pop()
        except IndexError:
            return None

    def push(self, name, block):
        self.blocks[name].append(block)

    def get_block(self, name):
        try:
            return self.blocks[name][-1]
        except IndexError:
            return None


class BlockNode(Node):
    """``{% block name %}``: overridable by templates that extend this one."""

    def __init__(self, name, nodelist, parent=None):
        self.name = name
        self.nodelist = nodelist
        self.parent = parent

    def __repr__(self):
        return f"<Block Node: {self.name}. Contents: {self.nodelist!r}>"

    def render(self, context):
        block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
        cls = context.__class__
        if cls is not Context and cls is not RequestContext:
            with context.push():
                return self._render_block(context, block_context)
        # context.push(), spelled out for fastdj's own contexts: every block
        # of an {% extends %} chain renders through here on every render.
        dicts = context.dicts
        dicts.append({})
        try:
            return self._render_block(context, block_context)
        finally:
            dicts.pop()

    def _render_block(self, context, block_context):
        if block_context is None:
            context["block"] = self
            return self.nodelist.render(context)
        # Render the most derived override; while it renders, the next one
        # down is what {{ block.super }} reaches.
        push = block = block_context.pop(self.name)
        if block is None:
            block = self
        block = type(self)(block.name, block.nodelist)
        block.context = context
        context["block"] = block
        result = block.nodelist.render(context)
        if push is not None:
            block_context.push(self.name, push)
        return result

    def super(self):
        """Return the parent template's version of this block, rendered."""
        if not hasattr(self, "context"):
            raise TemplateSyntaxError(
                f"'{self.__class__.__name__}' object has no attribute 'context'. "
                "Did you use {{ block.super }} in a base template?"
            )
        render_context = self.context.render_context
        if (
            BLOCK_CONTEXT_KEY in render_context
            and render_context[BLOCK_CONTEXT_KEY].get_block(self.name) is not None
        ):
            return mark_safe(self.render(self.context))
        return ""


class ExtendsNode(Node):
    """``{% extends parent %}``: render the parent with this template's blocks."""

    must_be_first = True
    context_key = "extends_context"

    def __init__(self, nodelist, parent_name, template_dirs=None):
        self.nodelist = nodelist
        self.parent_name = parent_name
        self.template_dirs = template_dirs
        self.blocks = {n.name: n for n in nodelist.get_nodes_by_type(BlockNode)}

    def __repr__(self):
        return f"<{self.__class__.__name__}: extends {self.parent_name.token}>"

    def find_template(self, template_name, context):
        """Return the parent template, skipping the origins already used by
        this chain so that a template may extend another of the same name.
        """
        history = context.render_context.setdefault(self.context_key, [self.origin])
        template, origin = context.template.engine.find_template(
            template_name, skip=history
        )
        history.append(origin)
        return template

    def get_parent(self, context):
        parent = self.parent_name.resolve(context)
        if not parent:
            error_msg = f"Invalid template name in 'extends' tag: {parent!r}."
            if self.parent_name.filters or isinstance(self.parent_name.var, Variable):
                error_msg += f" Got this from the '{self.parent_name.token}' variable."
            raise TemplateSyntaxError(error_msg)
        if isinstance(parent, Template):
            return parent
        if isinstance(getattr(parent, "template", None), Template):
            return parent.template
        return self.find_template(parent, context)

    def render(self, context):
        compiled_parent = self.get_parent(context)
        render_context = context.render_context
        if BLOCK_CONTEXT_KEY not in render_context:
            render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        # The root of the chain (a parent that does not extend) adds its own
        # blocks as the last fallback.
        root_blocks = _root_blocks(compiled_parent)
        if root_blocks is not None:
            block_context.add_blocks(root_blocks)
        if render_context.__class__ is not RenderContext:
            with render_context.push_state(compiled_parent, isolated_context=False):
                return compiled_parent._render(context)
        # push_state(compiled_parent, isolated_context=False), spelled out.
        initial = render_context.template
        render_context.template = compiled_parent
        try:
            return compiled_parent._render(context)
        finally:
            render_context.template = initial


def _root_blocks(template):
    """Return {name: BlockNode} of ``template`` if it does not extend
    another template, else None.

    Found by walking the whole template, which costs more than rendering a
    small page, so the answer is kept on the compiled template (ExtendsNode
    likewise finds its own blocks once, when parsed). It is found again if
    the template's nodelist is replaced.
    """
    nodelist = template.nodelist
    cached = template.__dict__.get("_root_blocks")
    if cached is not None and cached[0] is nodelist:
        return cached[1]
    blocks = None
    for node in nodelist:
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = {n.name: n for n in nodelist.get_nodes_by_type(BlockNode)}
            break
    template._root_blocks = (nodelist, blocks)
    return blocks


class IncludeNode(Node):
    """``{% include name [with k=v ...] [only] %}``."""

    context_key = "__include_context"

    def __init__(
        self, template, *args, extra_context=None, isolated_context=False, **kwargs
    ):
        self.template = template
        self.extra_context = extra_context or {}
        self.isolated_context = isolated_context
        super().__init__(*args, **kwargs)

    def __repr__(self):
        return f"<{self.__class__.__qualname__}: template={self.template!r}>"

    def render(self, context):
        """Render the included template with the current context (plus the
        ``with`` values, or only them with ``only``).

        The template is looked up once per render (kept in the render
        context), so an include inside a loop does not consult the loaders
        on every iteration.
        """
        return _kernel().render_include(self, context)


@register.tag("block")
def do_block(parser, token):
    """Define a block that templates extending this one can override."""
    bits = token.contents.split()
    if len(bits) != 2:
        raise TemplateSyntaxError(f"'{bits[0]}' tag takes only one argument")
    block_name = bits[1]
    loaded = parser.extra_data.setdefault("_loaded_blocks", [])
    if block_name in loaded:
        raise TemplateSyntaxError(
            f"'{bits[0]}' tag with name '{block_name}' appears more than once"
        )
    loaded.append(block_name)
    nodelist = parser.parse(("endblock",))
    endblock = parser.next_token()
    acceptable_endblocks = ("endblock", f"endblock {block_name}")
    if endblock.contents not in acceptable_endblocks:
        parser.invalid_block_tag(endblock, "endblock", acceptable_endblocks)
    return BlockNode(block_name, nodelist)


def construct_relative_path(
    current_template_name, relative_name, allow_recursion=False
):
    """Return ``relative_name`` ("./x" or "../x", maybe quoted) made relative
    to ``current_template_name``; other names are returned unchanged.
    """
    new_name = relative_name.strip("'\"")
    if not new_name.startswith(("./", "../")):
        return relative_name
    if current_template_name is None:
        # A template from a string has no place to be relative to.
        raise TemplateSyntaxError(
            f"The relative path {relative_name} cannot be used in a template "
            "that was not loaded by name."
        )
    new_name = posixpath.normpath(
        posixpath.join(posixpath.dirname(current_template_name.lstrip("/")), new_name)
    )
    if new_name.startswith("../"):
        raise TemplateSyntaxError(
            f"The relative path '{relative_name}' points outside the file "
            f"hierarchy that template '{current_template_name}' is in."
        )
    if not allow_recursion and current_template_name.lstrip("/") == new_name:
        raise TemplateSyntaxError(
            f"The relative path '{relative_name}' was translated to template name "
            f"'{new_name}', the same template in which the tag appears."
        )
    has_quotes = (
        relative_name.startswith(('"', "'")) and relative_name[0] == relative_name[-1]
    )
    return f'"{new_name}"' if has_quotes else new_name


@register.tag("extends")
def do_extends(parser, token):
    """Render this template as the parent template with these blocks."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise TemplateSyntaxError(f"'{bits[0]}' takes one argument")
    bits[1] = construct_relative_path(parser.origin.template_name, bits[1])
    parent_name = parser.compile_filter(bits[1])
    nodelist = parser.parse()
    if nodelist.get_nodes_by_type(ExtendsNode):
        raise TemplateSyntaxError(
            f"'{bits[0]}' cannot appear more than once in the same template"
        )
    return ExtendsNode(nodelist, parent_name)


@register.tag("include")
def do_include(parser, token):
    """Render another template here, with the current context."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise TemplateSyntaxError(
            f"{bits[0]!r} tag takes at least one argument: the name of the "
            "template to be included."
        )
    options = {}
    remaining_bits = bits[2:]
    while remaining_bits:
        option = remaining_bits.pop(0)
        if option in options:
            raise TemplateSyntaxError(
                f"The {option!r} option was specified more than once."
            )
        if option == "with":
            value = token_kwargs(remaining_bits, parser, support_legacy=False)
            if not value:
                raise TemplateSyntaxError(
                    f'"with" in {bits[0]!r} tag needs at least one keyword argument.'
                )
        elif option == "only":
            value = True
        else:
            raise TemplateSyntaxError(
                f"Unknown argument for {bits[0]!r} tag: {option!r}."
            )
        options[option] = value
    isolated_context = options.get("only", False)
    namemap = options.get("with", {})
    bits[1] = construct_relative_path(
        parser.origin.template_name, bits[1], allow_recursion=True
    )
    return IncludeNode(
        parser.compile_filter(bits[1]),
        extra_context=namemap,
        isolated_context=isolated_context,
    )
