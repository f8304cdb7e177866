"""The audit action names of the document vault: every upload, download, change and deletion.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class DocumentAction(AuditAction):
    DOCUMENT_UPLOAD = "documents.document.upload"
    DOCUMENT_DOWNLOAD = "documents.document.download"
    DOCUMENT_UPDATE = "documents.document.update"
    DOCUMENT_DELETE = "documents.document.delete"
    DOCUMENT_REKEY = "documents.document.rekey"
