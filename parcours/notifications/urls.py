from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("non-remis/", views.failures, name="failures"),
    path("non-remis/<int:pk>/vu/", views.failure_seen, name="failure_seen"),
    path("acces/<int:pk>/", views.access_preferences, name="access"),
]
