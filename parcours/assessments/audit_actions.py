"""The audit action names of the assessments (core.audit.AuditAction)."""

from parcours.core.audit import AuditAction


class AssessmentAction(AuditAction):
    ASSESSMENT_CREATE = "assessments.assessment.create"
    DRAFT_SAVE = "assessments.draft.save"
    DRAFT_DISCARD = "assessments.draft.discard"
