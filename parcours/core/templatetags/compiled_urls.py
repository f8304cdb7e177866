"""`{% url %}` with the URL's path reversed once per view name and process when its arguments are
numbers (issue 18: `URLNode.render` was 3 % of the app's CPU under load, one `reverse()` per link of
every row). Installed as a template builtin after Django's (config/settings/base.py), so it replaces
Django's `url` tag in every template; its output is Django's, character for character.

For ids (non-negative integers, the only arguments the project's `<int:…>`, `<str:…>` and
`<slug:…>` paths accept as numbers), the path is reversed once with stand-in numbers and kept around
them, per view name, number of arguments, current application, URLconf and script prefix; each link
then puts its numbers in. Anything else (keyword arguments, strings, a name that does not reverse)
is Django's own `URLNode.render`.
"""

from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()

# Numbers no id of the project reaches, one per argument, each found once in the reversed path.
_STAND_IN = 918_273_645_000
# (view name, arguments, current app, URLconf, script prefix) → the path's text around its numbers,
# or None where the name does not reverse with numbers. Only paths, nothing of a request or a person.
_PATHS: dict = {}
_PATHS_MAX = 2048


class CompiledURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        parts = path_around_numbers(view_name, len(args), current_app)
        if parts is None:
            return super().render(context)
        url = parts[0] + "".join(f"{arg}{text}" for arg, text in zip(args, parts[1:], strict=True))
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def path_around_numbers(view_name, count: int, current_app=None):
    """`_around_numbers`, kept per view name, number of arguments, current application, URLconf and
    script prefix: the tag's paths, and those of Python code that links many records of one kind
    (core.home.pk_url)."""
    key = (view_name, count, current_app, get_urlconf(), get_script_prefix())
    parts = _PATHS.get(key, False)
    if parts is False:
        parts = _PATHS[key] = _around_numbers(view_name, count, current_app)
        if len(_PATHS) > _PATHS_MAX:
            _PATHS.clear()
    return parts


def _around_numbers(view_name, count: int, current_app):
    """The reversed path's text before, between and after its `count` numbers; None if it does not
    reverse with numbers or a stand-in is not found exactly once, in order."""
    stand_ins = [_STAND_IN + i for i in range(count)]
    try:
        path = reverse(view_name, args=stand_ins, current_app=current_app)
    except NoReverseMatch:
        return None
    parts = []
    for number in map(str, stand_ins):
        if path.count(number) != 1:
            return None
        before, path = path.split(number)
        parts.append(before)
    parts.append(path)
    return parts


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CompiledURLNode(node.view_name, node.args, node.kwargs, node.asvar)
