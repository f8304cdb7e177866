from django.urls import path

from . import views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("structures/nouvelle/", views.facility_create, name="facility_create"),
    path("structures/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("structures/<int:pk>/modifier/", views.facility_edit, name="facility_edit"),
    path("structures/<int:pk>/places/nouvelle/", views.unit_create, name="unit_create"),
    path("places/<int:pk>/modifier/", views.unit_edit, name="unit_edit"),
    path("places/<int:pk>/vacance/", views.vacancy_declare, name="vacancy_declare"),
    path("vacances/<int:pk>/retrait/", views.vacancy_withdraw, name="vacancy_withdraw"),
]
