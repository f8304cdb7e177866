"""Retention: every field of every model is classified here, by its app, in one place ("shredder").

Each app declares, in its own `retention.py` (imported from its AppConfig.ready()), for each of its
models: how its rows lead to a household (`household="request__household"`), the personal-data fields
with the rule that anonymises them, and the fields that are not personal data (with why).
`tests/core/test_retention.py` fails whenever a model has a field that is in neither list.

The retention run (`parcours retention`, see `run_retention`) anonymises the households without
contact for `PARCOURS_RETENTION_MONTHS` months by applying every registered rule to their rows.
Figures (counts, compositions, dates of events, statuses, coded reasons) are kept, so the
observatory's indicators give the same numbers before and after. See ADR 0011.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import TruncYear
from django.utils import timezone

from .audit_actions import CoreAction

# Fields every model may have that say when a row was written, not who it is about.
TECHNICAL_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "deleted_at"})

# What a non-empty free text becomes when the database requires it not to be empty.
REDACTED = "[anonymisé]"


class Rule:
    """How one personal-data field is anonymised; `apply` works on the rows of anonymised households."""

    def apply(self, queryset: models.QuerySet, name: str) -> None:
        raise NotImplementedError


class Erase(Rule):
    """Removed: empty text, null, empty list or dict (contacts, free text, identifiers)."""

    def apply(self, queryset, name):
        model_field = queryset.model._meta.get_field(name)
        if model_field.many_to_many:
            through = model_field.remote_field.through
            through.objects.filter(**{f"{model_field.m2m_field_name()}__in": queryset.values("pk")}).delete()
            return
        if model_field.null:
            empty = None
        elif isinstance(model_field, models.JSONField):
            empty = model_field.get_default()
        else:
            empty = ""
        queryset.exclude(**{name: empty}).update(**{name: empty})


class Redact(Rule):
    """A free text the database requires: a non-empty value becomes the neutral mark « [anonymisé] »."""

    def apply(self, queryset, name):
        queryset.exclude(**{name: ""}).exclude(**{name: REDACTED}).update(**{name: REDACTED})


@dataclass(frozen=True)
class Replace(Rule):
    """Replaced by a fixed value (names)."""

    value: object

    def apply(self, queryset, name):
        queryset.update(**{name: self.value})


class YearOnly(Rule):
    """A date reduced to the 1st of January of its year: ages in years stay, the day is gone."""

    def apply(self, queryset, name):
        queryset.filter(**{f"{name}__isnull": False}).update(**{name: TruncYear(name)})


@dataclass(frozen=True)
class Keep(Rule):
    """Personal data kept on purpose, because it is coded and counted (sex, composition, amounts…)."""

    why: str

    def apply(self, queryset, name):
        return None


@dataclass(frozen=True)
class Custom(Rule):
    """A rule of the app's own: `function(queryset, name)`."""

    function: Callable[[models.QuerySet, str], None]
    why: str = ""

    def apply(self, queryset, name):
        self.function(queryset, name)


@dataclass
class ModelRules:
    model: type[models.Model]
    household: str | None  # the lookup from the model to its household ("" for Household itself)
    personal: dict[str, Rule] = field(default_factory=dict)
    not_personal: dict[str, str] = field(default_factory=dict)  # field name → why

    def classified(self) -> set[str]:
        return set(self.personal) | set(self.not_personal) | TECHNICAL_FIELDS

    def rows_of(self, household_ids: Iterable[int]) -> models.QuerySet:
        lookup = f"{self.household}__in" if self.household else "pk__in"
        return self.model._default_manager.filter(**{lookup: list(household_ids)})


REGISTRY: dict[type[models.Model], ModelRules] = {}


def register(
    model: type[models.Model],
    *,
    household: str | None = None,
    personal: dict[str, Rule] | None = None,
    not_personal: dict[str, Iterable[str]] | None = None,
) -> ModelRules:
    """Declare a model's fields. `not_personal` maps a reason to the field names it covers;
    `household` is the lookup to the household (None: the model's rows are about nobody in particular;
    then it may not declare personal fields)."""
    personal = dict(personal or {})
    if personal and household is None:
        raise ValueError(f"{model._meta.label}: personal fields need a path to the household")
    flat = {name: why for why, names in (not_personal or {}).items() for name in names}
    overlap = set(flat) & set(personal)
    if overlap:
        raise ValueError(f"{model._meta.label}: declared twice: {sorted(overlap)}")
    rules = ModelRules(model=model, household=household, personal=personal, not_personal=flat)
    REGISTRY[model] = rules
    return rules


