"""The form of a new assessment version, built from the grid in force (one group of fields per item)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core.forms import style_widgets

from .models import FieldType, ItemKind, Level
from .services import COMMENT_MAX_LENGTH, RECOMMENDATIONS_MAX_LENGTH, TEXT_VALUE_MAX_LENGTH

BOOLEAN_CHOICES = [("", "—"), ("true", gettext_lazy("Oui")), ("false", gettext_lazy("Non"))]


def _slug(code: str) -> str:
    """Grid codes ("5.1") as form-field names and HTML ids ("5_1")."""
    return code.replace(".", "_")


def level_name(item_code: str) -> str:
    return f"level_{_slug(item_code)}"


def comment_name(item_code: str) -> str:
    return f"comment_{_slug(item_code)}"


def value_name(item_code: str, field_code: str) -> str:
    return f"value_{_slug(item_code)}_{field_code}"


def section_name(section_code: str, field_code: str) -> str:
    return f"section_{_slug(section_code)}_{field_code}"


def _to_bool(value: str):
    return value == "true"


def _typed_field(definition: dict, territories) -> forms.Field:
    label = definition["label"]
    kind = definition["type"]
    if kind == FieldType.MONEY:
        return forms.DecimalField(
            label=label,
            required=False,
            min_value=0,
            max_digits=9,
            decimal_places=2,
            localize=True,
            help_text=_("En euros, par exemple 650,00."),
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )
    if kind == FieldType.DATE:
        return forms.DateField(
            label=label,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    if kind == FieldType.BOOLEAN:
        return forms.TypedChoiceField(
            label=label, required=False, choices=BOOLEAN_CHOICES, coerce=_to_bool, empty_value=None
        )
    if kind == FieldType.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), *((c["code"], c["label"]) for c in definition.get("choices", []))],
        )
    if kind == FieldType.DEPARTEMENT:
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *((t.code, str(t)) for t in territories)]
        )
    return forms.CharField(label=label, required=False, max_length=TEXT_VALUE_MAX_LENGTH)


def _initial_value(definition: dict, value):
    if value is None:
        return None
    if definition["type"] == FieldType.BOOLEAN:
        return "true" if value else "false"
    if definition["type"] == FieldType.MONEY:
        return Decimal(value)
    return value


class AssessmentForm(forms.Form):
    """One version of one perspective. Prefilled from the latest version of that perspective; `based_on`
    carries the number read, so that a version saved meanwhile is detected (and nothing is lost)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    recommendations = forms.CharField(
        label=gettext_lazy("Préconisations d'accompagnement"),
        required=False,
        max_length=RECOMMENDATIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Le besoin d'accompagnement, sa nature et son intensité, les relais à mobiliser."
        ),
    )

    def __init__(self, *args, grid, territories=(), latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self._layout = []
        answers = latest.answers_by_item() if latest is not None else {}
        sections_initial = latest.section_answers if latest is not None else {}
        self.fields["based_on"].initial = latest.number if latest is not None else 0
        if latest is not None:
            self.fields["recommendations"].initial = latest.recommendations
        for section in grid.sections.all():
            section_fields = []
            for definition in section.fields:
                name = section_name(section.code, definition["code"])
                self.fields[name] = _typed_field(definition, territories)
                self.fields[name].initial = _initial_value(
                    definition, sections_initial.get(section.code, {}).get(definition["code"])
                )
                section_fields.append(name)
            items = []
            for item in section.items.all():
                answer = answers.get(item.code)
                entry = {"item": item, "level": None, "values": []}
                if item.kind == ItemKind.RATED:
                    name = level_name(item.code)
                    self.fields[name] = forms.ChoiceField(
                        label=_("Niveau (élément %(code)s)") % {"code": item.code},
                        choices=Level.choices,
                        widget=forms.RadioSelect,
                        initial=answer.level if answer else Level.NOT_ASSESSED,
                    )
                    entry["level"] = name
                for definition in item.fields:
                    name = value_name(item.code, definition["code"])
                    self.fields[name] = _typed_field(definition, territories)
                    self.fields[name].initial = _initial_value(
                        definition, (answer.values if answer else {}).get(definition["code"])
                    )
                    entry["values"].append(name)
                name = comment_name(item.code)
                self.fields[name] = forms.CharField(
                    label=_("Commentaire (élément %(code)s)") % {"code": item.code},
                    required=False,
                    max_length=COMMENT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=answer.comment if answer else "",
                )
                entry["comment"] = name
                items.append(entry)
            self._layout.append((section, section_fields, items))
        style_widgets(self)

    def layout(self) -> list[dict]:
        """Sections with their bound fields, in the grid's order, for the template; each item says
        whether it is answered, each section how many of its items are (the sommaire's counts)."""
        blocks = []
        for section, section_fields, items in self._layout:
            entries = [
                {
                    "item": entry["item"],
                    "level": self[entry["level"]] if entry["level"] else None,
                    "values": [self[name] for name in entry["values"]],
                    "comment": self[entry["comment"]],
                    "answered": self._answered(entry),
                }
                for entry in items
            ]
            blocks.append(
                {
                    "section": section,
                    "fields": [self[name] for name in section_fields],
                    "items": entries,
                    "answered": sum(e["answered"] for e in entries),
                    "total": len(entries),
                    "has_errors": any(self[name].errors for name in self._names(section_fields, items)),
                }
            )
        return blocks

    def progress(self, blocks=None) -> tuple[int, int]:
        """(items answered, items of the grid): « 12 / 20 éléments renseignés »."""
        blocks = self.layout() if blocks is None else blocks
        return sum(b["answered"] for b in blocks), sum(b["total"] for b in blocks)

    def draft_field_names(self) -> set[str]:
        """The fields a draft keeps: all but `based_on`, which the draft holds apart."""
        return set(self.fields) - {"based_on"}

    @staticmethod
    def _names(section_fields, items) -> list[str]:
        names = list(section_fields)
        for entry in items:
            names += [n for n in (entry["level"], entry["comment"], *entry["values"]) if n]
        return names

    def _answered(self, entry) -> bool:
        """An item is answered when a level other than « Non évalué » is chosen, or anything written:
        a comment or one of its values (static/js/assessment.js counts the same way)."""
        if entry["level"] and self[entry["level"]].value() not in (None, "", Level.NOT_ASSESSED):
            return True
        return any(str(self[name].value() or "").strip() for name in (entry["comment"], *entry["values"]))

    def service_arguments(self) -> dict:
        """The cleaned data in the shape `assessment_save` takes."""
        data = self.cleaned_data
        answers = []
        section_answers = {}
        for section, section_fields, items in self._layout:
            values = {
                name.removeprefix(f"section_{_slug(section.code)}_"): data.get(name)
                for name in section_fields
            }
            section_answers[section.code] = {k: _plain(v) for k, v in values.items()}
            for entry in items:
                item = entry["item"]
                prefix = f"value_{_slug(item.code)}_"
                answers.append(
                    {
                        "item": item.code,
                        "level": data.get(entry["level"]) if entry["level"] else Level.NOT_ASSESSED,
                        "comment": data.get(entry["comment"], ""),
                        "values": {
                            name.removeprefix(prefix): _plain(data.get(name)) for name in entry["values"]
                        },
                    }
                )
        return {
            "answers": answers,
            "recommendations": data.get("recommendations", ""),
            "section_answers": {code: values for code, values in section_answers.items() if values},
            "based_on": data["based_on"],
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Attach the service's errors ("answers.5.1.values.max_rent"…) to the fields they are about."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            name = self._field_for(key)
            self.add_error(name if name in self.fields else None, messages)

    def _field_for(self, key: str) -> str | None:
        if key == "recommendations":
            return key
        for section, _fields, items in self._layout:
            prefix = f"section_answers.{section.code}."
            if key.startswith(prefix):
                return section_name(section.code, key.removeprefix(prefix))
            for entry in items:
                code = entry["item"].code
                rest = key.removeprefix(f"answers.{code}.")
                if rest == key:
                    continue
                if rest == "level":
                    return level_name(code)
                if rest == "comment":
                    return comment_name(code)
                if rest.startswith("values."):
                    return value_name(code, rest.removeprefix("values."))
        return None


def _plain(value):
    """Form values as the service takes them: decimals as strings, the rest as they are."""
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)
