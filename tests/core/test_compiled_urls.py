"""`{% url %}` (core/templatetags/compiled_urls.py, issue 18) renders exactly what Django's own tag
renders, for every named path of the project that takes numbers, with `as`, without autoescaping,
under another script prefix; what it does not compile (strings, keyword arguments, a name that does
not reverse) is Django's answer, errors included."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import NoReverseMatch, get_resolver, set_script_prefix

pytestmark = pytest.mark.django_db

OURS = Engine(builtins=["parcours.core.templatetags.compiled_urls"])
DJANGOS = Engine()


def _both(source, **context):
    def render(engine):
        return engine.from_string(source).render(Context(context))

    return render(OURS), render(DJANGOS)


def _names_with_numbers():
    """Every namespaced name of the URLconf with its number of positional arguments."""
    found = {}
    resolver = get_resolver()

    def walk(resolver, prefix):
        for name, entries in resolver.reverse_dict.lists():
            if isinstance(name, str):
                for possibilities, _pattern, _defaults, _converters in entries:
                    for _bits, params in possibilities:
                        found.setdefault(f"{prefix}{name}", len(params))
        for namespace, (_prefix, sub) in resolver.namespace_dict.items():
            walk(sub, f"{prefix}{namespace}:")

    walk(resolver, "")
    return found


def test_every_named_path_renders_as_django_s_own():
    names = _names_with_numbers()
    assert len(names) > 50
    for name, count in names.items():
        args = " ".join(str(7 + i) for i in range(count))
        source = f"{{% url '{name}' {args} %}}|{{% url '{name}' {args} as u %}}[{{{{ u }}}}]"
        try:
            ours, theirs = _both(source)
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                DJANGOS.from_string(source).render(Context())
            continue
        assert ours == theirs, name


def test_variables_strings_keywords_and_errors_are_django_s():
    cases = [
        ("{% url 'households:detail' pk %}", {"pk": 12}),
        ("{% url 'households:detail' pk %}", {"pk": "12"}),
        ("{% url 'households:detail' pk=pk %}", {"pk": 3}),
        ("{% url name pk %}", {"name": "households:detail", "pk": 0}),
        ("{% url 'households:detail' pk as u %}{{ u }}", {"pk": -1}),
        ("{% url 'households:list' %}?q={{ q }}", {"q": "a&b"}),
    ]
    for source, context in cases:
        assert _both(source, **context)[0] == _both(source, **context)[1], source
    with pytest.raises(NoReverseMatch):
        OURS.from_string("{% url 'households:detail' -1 %}").render(Context())
    with pytest.raises(TemplateSyntaxError):
        OURS.from_string("{% url %}")


def test_autoescape_off_and_another_script_prefix():
    source = "{% autoescape off %}{% url 'households:detail' 5 %}{% endautoescape %}"
    assert _both(source)[0] == _both(source)[1]
    try:
        set_script_prefix("/parcours/")
        ours, theirs = _both("{% url 'households:detail' 5 %}")
        assert ours == theirs == "/parcours/menages/5/"
    finally:
        set_script_prefix("/")
    assert _both("{% url 'households:detail' 5 %}")[0] == "/menages/5/"


def test_the_project_s_templates_use_it():
    from django.template import engines

    tags = engines["django"].engine.template_builtins[-1].tags
    assert tags["url"].__module__ == "parcours.core.templatetags.compiled_urls"
