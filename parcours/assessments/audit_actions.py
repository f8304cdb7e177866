"""The audit action names of assessments: the writes on social assessments and their drafts.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class AssessmentAction(AuditAction):
    ASSESSMENT_CREATE = "assessments.assessment.create"
    DRAFT_SAVE = "assessments.draft.save"
    DRAFT_DISCARD = "assessments.draft.discard"
