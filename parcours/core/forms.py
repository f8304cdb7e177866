"""Form rendering shared by every page: Bootstrap classes and our accessible field template."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

CHOICES_TEMPLATE = "includes/widgets/choices.html"


class FormRenderer(TemplatesSetting):
    field_template_name = "includes/form_field.html"


def style_widgets(form: forms.BaseForm) -> None:
    """Give widgets the Bootstrap class that matches them (called by every form's __init__)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            # The class goes on each option's <input>; our group template keeps it off the wrapper (Django's
            # own puts it there too: a 1-em box the options overflowed, unclickable under other fields).
            css = "form-check-input"
            widget.template_name = CHOICES_TEMPLATE
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_validation_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
