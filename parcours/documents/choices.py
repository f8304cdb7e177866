from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité ou passeport")
    RESIDENCE_PERMIT = "residence_permit", _("Titre de séjour")
    RESIDENCE_RECEIPT = "residence_receipt", _("Récépissé de demande de titre de séjour")
    TAX_NOTICE = "tax_notice", _("Avis d'imposition ou de non-imposition")
    CAF_CERTIFICATE = "caf_certificate", _("Attestation CAF (allocations familiales)")
    PAYSLIP = "payslip", _("Bulletin de salaire")
    DALO_DECISION = "dalo_decision", _("Décision DALO (droit au logement opposable)")
    HEALTH_INSURANCE = "health_insurance", _("Attestation d'assurance maladie")
    HOUSING_REQUEST = "housing_request", _("Demande de logement social (attestation)")
    RENT_RECEIPT = "rent_receipt", _("Quittance de loyer")
    OTHER = "other", _("Autre document")
