"""The person's papers, under /mon-espace/documents/ (config/urls.py)."""

from django.urls import path

from . import portal_views

app_name = "my_documents"

urlpatterns = [
    path("", portal_views.my_documents, name="list"),
    path("<int:document_id>/telecharger/", portal_views.my_download, name="download"),
]
