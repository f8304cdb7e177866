"""Writing a new version of a household's assessment, and comparing two versions."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.accounts.perms import active_membership
from parcours.core import audit
from parcours.core.errors import Conflict, Invalid, require
from parcours.core.versioning import StaleVersionError, save_versioned
from parcours.households.models import Household
from parcours.territories.models import Territory

from . import perms
from .audit_actions import AssessmentAction
from .models import (
    Assessment,
    AssessmentAnswer,
    AssessmentDraft,
    AssessmentGrid,
    FieldType,
    GridItem,
    ItemKind,
    Level,
    Perspective,
)

COMMENT_MAX_LENGTH = 5000
RECOMMENDATIONS_MAX_LENGTH = 20000
TEXT_VALUE_MAX_LENGTH = 1000
MONEY_MAX = Decimal("9999999.99")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CleanAnswer:
    item: GridItem
    level: str
    comment: str
    values: dict

    @property
    def content(self) -> tuple:
        return self.level, self.comment, self.values


EMPTY_CONTENT = (Level.NOT_ASSESSED.value, "", {})


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    household: Household,
    perspective: str,
    answers: list[Mapping],
    recommendations: str = "",
    section_answers: Mapping | None = None,
    based_on: int | None = None,
    close_draft: bool = False,
) -> Assessment:
    """Record a new version of one perspective's assessment; the previous versions stay as they were.

    `answers` are {"item": code, "level": code, "comment": text, "values": {field: value}} against
    the grid in force; an item left out is not assessed in this version. `based_on` is the number of
    the version the author read (0 for none): if another version was saved since, StaleVersionError.
    `close_draft`: the author's draft of this perspective is deleted with the version saved (the form).
    Who may record which perspective: perms.can_write_assessment (Forbidden otherwise).
    """
    if perspective not in Perspective.values:
        raise ValidationError(
            {
                "perspective": _("Point de vue inconnu : « %(p)s » (possibles : %(known)s).")
                % {"p": perspective, "known": ", ".join(Perspective.values)}
            }
        )
    require(
        perms.can_write_assessment(actor, household, perspective),
        _("Votre rôle ne permet pas d'enregistrer ce point de vue (%(p)s) pour ce ménage.")
        % {"p": Perspective(perspective).label},
    )
    membership = active_membership(actor)
    grid = AssessmentGrid.objects.with_content().current()
    if grid is None:
        raise ValidationError(_("Aucune trame d'évaluation n'est publiée."))
    errors: dict[str, list[str]] = {}
    clean_answers = _clean_answers(answers, grid, errors)
    clean_sections = _clean_section_answers(section_answers or {}, grid, errors)
    recommendations = (recommendations or "").strip()
    if len(recommendations) > RECOMMENDATIONS_MAX_LENGTH:
        _error(
            errors,
            "recommendations",
            _("Les préconisations dépassent %(n)s caractères.") % {"n": RECOMMENDATIONS_MAX_LENGTH},
        )
    if errors:
        raise ValidationError(errors)

    # One writer at a time per household, so that two saves cannot claim the same number.
    list(Household.objects.select_for_update().filter(pk=household.pk).values_list("pk", flat=True))
    previous = (
        Assessment.objects.filter(household=household, perspective=perspective)
        .prefetch_related("answers__item")
        .order_by("-number")
        .first()
    )
    latest_number = previous.number if previous else 0
    if based_on is not None and based_on != latest_number:
        raise StaleVersionError(latest_number)
    assessment = Assessment.objects.create(
        household=household,
        grid=grid,
        perspective=perspective,
        number=latest_number + 1,
        author=actor,
        author_organization=membership.organization,
        recommendations=recommendations,
        section_answers=clean_sections,
    )
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(
            assessment=assessment, item=a.item, level=a.level, comment=a.comment, values=a.values
        )
        for a in clean_answers
    )
    audit.record_write(
        actor=actor,
        action=AssessmentAction.ASSESSMENT_CREATE,
        obj=household,
        fields=_changed_fields(previous, clean_answers, recommendations, clean_sections),
    )
    if close_draft:
        AssessmentDraft.objects.of(actor, household, perspective).delete()
    return assessment


# -- Drafts: the version being typed, saved automatically on the server -------------------------------

DRAFT_MAX_CHARS = 200_000


class DraftClosed(Conflict):
    """The draft this tab was writing to is gone: its version was saved (or it was discarded) meanwhile."""

    code = "draft_closed"
    default_message = gettext_lazy(
        "Ce brouillon n'existe plus : la version a été enregistrée ou le brouillon abandonné entre-temps "
        "(dans un autre onglet ?). Rechargez la page avant de continuer."
    )


def draft_save(
    *,
    actor,
    household: Household,
    perspective: str,
    grid: AssessmentGrid,
    based_on: int,
    data: Mapping,
    expected_version: int,
) -> AssessmentDraft:
    """Create or update the actor's draft of one perspective. `expected_version` is the draft version
    the tab last saved (0: it has none yet); a draft saved since from elsewhere (another tab) is never
    overwritten (StaleVersion), nor is one closed meanwhile recreated (DraftClosed). The caller checks
    that the actor may write this perspective; `data` holds the form's fields (strings), unchecked:
    they are checked when the version is saved."""
    clean = {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
    if sum(len(k) + len(v) for k, v in clean.items()) > DRAFT_MAX_CHARS:
        raise Invalid(
            _("Le brouillon est trop long pour être enregistré (%(n)s caractères au plus).")
            % {"n": DRAFT_MAX_CHARS}
        )
    with transaction.atomic():
        draft = AssessmentDraft.objects.of(actor, household, perspective).select_for_update().first()
        if draft is None:
            if expected_version != 0:
                raise DraftClosed()
            try:
                with transaction.atomic():
                    draft = AssessmentDraft.objects.create(
                        household=household,
                        perspective=perspective,
                        author=actor,
                        grid=grid,
                        based_on=based_on,
                        data=clean,
                    )
            except IntegrityError:
                raise StaleVersionError(1) from None
            changed = sorted(k for k, v in clean.items() if v)
        else:
            if draft.version != expected_version:
                raise StaleVersionError(draft.version, _draft_stale_message(draft))
            changed = sorted(k for k in clean.keys() | draft.data.keys() if clean.get(k) != draft.data.get(k))
            draft.data, draft.grid = clean, grid
            save_versioned(draft, expected_version=expected_version, fields=["data", "grid"])
        # Field names only, never what was typed (the audit trail holds no personal data).
        audit.record_write(actor=actor, action=AssessmentAction.DRAFT_SAVE, obj=household, fields=changed)
    return draft


def _draft_stale_message(draft: AssessmentDraft) -> str:
    return _(
        "Ce brouillon a été enregistré depuis un autre onglet ou un autre poste (version %(v)s) : "
        "la saisie de cet onglet n'y est plus enregistrée. Rechargez la page pour reprendre le brouillon."
    ) % {"v": draft.version}


def draft_discard(*, actor, household: Household, perspective: str) -> bool:
    """Delete the actor's draft of this perspective (« Abandonner le brouillon »); False if none."""
    deleted, _rows = AssessmentDraft.objects.of(actor, household, perspective).delete()
    if deleted:
        audit.record_write(
            actor=actor, action=AssessmentAction.DRAFT_DISCARD, obj=household, fields=["draft"]
        )
    return bool(deleted)


