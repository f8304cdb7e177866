"""The audit action names of the orientation app (core.audit.AuditAction): every `record_write` of
orientation passes one of these members; the values are the names already in the audit trail."""

from parcours.core.audit import AuditAction


class OrientationAuditAction(AuditAction):
    # Insertion requests
    REQUEST_CREATE = "orientation.request.create"
    REQUEST_SUBMIT = "orientation.request.submit"
    REQUEST_ASK_COMPLETION = "orientation.request.ask_completion"
    REQUEST_VALIDATE = "orientation.request.validate"
    REQUEST_CANCEL = "orientation.request.cancel"
    REQUEST_REACTIVATE = "orientation.request.reactivate"
    REQUEST_EXPIRE = "orientation.request.expire"
    REQUEST_PROPOSE = "orientation.request.propose"
    REQUEST_REFUSAL = "orientation.request.refusal"
    REQUEST_ADMIT = "orientation.request.admit"
    REQUEST_WITHDRAW_PROPOSAL = "orientation.request.withdraw_proposal"
    REQUEST_RENEW = "orientation.request.renew"
    REQUEST_TRANSFER_REFERENT = "orientation.request.transfer_referent"
    REQUEST_TRANSFER_TERRITORY = "orientation.request.transfer_territory"
    REQUEST_REMIND = "orientation.request.remind"
    # Commissions
    COMMISSION_CREATE = "orientation.commission.create"
    COMMISSION_LINE_ADD = "orientation.commission.line_add"
    COMMISSION_PREPARE = "orientation.commission.prepare"
    COMMISSION_LINE_REMOVE = "orientation.commission.line_remove"
    COMMISSION_DECIDE = "orientation.commission.decide"
    COMMISSION_CLOSE = "orientation.commission.close"
    # Proposals
    PROPOSAL_CREATE = "orientation.proposal.create"
    PROPOSAL_ACCEPT = "orientation.proposal.accept"
    PROPOSAL_REFUSE = "orientation.proposal.refuse"
    PROPOSAL_ADMIT = "orientation.proposal.admit"
    PROPOSAL_EXIT = "orientation.proposal.exit"
    PROPOSAL_WITHDRAW = "orientation.proposal.withdraw"
    PROPOSAL_REMIND = "orientation.proposal.remind"
    # Partner links
    PARTNER_LINK_CREATE = "orientation.partner_link.create"
    PARTNER_LINK_ANSWER = "orientation.partner_link.answer"
    PARTNER_LINK_VIEW = "orientation.partner_link.view"
