"""What the person sees of their papers on the home page of "Mon espace" and in GET /api/v1/portal/me
(registry: parcours.portal.sections)."""

from django.utils.translation import gettext_lazy as _

from parcours.portal import sections

from .models import Document


def _documents(access):
    return list(
        Document.objects.of_person_space(access).select_related("person").order_by("-created_at", "-pk")
    )


def _api(access):
    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "kind_label": str(d.get_kind_display()),
            "label": d.label,
            "person": d.person_id,
            "expires_on": d.expires_on.isoformat() if d.expires_on else None,
            "content_type": d.content_type,
            "size": d.size,
            "created_at": d.created_at.isoformat(),
            "added_by_me": d.uploaded_by_person_id is not None and d.uploaded_by_person_id == access.pk,
        }
        for d in _documents(access)
    ]


@sections.register(
    key="documents", title=_("Mes papiers"), template="documents/portal_section.html", order=50, api=_api
)
def documents_section(access):
    return {"documents": _documents(access)[:5], "count": Document.objects.of_person_space(access).count()}
