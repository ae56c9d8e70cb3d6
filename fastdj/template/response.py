"""Responses rendered late, as ``django.template.response``.

A view returns a TemplateResponse holding a template name and a context; the
handler lets process_template_response middleware change them, then calls
render(). Reading ``content`` before that raises ContentNotRenderedError.
"""

from __future__ import annotations

from fastdj.http import HttpResponse

__all__ = ["ContentNotRenderedError", "SimpleTemplateResponse", "TemplateResponse"]


class ContentNotRenderedError(Exception):
    """The response's content was read before render() was called."""


class SimpleTemplateResponse(HttpResponse):
    """A response whose content is a template rendered with a dict, later."""

    non_picklable_attrs = frozenset(
        ["template_name", "context_data", "_post_render_callbacks"]
    )
    rendering_attrs = ["template_name", "context_data", "_post_render_callbacks"]

    def __init__(
        self,
        template,
        context=None,
        content_type=None,
        status=None,
        charset=None,
        using=None,
        headers=None,
    ):
        self.template_name = template
        self.context_data = context
        self.using = using
        self._post_render_callbacks = []
        # Set the content via the parent without rendering yet.
        super().__init__("", content_type, status, charset=charset, headers=headers)
        self._is_rendered = False

    def __getstate__(self):
        if not self._is_rendered:
            raise ContentNotRenderedError(
                "The response content must be rendered before it can be pickled."
            )
        obj_dict = self.__dict__.copy()
        for attr in self.non_picklable_attrs:
            obj_dict.pop(attr, None)
        return obj_dict

    def resolve_template(self, template):
        """Return the template for a name, a list of names or a template."""
        from fastdj.template import loader

        if isinstance(template, (list, tuple)):
            return loader.select_template(template, using=self.using)
        if isinstance(template, str):
            return loader.get_template(template, using=self.using)
        return template

    def resolve_context(self, context):
        return context

    @property
    def rendered_content(self) -> str:
        """Return the template rendered with the context, without storing it."""
        template = self.resolve_template(self.template_name)
        context = self.resolve_context(self.context_data)
        return template.render(context, self._request)

    _request = None

    def add_post_render_callback(self, callback) -> None:
        """Call ``callback(response)`` after rendering (now, if already
        rendered); a non-None return value replaces the response.
        """
        if self._is_rendered:
            callback(self)
        else:
            self._post_render_callbacks.append(callback)

    def render(self):
        """Render the content (once) and run the post-render callbacks.

        Return the response, or what the last callback returned instead.
        """
        retval = self
        if not self._is_rendered:
            self.content = self.rendered_content
            for post_callback in self._post_render_callbacks:
                newretval = post_callback(retval)
                if newretval is not None:
                    retval = newretval
        return retval

    @property
    def is_rendered(self) -> bool:
        return self._is_rendered

    def __iter__(self):
        if not self._is_rendered:
            raise ContentNotRenderedError(
                "The response content must be rendered before it can be iterated over."
            )
        return super().__iter__()

    @property
    def content(self):
        if not self._is_rendered:
            raise ContentNotRenderedError(
                "The response content must be rendered before it can be accessed."
            )
        return HttpResponse.content.fget(self)

    @content.setter
    def content(self, value):
        HttpResponse.content.fset(self, value)
        self._is_rendered = True


class TemplateResponse(SimpleTemplateResponse):
    """A SimpleTemplateResponse rendered with the request (so the engine's
    context processors run).
    """

    rendering_attrs = [*SimpleTemplateResponse.rendering_attrs, "_request"]

    def __init__(
        self,
        request,
        template,
        context=None,
        content_type=None,
        status=None,
        charset=None,
        using=None,
        headers=None,
    ):
        super().__init__(
            template, context, content_type, status, charset, using, headers=headers
        )
        self._request = request
