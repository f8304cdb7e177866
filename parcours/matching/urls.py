from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("vacances/", views.vacancy_list, name="vacancies"),
    path("vacances/<int:vacancy_id>/candidats/", views.candidates, name="candidates"),
    path("affectation/", views.assignment, name="assignment"),
    path("simulation/", views.simulation, name="simulation"),
    path("demandes/<int:request_id>/elements/", views.request_facts, name="request_facts"),
]
