"""Background tasks of the kernel, run by the task worker (`parcours db-worker`, ADR 0012)."""

from django_tasks import task


@task()
def seal_audit_trail() -> int:
    """Chain the audit rows committed since the last run (ADR 0017). Queued by the writers themselves,
    at most once per PARCOURS_AUDIT_SEAL_SECONDS and per process, a little after their write."""
    from .audit import seal_pending

    return seal_pending()
