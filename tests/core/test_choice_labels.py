"""get_FOO_display reads a field's choices through core.models.choice_labels (built once per field):
the same answer as Django's, in the language of the moment, the raw value when it is not a choice."""

import pytest
from django.db.models import Model
from django.utils import translation

from parcours.core.models import choice_labels
from parcours.households.choices import Situation
from parcours.households.models import SituationPeriod


def _django_display(obj, name):
    return Model._get_FIELD_display(obj, obj._meta.get_field(name))


@pytest.mark.parametrize("value", [*Situation.values, "", "inconnue"])
def test_same_answer_as_django(value):
    period = SituationPeriod(situation=value)
    assert period.get_situation_display() == _django_display(period, "situation")


def test_follows_the_language_of_the_moment():
    field = SituationPeriod._meta.get_field("situation")
    period = SituationPeriod(situation=Situation.values[0])
    assert choice_labels(field) is choice_labels(field)  # built once
    for language in ("fr", "en", "ar"):
        with translation.override(language):
            assert period.get_situation_display() == _django_display(period, "situation")
    with translation.override("en"):
        english = period.get_situation_display()
    with translation.override("fr"):
        assert period.get_situation_display() == str(Situation.choices[0][1])
    assert english  # translated on each call, from the lazy label kept
