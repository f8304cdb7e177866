"""Pages of a household's shared assessment, under /menages/<id>/evaluations/."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/<str:perspective>/", views.create, name="create"),
    path("nouvelle/<str:perspective>/brouillon/", views.autosave, name="autosave"),
    path("nouvelle/<str:perspective>/brouillon/abandon/", views.draft_discard, name="draft_discard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("comparer/", views.compare, name="compare"),
    path("fiche-de-liaison/", views.liaison, name="liaison"),
]
