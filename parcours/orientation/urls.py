from django.urls import path

from . import views

app_name = "orientation"

urlpatterns = [
    path("demandes/", views.request_list, name="list"),
    path("demandes/<int:pk>/", views.request_detail, name="detail"),
    path("demandes/<int:pk>/<str:action>/", views.request_transition, name="transition"),
    path("menages/<int:household_id>/nouvelle-demande/", views.request_create, name="create"),
]
