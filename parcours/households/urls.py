from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("nouveau/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/modifier/", views.household_edit, name="edit"),
    path("<int:pk>/composition/", views.composition_edit, name="composition"),
    path("<int:pk>/ressources/", views.money_edit, name="money"),
    path("<int:pk>/consentements/", views.consent_add, name="consent_add"),
    path("<int:pk>/consentements/<int:consent_id>/retrait/", views.consent_revoke, name="consent_revoke"),
    path("<int:pk>/journal/", views.access_log, name="access_log"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/fusion/", views.merge, name="merge"),
    path("<int:pk>/separation/", views.split, name="split"),
    path("<int:pk>/suppression/", views.delete, name="delete"),
]
