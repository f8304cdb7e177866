from django.urls import path

from . import views

app_name = "emergency"

urlpatterns = [
    path("", views.board_page, name="board"),
    path("appels/nouveau/", views.call_create, name="call"),
    path("appels/priorite-suggeree/", views.priority_preview, name="priority_preview"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
    path("demandes/<int:pk>/attribuer/", views.request_allocate, name="allocate"),
    path("demandes/<int:pk>/non-pourvue/", views.request_unmet, name="unmet"),
    path("demandes/<int:pk>/priorite/", views.request_priority, name="priority"),
    path("demandes/<int:pk>/annuler/", views.request_cancel, name="cancel"),
    path("nuitees/<int:pk>/<str:action>/", views.allocation_action, name="allocation_action"),
    path("structures/<int:facility_id>/places-libres/", views.declare_places, name="declare"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("hors-ligne/", views.offline_page, name="offline"),
    path("hors-ligne/tableau.json", views.offline_snapshot, name="offline_snapshot"),
    path("hors-ligne/envoyer/", views.offline_replay, name="offline_replay"),
]
