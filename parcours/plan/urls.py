from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("objectifs/<int:objective_id>/nouvelle-action/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("indicateurs/<int:indicator_id>/valeur/", views.value_add, name="value_add"),
    path("rapport/<str:kind>/", views.report, name="report"),
]
