"""The person's papers in "Mon espace": the list, a download, and adding a photo from the phone."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours.core.errors import Invalid, NotFound, add_to_form
from parcours.portal.auth import person_required

from . import services
from .forms import PersonUploadForm
from .models import Document
from .views import download_response, unreadable_response


@person_required
def my_documents(request):
    access = request.portal_access
    form = PersonUploadForm()
    if request.method == "POST":
        form = PersonUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload(
                    household=access.household,
                    uploaded=form.cleaned_data["file"],
                    details=services.Details(
                        kind=form.cleaned_data["kind"],
                        expires_on=form.cleaned_data["expires_on"],
                        person_id=access.person_id,
                    ),
                    access=access,
                )
            except Invalid as exc:
                add_to_form(form, exc, on_fields=True)
            else:
                messages.success(request, _("Merci. Votre papier est bien enregistré. Il est protégé."))
                return redirect("my_documents:list")
    papers = Document.objects.of_person_space(access).select_related("person").order_by("-created_at", "-pk")
    return render(
        request,
        "documents/portal_list.html",
        {"access": access, "documents": papers, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@person_required
def my_download(request, document_id):
    access = request.portal_access
    document = Document.objects.of_person_space(access).filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    try:
        content = services.read_content(document=document, access=access, purpose="portal_download")
    except services.DocumentUnreadable as exc:
        return unreadable_response(request, exc, template="documents/portal_unreadable.html")
    return download_response(document, content)
