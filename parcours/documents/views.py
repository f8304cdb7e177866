"""The household's documents page, for workers: list, add, download, correct, delete.

The household is loaded through its own visibility rules, then the documents rule (perms): a user
who may not see the documents gets the same 404 as for a household they may not see.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core.errors import DomainError, Invalid, NotFound, add_to_form, show
from parcours.core.lookup import get_visible_or_404
from parcours.households.display import household_label
from parcours.households.models import Household
from parcours.households.querysets import label_prefetch
from parcours.households.services import record_read

from . import perms, services
from .forms import EditForm, UploadForm
from .models import Document


def household_or_404(request, household_id, message=None) -> Household:
    """The household whose documents the user may see (the page and the API): one they may not see,
    or whose documents they may not, is the same NotFound (with `message`, the API's)."""
    household = get_visible_or_404(
        Household.objects.prefetch_related(*label_prefetch()), household_id, request.user, message=message
    )
    if not perms.can_view_documents(request.user, household):
        raise NotFound(message)
    return household


def _document(request, household, document_id) -> Document:
    document = (
        Document.objects.visible_to(request.user)
        .filter(household=household, pk=document_id)
        .select_related("household", "person")
        .first()
    )
    if document is None:
        raise NotFound()
    return document


def _crumbs(request, household):
    return [
        (_("Ménages"), reverse("households:list")),
        (household_label(request.user, household).text, reverse("households:detail", args=[household.pk])),
        (_("Documents"), None),
    ]


def _details(form) -> services.Details:
    data = form.cleaned_data
    return services.Details(
        kind=data["kind"],
        label=data.get("label", ""),
        expires_on=data["expires_on"],
        person_id=data["person"],
    )


def download_response(document: Document, content: bytes) -> HttpResponse:
    """The file as an attachment, under a neutral name, never cached nor sniffed by the browser."""
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}.{document.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    # Nothing runs, nothing loads, nothing frames it: a served file is only ever saved.
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'none'; frame-ancestors 'none'; sandbox"
    )
    return response


def unreadable_response(request, exc, template="documents/unreadable.html"):
    return render(request, template, {"message": exc.message}, status=exc.http_status)


def documents(request, household_id):
    household = household_or_404(request, household_id)
    can_manage = perms.can_manage_documents(request.user, household)
    form = UploadForm(household=household) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        form = UploadForm(request.POST, request.FILES, household=household)
        if form.is_valid():
            try:
                services.upload(
                    household=household,
                    uploaded=form.cleaned_data["file"],
                    details=_details(form),
                    actor=request.user,
                )
            except Invalid as exc:
                add_to_form(form, exc, on_fields=True)
            else:
                messages.success(request, _("Le document est enregistré, chiffré."))
                return redirect("documents:list", household.pk)
    papers = (
        Document.objects.visible_to(request.user)
        .filter(household=household)
        .select_related("person", "uploaded_by")
        .order_by("-created_at", "-pk")
    )
    record_read(actor=request.user, household=household, sections=["documents"], purpose="documents")
    return render(
        request,
        "documents/list.html",
        {
            "household": household,
            "documents": papers,
            "form": form,
            "can_manage": can_manage,
            "crumbs": _crumbs(request, household),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def download(request, household_id, document_id):
    household = household_or_404(request, household_id)
    document = _document(request, household, document_id)
    try:
        content = services.read_content(document=document, actor=request.user, purpose="download")
    except services.DocumentUnreadable as exc:
        return unreadable_response(request, exc)
    return download_response(document, content)


def edit(request, household_id, document_id):
    household = household_or_404(request, household_id)
    document = _document(request, household, document_id)
    if not perms.can_manage_documents(request.user, household):
        raise NotFound()
    initial = {
        "kind": document.kind,
        "label": document.label,
        "expires_on": document.expires_on,
        "person": document.person_id,
        "version": document.version,
    }
    form = EditForm(request.POST or None, initial=initial, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(
                document=document,
                details=_details(form),
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Le document est modifié."))
            return redirect("documents:list", household.pk)
    record_read(actor=request.user, household=household, sections=["documents"], purpose="documents")
    crumbs = _crumbs(request, household)
    crumbs[-1] = (_("Documents"), reverse("documents:list", args=[household.pk]))
    return render(
        request,
        "documents/edit.html",
        {
            "household": household,
            "document": document,
            "form": form,
            "crumbs": [*crumbs, (_("Modifier"), None)],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def delete(request, household_id, document_id):
    household = household_or_404(request, household_id)
    document = _document(request, household, document_id)
    try:
        services.delete(document=document, actor=request.user)
    except DomainError as exc:
        show(request, exc)
    else:
        messages.success(request, _("Le document est supprimé : son fichier est effacé."))
    return redirect("documents:list", household.pk)
