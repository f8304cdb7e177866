from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

OPEN = ["accepted", "pending"]


def withdraw_duplicates(apps, schema_editor):
    """Before the constraint: a request holding several open proposals (the bypass of issue 13) keeps
    its oldest one; the others are withdrawn, with a step saying why."""
    Proposal = apps.get_model("orientation", "Proposal")
    ProposalEvent = apps.get_model("orientation", "ProposalEvent")
    doubled = (
        Proposal.objects.filter(status__in=OPEN)
        .values("request_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("request_id", flat=True)
    )
    now = timezone.now()
    for request_id in list(doubled):
        extra = Proposal.objects.filter(request_id=request_id, status__in=OPEN).order_by("created_at", "pk")[1:]
        for proposal in extra:
            ProposalEvent.objects.create(
                proposal=proposal,
                from_status=proposal.status,
                to_status="withdrawn",
                at=now,
                note="Retirée à la mise à jour : le ménage avait déjà une proposition en cours.",
            )
            Proposal.objects.filter(pk=proposal.pk).update(status="withdrawn", updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("orientation", "0003_refusal_reasons"),
    ]

    operations = [
        migrations.RunPython(withdraw_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["accepted", "pending"])),
                fields=("request",),
                name="proposal_one_open_per_request",
                violation_error_message="Ce ménage a déjà une proposition en cours.",
            ),
        ),
    ]
