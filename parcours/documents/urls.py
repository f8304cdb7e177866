from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.documents, name="list"),
    path("<int:document_id>/telecharger/", views.download, name="download"),
    path("<int:document_id>/modifier/", views.edit, name="edit"),
    path("<int:document_id>/supprimer/", views.delete, name="delete"),
]
