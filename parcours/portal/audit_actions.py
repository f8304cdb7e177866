"""The audit action names of "Mon espace". Stored in the sealed trail: never rename one (ADR 0016)."""

from parcours.core.audit_actions import AuditAction


class PortalAction(AuditAction):
    INVITE = "portal.access.invite"
    REVOKE = "portal.access.revoke"
    PRINTED_CODE = "portal.access.printed_code"
    SMS_CODE = "portal.access.sms_code"
    SIGN_IN = "portal.access.sign_in"
    SIGN_OUT = "portal.access.sign_out"
    PROTECTION_SET = "portal.person.protection"
    CONSENT_OFFER = "portal.consent.offer"
    CONSENT_GIVE = "portal.consent.give"
    CONSENT_WITHDRAW = "portal.consent.withdraw"
    PERSON_ASSESSMENT = "portal.assessment.person"
    FEEDBACK = "portal.feedback.create"
    FEEDBACK_HANDLED = "portal.feedback.handled"
    EXPORT = "portal.export"
