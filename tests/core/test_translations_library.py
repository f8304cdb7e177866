"""`{% load translations %}` is Django's i18n library with constant `{% translate %}` labels kept per
language (core/templatetags/translations.py, issue 18): every form of the tag renders exactly what Django's
own renders, in each language, with and without autoescaping, and a language switch is seen at once."""

import pytest
from django.template import Context, Engine
from django.utils import translation

from parcours.core.templatetags.translations import ConstantTranslateNode

SOURCE = (
    "{% load i18n %}"
    '[{% translate "Ménages" %}]'
    '[{% translate "Ménages" as label %}{{ label }}]'
    '[{% translate "Fish & <Chips>" %}]'
    '[{% translate "50 %% des places" %}]'
    "[{% translate message %}]"
    '[{% translate "Ménages"|upper %}]'
    '[{% translate "Mai" context "mois" %}]'
    '[{% translate "Ménages" noop %}]'
    "[{% trans 'Rechercher' %}]"
    '{% for i in "ab" %}[{% translate "Ménages" %}]{% endfor %}'
)


def _engines():
    django_own = Engine(libraries={"i18n": "django.templatetags.i18n"})
    ours = Engine(libraries={"i18n": "parcours.core.templatetags.translations"})
    return django_own, ours


@pytest.mark.parametrize("autoescape", [True, False])
def test_every_form_renders_as_django_s_own_in_each_language(autoescape):
    django_own, ours = _engines()
    expected, theirs = django_own.from_string(SOURCE), ours.from_string(SOURCE)
    context = {"message": "Ménages <b>"}
    seen = set()
    for language in ["fr", "en", "ar", "fr", "en"]:  # back and forth: the kept outputs follow the language
        with translation.override(language):
            wanted = expected.render(Context(context, autoescape=autoescape))
            assert theirs.render(Context(context, autoescape=autoescape)) == wanted
            seen.add(wanted)
    assert len(seen) >= 2  # the languages did differ
    with translation.override("en"):
        assert "[Households]" in theirs.render(Context(context))


def test_only_constant_labels_are_kept():
    _, ours = _engines()
    template = ours.from_string(SOURCE)
    nodes = list(template.nodelist.get_nodes_by_type(ConstantTranslateNode))
    assert [n.constant for n in nodes] == [True, True, True, True, False, False, False, False, True, True]


def test_the_project_s_templates_load_translations_not_django_s_i18n():
    import re
    from pathlib import Path

    import parcours

    load = re.compile(r"\{% load ([^%]*)%\}")
    offenders = [
        str(path)
        for pattern in ("*.html", "*.txt")
        for path in Path(parcours.__file__).parent.rglob(pattern)
        for libraries in load.findall(path.read_text(encoding="utf-8"))
        if "i18n" in libraries.split()
    ]
    assert offenders == []
