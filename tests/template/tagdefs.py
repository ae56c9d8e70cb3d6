"""One set of custom tags and filters, built for either engine.

``build("fastdj")`` and ``build("django")`` return equivalent Libraries so
the same templates can be rendered differentially.
"""

import importlib


def build(flavor):
    template = importlib.import_module(f"{flavor}.template")
    html = importlib.import_module(f"{flavor}.utils.html")
    safestring = importlib.import_module(f"{flavor}.utils.safestring")
    mark_safe = safestring.mark_safe
    conditional_escape = html.conditional_escape
    register = template.Library()

    @register.filter
    def double(value):
        return value * 2

    @register.filter(is_safe=True)
    def wrap(value, arg="*"):
        return f"{arg}{value}{arg}"

    @register.filter(needs_autoescape=True)
    def bold(value, autoescape=True):
        esc = conditional_escape if autoescape else str
        return mark_safe(f"<b>{esc(value)}</b>")

    @register.filter("shout")
    def shout_filter(value):
        return str(value).upper() + "!"

    @register.filter
    def plus(value, arg):
        return value + arg

    @register.simple_tag
    def join_args(*args, sep="-"):
        return sep.join(str(a) for a in args)

    @register.simple_tag(takes_context=True)
    def ctx_get(context, key):
        return context.get(key, "none")

    @register.simple_tag
    def html_out():
        return "<p>&"

    @register.simple_tag
    def two_args(a, b, c="C"):
        return f"{a}|{b}|{c}"

    @register.simple_tag(name="renamed")
    def original_name():
        return "renamed!"

    @register.inclusion_tag("incl.html")
    def show_items(items, title="T"):
        return {"items": items, "title": title}

    @register.inclusion_tag("incl.html", takes_context=True)
    def show_ctx(context):
        return {"items": context["xs"], "title": context.get("title", "X")}

    @register.simple_block_tag
    def boxed(content, css="box"):
        return f"<div class={css}>{content}</div>"

    @register.simple_block_tag(takes_context=True, end_name="stop")
    def ctx_block(context, content, sep=":"):
        return f"{context.get('name', '?')}{sep}{content}"

    @register.simple_block_tag
    def no_content_arg(text):
        return text

    class UpperNode(template.Node):
        def __init__(self, nodelist):
            self.nodelist = nodelist

        def render(self, context):
            return self.nodelist.render(context).upper()

    @register.tag
    def upperblock(parser, token):
        nodelist = parser.parse(("endupperblock",))
        parser.delete_first_token()
        return UpperNode(nodelist)

    class SetVarNode(template.Node):
        def __init__(self, name, value):
            self.name = name
            self.value = value

        def render(self, context):
            context[self.name] = self.value.resolve(context)
            return ""

    @register.tag("setvar")
    def setvar(parser, token):
        bits = token.split_contents()
        if len(bits) != 3:
            raise template.TemplateSyntaxError("setvar takes two arguments")
        return SetVarNode(bits[1], parser.compile_filter(bits[2]))

    return register
