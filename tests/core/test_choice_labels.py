"""get_FOO_display() from the mapping built once per field (core.choice_labels, issue 18) answers what
Django's own does, for every value of every model's fixed choices, in each language."""

from django.apps import apps
from django.db import models
from django.utils import translation

from parcours.core import choice_labels


def _fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field.choices, list | tuple):
                yield model, field


def test_every_fixed_choice_field_answers_as_django_does_in_each_language():
    checked = 0
    for model, field in _fields():
        method = model.__dict__.get(f"get_{field.name}_display")
        if getattr(method, "func", None) is not choice_labels._get_field_display:
            continue  # a model's own get_FOO_display is left alone
        instance = model()
        for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None]:
            setattr(instance, field.attname, value)
            for language in ("fr", "en", "ar"):
                with translation.override(language):
                    shown = getattr(instance, f"get_{field.name}_display")()
                    assert shown == models.Model._get_FIELD_display(instance, field), (model, field, value)
        checked += 1
    assert checked > 50


def test_the_insertion_request_status_is_shown_in_the_active_language():
    from parcours.orientation.models import InsertionRequest

    request = InsertionRequest(status="submitted")
    with translation.override("fr"):
        french = request.get_status_display()
    with translation.override("en"):
        english = request.get_status_display()
    assert french == "transmise" and english != french