def concrete_field_names(model: type[models.Model]) -> set[str]:
    """The fields a row stores: columns and many-to-many relations declared on the model."""
    return {
        f.name
        for f in model._meta.get_fields()
        if (f.concrete and not f.auto_created) or (f.many_to_many and not f.auto_created)
    } | {model._meta.pk.name}


def unclassified() -> dict[str, set[str]]:
    """Every project model's fields that no app has classified (the test wants this empty)."""
    from django.apps import apps

    missing = {}
    for model in apps.get_models():
        if not model.__module__.startswith("parcours."):
            continue
        rules = REGISTRY.get(model)
        names = concrete_field_names(model) - (rules.classified() if rules else set(TECHNICAL_FIELDS))
        if names:
            missing[model._meta.label] = names
    return missing


# -- Contact and eligibility ---------------------------------------------------------------------


def retention_months() -> int:
    return int(getattr(settings, "PARCOURS_RETENTION_MONTHS", 24))


def limit_date(today: dt.date | None = None, months: int | None = None) -> dt.datetime:
    """The instant before which a household's last contact makes it due for anonymisation."""
    today = today or timezone.localdate()
    months = retention_months() if months is None else months
    year, month = divmod(today.year * 12 + (today.month - 1) - months, 12)
    day = min(today.day, 28)
    return dt.datetime(year, month + 1, day, tzinfo=timezone.get_current_timezone())


def _as_datetime(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.max))


@dataclass(frozen=True)
class ContactSource:
    """Rows of `model` whose `dates` count as a contact with the household reached by `household`."""

    model: type[models.Model]
    household: str  # the lookup to the household ("pk" for the household itself)
    dates: tuple[str, ...]


# Every event that counts as a contact; each app registers its own from its `retention.py`.
CONTACT_SOURCES: list[ContactSource] = []

# Callables today → household ids that are never anonymised whatever their last contact (a file
# still alive in that app); each app registers its own from its `retention.py`.
KEEP_ALIVE: list[Callable[[dt.date], Iterable[int | None]]] = []


def contact_source(model: type[models.Model], *, household: str, dates: Iterable[str]) -> ContactSource:
    """Declare that these dates of `model`'s rows are contacts with the household (`household` is the
    lookup from the model to it, "pk" for the household model itself)."""
    source = ContactSource(model=model, household=household, dates=tuple(dates))
    CONTACT_SOURCES.append(source)
    return source


def keep_alive(function: Callable[[dt.date], Iterable[int | None]]):
    """Decorator: `function(today)` gives the ids of households that this app keeps alive."""
    KEEP_ALIVE.append(function)
    return function


def subject_model() -> type[models.Model]:
    """The model whose rows the retention run anonymises: the one registered as its own household
    (`household=""`, the households app's Household)."""
    for model, rules in REGISTRY.items():
        if rules.household == "":
            return model
    raise LookupError('no model is registered with household="" (the household itself)')


def last_contacts(households: models.QuerySet | None = None) -> dict[int, dt.datetime]:
    """Household id → the date of its last contact, over every registered source (one grouped query
    each)."""
    last: dict[int, dt.datetime] = {}
    for source in CONTACT_SOURCES:
        key = path = source.household
        qs = source.model._default_manager.all()
        if households is not None:
            qs = qs.filter(**{f"{path}__in": households.values("pk")})
        if path != "pk":
            qs = qs.filter(**{f"{path}__isnull": False})
        aggregates = {f"last_{name}": Max(name) for name in source.dates}
        for row in qs.values(key).annotate(**aggregates).order_by():
            household_id = row[key]
            for name in source.dates:
                when = _as_datetime(row[f"last_{name}"])
                if when is not None and (household_id not in last or when > last[household_id]):
                    last[household_id] = when
    return last


def live_household_ids(today: dt.date | None = None) -> set[int]:
    """Households that are never anonymised, whatever their last contact: those that any app keeps
    alive (a request still alive, a proposal in progress or a current admission, an open support
    measure or alert, a current housing in a programme, a 115 request open for tonight or later…)."""
    today = today or timezone.localdate()
    live: set[int] = set()
    for function in KEEP_ALIVE:
        live.update(function(today))
    live.discard(None)
    return live


