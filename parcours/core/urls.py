from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/<int:pk>/", views.organization_detail, name="organization_detail"),
]
