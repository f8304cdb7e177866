from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.index, name="index"),
    path("rencontres/nouvelle/", views.encounter_new, name="encounter_new"),
    path("rencontres/envoyer/", views.offline_replay, name="offline_replay"),
    path("hors-ligne/jeton.json", views.offline_token, name="offline_token"),
    path("rencontres/<int:pk>/", views.encounter_detail, name="encounter"),
    path("rencontres/<int:pk>/115/", views.encounter_115, name="encounter_115"),
    path("tournees/nouvelle/", views.round_new, name="round_new"),
    path("tournees/<int:pk>/", views.round_detail, name="round"),
    path("signalements/", views.reports, name="reports"),
    path("signalements/<int:pk>/", views.report_detail, name="report"),
]
