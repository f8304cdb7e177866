"""The person's notification choices, mounted under /mon-espace/notifications/ (config/urls.py)."""

from django.urls import path

from . import portal_views

app_name = "portal_notifications"

urlpatterns = [path("", portal_views.preferences, name="preferences")]
