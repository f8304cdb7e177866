"""Writes of the matching app: the facts of a request the engine reads. One transaction, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.core import audit
from parcours.core.versioning import StaleVersionError, save_versioned

from . import perms
from .models import RequestFacts

NEEDS_FIELDS = ("needs_accessible", "has_pets")
PRIORITY_FIELDS = ("vulnerability", "manual_priority", "manual_priority_reason")


@transaction.atomic
def request_facts_update(*, actor, insertion_request, version: int | None, **changes) -> RequestFacts:
    """Set some of a request's matching facts. `version` is the one read (None when there were none
    yet); a stale one raises StaleVersionError and nothing is written."""
    unknown = set(changes) - set(NEEDS_FIELDS) - set(PRIORITY_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if set(changes) & set(NEEDS_FIELDS) and not perms.can_edit_needs(actor, insertion_request):
        raise PermissionDenied(_("Votre rôle ne permet pas de modifier les besoins de ce ménage."))
    if set(changes) & set(PRIORITY_FIELDS) and not perms.can_set_priority(actor, insertion_request):
        raise PermissionDenied(_("Seule la coordination SIAO du département fixe les priorités."))
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
        audit.record_write(actor=actor, action="matching.request_facts.update", obj=facts, fields=changed)
    return facts
