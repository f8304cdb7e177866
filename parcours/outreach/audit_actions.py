"""The audit action names of outreach: teams, rounds, encounters, signalements.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class OutreachAction(AuditAction):
    TEAM_CREATE = "outreach.team.create"
    TEAM_MEMBERS = "outreach.team.members"
    ROUND_CREATE = "outreach.round.create"
    ROUND_CLOSE = "outreach.round.close"
    ENCOUNTER_RECORD = "outreach.encounter.record"
    ENCOUNTER_TO_115 = "outreach.encounter.emergency_request"
    REPORT_RECEIVE = "outreach.report.receive"
    REPORT_TRIAGE = "outreach.report.triage"
    REPORT_ASSIGN = "outreach.report.assign"
    REPORT_HANDLE = "outreach.report.handle"
    REPORT_CLOSE = "outreach.report.close"
    PURGE = "outreach.purge"
