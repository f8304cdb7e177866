"""The person's appointment pages, mounted under /mon-espace/rendez-vous/ (config/urls.py)."""

from django.urls import path

from . import portal_views

app_name = "portal_appointments"

urlpatterns = [
    path("", portal_views.appointment_list, name="list"),
    path("<int:pk>/", portal_views.appointment_detail, name="detail"),
    path("<int:pk>/calendrier.ics", portal_views.appointment_ics, name="ics"),
]
