"""`get_FOO_display()` without re-translating every choice at each call (issue 18).

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` at every call,
and hashing each lazy label translates it: a request status shown on each row of a list translated
all the statuses, row after row (`_get_FIELD_display` was a tenth of the insertion requests list's
CPU). For a field whose choices are fixed (a list, not a callable), the value → label mapping is built
once; the label is still translated at each call, in the active language, as Django does.
"""

from functools import partialmethod

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict = {}  # field → {value: label (lazy)}


def _get_field_display(self, field):
    labels = _LABELS.get(field)
    if labels is None:
        labels = _LABELS[field] = dict(make_hashable(field.flatchoices))
    value = getattr(self, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install(all_models) -> None:
    """Give every model field with fixed choices the cached `get_FOO_display()`, where Django set its
    own (a method the model defines itself is left alone)."""
    original = models.Model._get_FIELD_display
    for model in all_models:
        for field in model._meta.concrete_fields:
            if not isinstance(field.choices, list | tuple):
                continue
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is original:
                setattr(model, name, partialmethod(_get_field_display, field=field))