@dataclass
class Plan:
    """What a retention run finds: the households due, and those past the limit but kept alive."""

    due: list[int]
    kept_alive: list[int]
    already: int
    limit: dt.datetime


def plan(today: dt.date | None = None, months: int | None = None) -> Plan:
    household_model = subject_model()
    limit = limit_date(today, months)
    last = last_contacts()
    past, already = [], 0
    for pk, anonymised_at in household_model.objects.values_list("pk", "anonymised_at").order_by("pk"):
        when = last.get(pk)
        if anonymised_at is not None and (when is None or when <= anonymised_at):
            already += 1  # anonymised, and nothing written since: nothing more to do
        elif when is not None and when < limit:
            # Never anonymised, or written to again after its anonymisation (a file reopened by a
            # worker): what was written since goes the same way once it is past the limit too.
            past.append(pk)
    live = live_household_ids(today)
    return Plan(
        due=[pk for pk in past if pk not in live],
        kept_alive=[pk for pk in past if pk in live],
        already=already,
        limit=limit,
    )


def anonymise(household_ids: list[int], *, actor=None) -> None:
    """Apply every registered rule to the rows of these households, stamp them, audit each one.
    One transaction per call: a failure leaves them all as they were."""
    from parcours.core import audit

    household_model = subject_model()
    if not household_ids:
        return
    with transaction.atomic():
        for rules in REGISTRY.values():
            if rules.household is None or not any(
                not isinstance(rule, Keep) for rule in rules.personal.values()
            ):
                continue
            rows = rules.rows_of(household_ids)
            for name, rule in rules.personal.items():
                rule.apply(rows, name)
        now = timezone.now()
        household_model.objects.filter(pk__in=household_ids).update(anonymised_at=now)
        anonymised_fields = sorted(
            f"{rules.model._meta.label_lower}.{name}"
            for rules in REGISTRY.values()
            for name, rule in rules.personal.items()
            if not isinstance(rule, Keep)
        )
        for pk in household_ids:
            audit.record_write(
                actor=actor,
                action=CoreAction.RETENTION_ANONYMISE,
                obj=(household_model._meta.label_lower, pk),
                fields=anonymised_fields,
            )


def run_retention(*, wet: bool, today: dt.date | None = None, months: int | None = None, batch: int = 200):
    """The retention run: find the households due and, with `wet`, anonymise them by batches."""
    found = plan(today, months)
    if wet:
        for start in range(0, len(found.due), batch):
            anonymise(found.due[start : start + batch])
    return found


def _register_core() -> None:
    from .models import AuditChainHead, AuditEvent, Delivery, DeliveryAttempt

    register(
        AuditEvent,
        not_personal={
            "trace d'audit : identifiants, noms de champs et de sections, jamais de valeurs (ADR 0011)": (
                "seq",
                "occurred_at",
                "actor",
                "membership_id",
                "organization_id",
                "role",
                "kind",
                "action",
                "object_type",
                "object_id",
                "fields",
                "sections",
                "purpose",
                "via",
                "prev_hash",
                "hash",
                "key_id",
                "mac",
            )
        },
    )
    register(AuditChainHead, not_personal={"tête de la chaîne d'audit": ("seq", "hash")})
    # The delivery log names nobody in clear (a masked address or number) and keeps no message: it
    # is not tied to a household, so it is neither anonymised nor in the right-of-access export.
    register(
        Delivery,
        not_personal={
            "journal des envois : canal, motif, état, essais, horodatage": (
                "kind",
                "purpose",
                "status",
                "attempts",
                "next_attempt_at",
                "sent_at",
            ),
            "destinataire masqué (j***@exemple.fr, 06******78), jamais en clair": ("recipient",),
            "réponse du prestataire, destinataire masqué, sans le message": ("answer",),
            "identifiant technique de l'objet à marquer une fois l'envoi fait": ("ref",),
            "message en attente d'envoi : vidé dès qu'il est envoyé ou abandonné": ("payload",),
        },
    )
    register(
        DeliveryAttempt,
        not_personal={
            "essai d'envoi : numéro, résultat, réponse du prestataire masquée, horodatage": (
                "delivery",
                "number",
                "status",
                "answer",
                "at",
            )
        },
    )
