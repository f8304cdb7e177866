"""Promise of core.workflow (ADR 0015): a move the model's workflow does not allow, a stale version or
a refusal of the domain leaves the record, its history and the audit trail as they were; an allowed
move writes the status, the version, one line of history and one audit row, in one transaction; two
clients moving the same record at the same instant cannot both pass (PostgreSQL)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from parcours.accounts.roles import Role
from parcours.core import errors, workflow
from parcours.core.models import AuditEvent
from parcours.emergency.models import EmergencyRequest
from parcours.orientation.invariants import TransitionConflict
from parcours.orientation.models import InsertionRequest, RequestTransition
from parcours.support.models import MeasureTransition, SupportMeasure
from tests.concurrency import race
from tests.factories import InsertionRequestFactory
from tests.factories.emergency import EmergencyRequestFactory
from tests.factories.support import SupportMeasureFactory

pytestmark = pytest.mark.usefixtures("fixed_clock")


def snapshot(obj):
    """What a refused move must leave untouched: the row, its history, the audit trail."""
    row = type(obj)._base_manager.filter(pk=obj.pk).values().get()
    return (
        row,
        RequestTransition.objects.count(),
        MeasureTransition.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_every_declared_workflow_covers_its_statuses():
    declared = [m for m in apps.get_models() if isinstance(getattr(m, "WORKFLOW", None), workflow.Workflow)]
    assert {m._meta.label for m in declared} >= {
        "orientation.InsertionRequest",
        "orientation.Proposal",
        "orientation.Commission",
        "support.SupportMeasure",
        "support.PreventionAlert",
        "emergency.EmergencyRequest",
    }
    for model in declared:
        wf = model.WORKFLOW
        statuses = {value for value, _label in model._meta.get_field(wf.field).choices}
        assert set(wf.transitions) == statuses, model
        assert all(set(targets) <= statuses for targets in wf.transitions.values()), model
        if wf.log is not None:
            assert wf.log.model_class._meta.get_field(wf.log.parent).related_model is model


@pytest.mark.django_db
def test_an_allowed_move_writes_status_version_history_and_audit(member):
    coordinator = member(Role.SIAO_COORDINATOR)
    request = InsertionRequestFactory(submitted=True)
    before = request.version

    moved = workflow.transition(
        request, "validated", actor=coordinator, action="orientation.request.validate", reason=" Complet. "
    )

    request.refresh_from_db()
    assert (moved.source, moved.obj.status, request.status) == ("submitted", "validated", "validated")
    assert request.version == before + 1
    line = RequestTransition.objects.get(request=request)
    assert line == moved.log
    assert (line.from_status, line.to_status, line.actor, line.reason) == (
        "submitted",
        "validated",
        coordinator,
        "Complet.",
    )
    assert line.at == request.updated_at
    event = AuditEvent.objects.get(action="orientation.request.validate")
    assert (event.actor, event.object_id, event.fields) == (
        coordinator,
        str(request.pk),
        ["reason", "status"],
    )


@pytest.mark.django_db
def test_a_move_the_workflow_does_not_allow_changes_nothing(member):
    request = InsertionRequestFactory(submitted=True)
    before = snapshot(request)

    with pytest.raises(TransitionConflict, match="Impossible de passer une demande « transmise »") as refusal:
        workflow.transition(request, "admitted", actor=member(Role.SIAO_COORDINATOR), action="x.y")

    assert isinstance(refusal.value, errors.InvalidTransition)
    assert (refusal.value.code, refusal.value.http_status) == ("conflict", 409)
    assert snapshot(request) == before


@pytest.mark.django_db
def test_a_stale_version_changes_nothing(member):
    measure = SupportMeasureFactory()
    SupportMeasure.objects.filter(pk=measure.pk).update(version=measure.version + 1)
    before = snapshot(measure)

    with pytest.raises(errors.StaleVersion) as refusal:
        workflow.transition(
            measure,
            "closed",
            actor=member(),
            action="support.measure.close",
            expected_version=measure.version,
        )

    assert refusal.value.current_version == measure.version + 1
    assert snapshot(measure) == before


@pytest.mark.django_db
def test_a_refusal_of_the_domain_under_the_lock_changes_nothing(member):
    measure = SupportMeasureFactory()
    before = snapshot(measure)

    def check(locked):
        raise ValidationError({"reason": "Choisissez le motif de clôture."})

    with pytest.raises(ValidationError):
        workflow.transition(measure, "closed", actor=member(), action="support.measure.close", prepare=check)

    assert snapshot(measure) == before


@pytest.mark.django_db
def test_a_refused_message_replaces_the_generic_one(member):
    measure = SupportMeasureFactory(refused=True)
    with pytest.raises(errors.Conflict, match="Seule une mesure en cours"):
        workflow.transition(
            measure,
            "closed",
            actor=member(),
            action=None,
            refused="Seule une mesure en cours peut être clôturée.",
        )


@pytest.mark.django_db
def test_an_event_keeps_the_status_and_writes_one_line(member):
    worker = member()
    request = InsertionRequestFactory(validated=True)
    before = request.version

    workflow.event(request, actor=worker, reason="Relance", log_extra={"kind": "reminder"})
    request.refresh_from_db()
    assert request.version == before  # nothing of the request changed
    workflow.event(request, actor=worker, log_extra={"kind": "renewal"}, renewed_at=None)
    request.refresh_from_db()
    assert request.version == before + 1

    lines = list(request.transitions.values_list("kind", "from_status", "to_status", "reason"))
    assert lines == [
        ("reminder", "validated", "validated", "Relance"),
        ("renewal", "validated", "validated", ""),
    ]
    assert not AuditEvent.objects.exists()  # no action given: the caller audits


@pytest.mark.django_db
def test_a_workflow_without_version_leaves_the_version(member):
    request = EmergencyRequestFactory()
    before = request.version
    workflow.transition(
        request, "cancelled", actor=member(Role.CALL_HANDLER), action="emergency.request.cancel"
    )
    request.refresh_from_db()
    assert (request.status, request.version) == ("cancelled", before)
    assert EmergencyRequest.WORKFLOW.log is None


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_the_same_instant_one_passes():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are measured on PostgreSQL")
    request = InsertionRequestFactory(submitted=True)
    version = request.version

    def attempt(target, expected_version=None):
        def run():
            try:
                workflow.transition(
                    InsertionRequest.objects.get(pk=request.pk),
                    target,
                    actor=None,
                    action="orientation.request.test",
                    expected_version=expected_version,
                )
            except errors.Conflict:
                return "conflict"
            return "ok"

        return run

    # The same edit from six screens that read the same version: one passes, five are stale.
    results = race([attempt("validated", version) for _ in range(6)])
    assert sorted(results) == ["conflict"] * 5 + ["ok"], results
    # Different moves from the same status, without versions: the lock makes them queue, and once one
    # has passed the others are no longer allowed from the status they find.
    results = race([attempt("cancelled") for _ in range(3)])
    assert sorted(results) == ["conflict", "conflict", "ok"], results

    request.refresh_from_db()
    assert request.status == "cancelled"
    assert request.version == version + 2
    assert list(request.transitions.values_list("from_status", "to_status")) == [
        ("submitted", "validated"),
        ("validated", "cancelled"),
    ]
    assert AuditEvent.objects.filter(action="orientation.request.test").count() == 2
