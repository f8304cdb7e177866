"""Writes of the matching app: a request's matching facts and the network's engine settings.

Each in one transaction, audited (field names only, never values)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.core import audit, errors
from parcours.core.versioning import StaleVersionError, save_versioned

from . import loaders, perms
from .audit_actions import MatchingAction
from .models import RankingWeight, RequestFacts, RuleSetting

NEEDS_FIELDS = ("needs_accessible", "has_pets")
PRIORITY_FIELDS = ("vulnerability", "manual_priority", "manual_priority_reason")


@transaction.atomic
def request_facts_update(*, actor: User, insertion_request, version: int | None, **changes) -> RequestFacts:
    """Set some of a request's matching facts. `version` is the one read (None when there were none
    yet); a stale one raises StaleVersionError and nothing is written."""
    unknown = set(changes) - set(NEEDS_FIELDS) - set(PRIORITY_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if set(changes) & set(NEEDS_FIELDS) and not perms.can_edit_needs(actor, insertion_request):
        raise errors.Forbidden(_("Votre rôle ne permet pas de modifier les besoins de ce ménage."))
    if set(changes) & set(PRIORITY_FIELDS) and not perms.can_set_priority(actor, insertion_request):
        raise errors.Forbidden(_("Seule la coordination SIAO du département fixe les priorités."))
    if "manual_priority_reason" in changes:
        changes["manual_priority_reason"] = (changes["manual_priority_reason"] or "").strip()
    facts = RequestFacts.objects.select_for_update().filter(request=insertion_request).first()
    created = facts is None
    if created:
        if version not in (None, 0):
            raise StaleVersionError(None)
        facts = RequestFacts(request=insertion_request)
    elif version != facts.version:
        raise StaleVersionError(facts.version)
    changed = [name for name, value in changes.items() if getattr(facts, name) != value]
    for name in changed:
        setattr(facts, name, changes[name])
    facts.updated_by = actor
    facts.full_clean(exclude=["request"])
    if created:
        facts.save()
    elif changed:
        save_versioned(facts, expected_version=version, fields=[*changed, "updated_by"])
    if changed or created:
        audit.record_write(actor=actor, action=MatchingAction.REQUEST_FACTS_UPDATE, obj=facts, fields=changed)
    return facts


class SettingsConflict(errors.Conflict):
    """The stored settings changed since the page that tries to save them was shown."""

    default_message = gettext_lazy(
        "Les réglages ont été modifiés par quelqu'un d'autre depuis l'affichage de cette page : "
        "rien n'a été enregistré. Vérifiez la simulation avec les réglages actuels, puis enregistrez."
    )


@transaction.atomic
def network_settings_update(*, actor: User, fingerprint: str, weights: dict, rules: dict) -> list[str]:
    """Store weights and network-wide rule settings (`rules`: code → (enabled, parameters), merged
    into the network-wide row), as the simulation showed them. `fingerprint` is the one of the
    settings the simulation started from; if they changed since, nothing is written. Returns the
    names of what changed (also written to the audit trail, without values)."""
    if not perms.can_edit_settings(actor):
        raise errors.Forbidden(_("Seule l'administration du réseau enregistre les réglages du moteur."))
    list(RankingWeight.objects.select_for_update())
    list(RuleSetting.objects.select_for_update().filter(kind="", facility__isnull=True))
    if loaders.load_settings().fingerprint() != fingerprint:
        raise SettingsConflict
    changed = []
    for term, value in weights.items():
        weight = Decimal(str(value)).quantize(Decimal("0.001"))
        row = RankingWeight.objects.filter(term=term).first()
        if row is None:
            RankingWeight.objects.create(term=term, weight=weight)
        elif row.weight != weight:
            row.weight = weight
            save_versioned(row, expected_version=row.version, fields=["weight"])
        else:
            continue
        changed.append(f"weight.{term}")
    for code, (enabled, params) in rules.items():
        row = RuleSetting.objects.filter(rule=code, kind="", facility__isnull=True).first()
        if row is None:
            row = RuleSetting(rule=code, kind="", enabled=enabled, parameters=params, updated_by=actor)
            row.full_clean()
            row.save()
        else:
            merged = {**row.parameters, **params}
            if (row.enabled, row.parameters) == (enabled, merged):
                continue
            row.enabled, row.parameters, row.updated_by = enabled, merged, actor
            save_versioned(row, expected_version=row.version, fields=["enabled", "parameters", "updated_by"])
        changed.append(f"rule.{code}")
    if changed:
        audit.record_write(actor=actor, action=MatchingAction.SETTINGS_UPDATE, fields=changed)
    return changed