def _error(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _clean_answers(answers, grid: AssessmentGrid, errors: dict) -> list[CleanAnswer]:
    items = {item.code: item for section in grid.sections.all() for item in section.items.all()}
    cleaned, seen = [], set()
    if not isinstance(answers, list | tuple):
        _error(errors, "answers", _("« answers » doit être une liste de réponses."))
        return cleaned
    for position, raw in enumerate(answers, start=1):
        if not isinstance(raw, Mapping):
            _error(errors, f"answers.{position}", _("Une réponse doit être un objet {item, level, comment}."))
            continue
        code = str(raw.get("item") or "").strip()
        key = f"answers.{code or position}"
        item = items.get(code)
        if item is None:
            _error(
                errors,
                f"{key}.item",
                _("Élément « %(code)s » inconnu dans la trame en vigueur (version %(v)s).")
                % {"code": code, "v": grid.version},
            )
            continue
        if code in seen:
            _error(errors, f"{key}.item", _("L'élément %(code)s est renseigné deux fois.") % {"code": code})
            continue
        seen.add(code)
        level = raw.get("level") or Level.NOT_ASSESSED
        if level not in Level.values:
            _error(
                errors,
                f"{key}.level",
                _("Élément %(code)s : niveau « %(level)s » inconnu (niveaux possibles : %(known)s).")
                % {"code": code, "level": level, "known": ", ".join(Level.values)},
            )
        elif item.kind == ItemKind.STRUCTURED and level != Level.NOT_ASSESSED:
            _error(
                errors,
                f"{key}.level",
                _("L'élément %(code)s se renseigne par ses champs et un commentaire, pas par un niveau.")
                % {"code": code},
            )
        comment = str(raw.get("comment") or "").strip()
        if len(comment) > COMMENT_MAX_LENGTH:
            _error(
                errors,
                f"{key}.comment",
                _("Élément %(code)s : le commentaire dépasse %(n)s caractères.")
                % {"code": code, "n": COMMENT_MAX_LENGTH},
            )
        raw_values = raw.get("values") or {}
        if raw_values and item.kind == ItemKind.RATED:
            _error(
                errors,
                f"{key}.values",
                _("L'élément %(code)s s'évalue par un niveau et un commentaire : il n'a pas de champs.")
                % {"code": code},
            )
            raw_values = {}
        where = _("élément %(code)s") % {"code": code}
        values = _clean_values(raw_values, item.fields, f"{key}.values", where, errors)
        if (level, comment, values) != EMPTY_CONTENT:
            cleaned.append(CleanAnswer(item=item, level=level, comment=comment, values=values))
    return cleaned


def _clean_section_answers(raw, grid: AssessmentGrid, errors: dict) -> dict:
    if not isinstance(raw, Mapping):
        _error(
            errors, "section_answers", _("« section_answers » doit être un objet {section: {champ: valeur}}.")
        )
        return {}
    sections = {section.code: section for section in grid.sections.all()}
    cleaned = {}
    for code, raw_values in raw.items():
        section = sections.get(str(code))
        if section is None or not section.fields:
            _error(
                errors,
                f"section_answers.{code}",
                _("La section « %(code)s » n'a pas de champs à renseigner dans la trame en vigueur.")
                % {"code": code},
            )
            continue
        where = _("section %(code)s") % {"code": code}
        values = _clean_values(raw_values or {}, section.fields, f"section_answers.{code}", where, errors)
        if values:
            cleaned[section.code] = values
    return cleaned


def _clean_values(raw, fields: list[dict], key: str, where: str, errors: dict) -> dict:
    """Check each value against its field's type; empty values are left out."""
    if not isinstance(raw, Mapping):
        _error(
            errors,
            key,
            _("%(where)s : les valeurs doivent être un objet {champ: valeur}.") % {"where": where},
        )
        return {}
    known = {field["code"]: field for field in fields}
    cleaned = {}
    for code, value in raw.items():
        field = known.get(code)
        if field is None:
            _error(
                errors,
                f"{key}.{code}",
                _("%(where)s : champ « %(code)s » inconnu (champs possibles : %(known)s).")
                % {"where": where, "code": code, "known": ", ".join(known) or "—"},
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            cleaned[code] = _clean_value(field, value)
        except ValueError as exc:
            _error(
                errors,
                f"{key}.{code}",
                _("%(label)s (%(where)s) : %(problem)s")
                % {"label": field["label"], "where": where, "problem": exc},
            )
    return cleaned


def _clean_value(field: dict, value):
    """The value as stored in JSON, or ValueError with the problem in French."""
    kind = field["type"]
    if kind == FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError(_("un texte est attendu."))
        value = value.strip()
        if len(value) > TEXT_VALUE_MAX_LENGTH:
            raise ValueError(_("%(n)s caractères au plus.") % {"n": TEXT_VALUE_MAX_LENGTH})
        return value
    if kind == FieldType.MONEY:
        return _clean_money(value)
    if kind == FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(_("oui ou non est attendu (true ou false)."))
        return value
    if kind == FieldType.DATE:
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
            raise ValueError(_("une date au format AAAA-MM-JJ est attendue."))
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(_("cette date n'existe pas.")) from None
    if kind == FieldType.CHOICE:
        codes = [choice["code"] for choice in field.get("choices", [])]
        if value not in codes:
            raise ValueError(
                _("choix « %(value)s » inconnu (choix possibles : %(known)s).")
                % {"value": value, "known": ", ".join(codes)}
            )
        return value
    if kind == FieldType.DEPARTEMENT:
        code = str(value).strip().upper()
        if not Territory.objects.filter(code=code).exists():
            raise ValueError(_("département inconnu : %(code)s.") % {"code": value})
        return code
    raise ValueError(_("type de champ inconnu."))


def _clean_money(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(_("un montant en euros est attendu, par exemple 650.00."))
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(_("un montant en euros est attendu, par exemple 650.00.")) from None
    if not amount.is_finite():
        raise ValueError(_("un montant en euros est attendu, par exemple 650.00."))
    if amount < 0:
        raise ValueError(_("un montant ne peut pas être négatif."))
    if amount > MONEY_MAX:
        raise ValueError(_("montant invraisemblable."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("un montant s'exprime au centime près."))
    return f"{amount.quantize(Decimal('0.01'))}"


def _changed_fields(previous: Assessment | None, answers, recommendations: str, sections: dict) -> list[str]:
    """Names of what changed since the previous version: item codes, "recommendations", section
    field codes. Never the values (the audit trail holds no personal data)."""
    before = {a.item.code: (a.level, a.comment, a.values) for a in previous.answers.all()} if previous else {}
    after = {a.item.code: a.content for a in answers}
    changed = [
        code
        for code in sorted(before.keys() | after.keys())
        if before.get(code, EMPTY_CONTENT) != after.get(code)
    ]
    if recommendations != (previous.recommendations if previous else ""):
        changed.append("recommendations")
    old_sections = previous.section_answers if previous else {}
    for code in sorted(old_sections.keys() | sections.keys()):
        old, new = old_sections.get(code, {}), sections.get(code, {})
        changed.extend(field for field in sorted(old.keys() | new.keys()) if old.get(field) != new.get(field))
    return changed


@dataclass(frozen=True)
class ItemChange:
    """One item seen in two versions; a missing answer reads as not assessed, without comment."""

    item: GridItem
    before: AssessmentAnswer | None
    after: AssessmentAnswer | None

    def _content(self, answer) -> tuple:
        return (answer.level, answer.comment, answer.values) if answer is not None else EMPTY_CONTENT

    @property
    def level_changed(self) -> bool:
        return self._content(self.before)[0] != self._content(self.after)[0]

    @property
    def comment_changed(self) -> bool:
        return self._content(self.before)[1] != self._content(self.after)[1]

    @property
    def values_changed(self) -> bool:
        return self._content(self.before)[2] != self._content(self.after)[2]

    @property
    def changed(self) -> bool:
        return self.level_changed or self.comment_changed or self.values_changed


@dataclass(frozen=True)
class AssessmentDiff:
    older: Assessment
    newer: Assessment
    items: list[ItemChange]
    recommendations_changed: bool
    section_answers_changed: bool

    @property
    def changed_items(self) -> list[ItemChange]:
        return [change for change in self.items if change.changed]

    @property
    def changed(self) -> bool:
        return bool(self.changed_items) or self.recommendations_changed or self.section_answers_changed


def assessment_diff(older: Assessment, newer: Assessment) -> AssessmentDiff:
    """What changed between two versions, item by item in the order of the newer one's grid (items
    only in the older grid come last)."""
    before = older.answers_by_item()
    after = newer.answers_by_item()
    grid_items = list(
        GridItem.objects.filter(section__grid_id__in={older.grid_id, newer.grid_id})
        .select_related("section")
        .order_by("section__position", "position")
    )
    ordered: dict[str, GridItem] = {}
    for item in sorted(grid_items, key=lambda i: i.section.grid_id != newer.grid_id):
        ordered.setdefault(item.code, item)
    return AssessmentDiff(
        older=older,
        newer=newer,
        items=[
            ItemChange(item=item, before=before.get(code), after=after.get(code))
            for code, item in ordered.items()
        ],
        recommendations_changed=older.recommendations != newer.recommendations,
        section_answers_changed=older.section_answers != newer.section_answers,
    )
