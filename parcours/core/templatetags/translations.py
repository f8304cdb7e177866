"""`{% load translations %}`: Django's `i18n` template library, with `{% translate "a constant" %}`
translated once per language. Every other tag and filter is Django's own; the project's templates load
this library instead of `i18n` (tests/core/test_translations_library.py holds them to it).
A page draws dozens of constant labels (issue 18: `TranslateNode.render` was 13 % of a household's
page and 4 % of the app's CPU under load); for a string literal without filters, context or `noop`,
what the node renders depends only on the active language and on autoescaping, so the node keeps
that output per (language, autoescape). A variable, a filter or `context "…"` renders as Django does.
"""

from django.template import Library, Variable
from django.templatetags import i18n
from django.utils.translation import get_language

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


class ConstantTranslateNode(i18n.TranslateNode):
    """A TranslateNode whose output, for a constant message, is kept per language and autoescape."""

    def __init__(self, node: i18n.TranslateNode):
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        expression = self.filter_expression
        self.constant = (
            isinstance(expression.var, Variable)
            and isinstance(expression.var.literal, str)
            and not expression.filters
            and not self.noop
            and self.message_context is None
        )
        self.rendered: dict = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (get_language(), context.autoescape)
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = self._value(context) if self.asvar else super().render(context.new())
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def _value(self, context):
        """The translated value that `as` would store, computed in a context of its own."""
        scratch = context.new()
        super().render(scratch)
        return scratch[self.asvar]


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    return ConstantTranslateNode(i18n.do_translate(parser, token))
