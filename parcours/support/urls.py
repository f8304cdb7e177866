from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.measure_list, name="measures"),
    path("menages/<int:household_id>/nouvelle-mesure/", views.measure_create, name="measure_new"),
    path("mesures/<int:pk>/", views.measure_detail, name="measure"),
    path("mesures/<int:pk>/<str:action>/", views.measure_action, name="measure_action"),
    path("types/", views.kind_list, name="kinds"),
    path("rendez-vous/", views.appointment_list, name="appointments"),
    path("menages/<int:household_id>/rendez-vous/", views.appointment_create, name="appointment_new"),
    path("rendez-vous/<int:pk>/", views.appointment_detail, name="appointment"),
    path("rendez-vous/<int:pk>/<str:action>/", views.appointment_action, name="appointment_action"),
    path("alertes/", views.alert_list, name="alerts"),
    path("alertes/nouvelle/", views.alert_create, name="alert_new"),
    path("alertes/<int:pk>/", views.alert_detail, name="alert"),
    path("alertes/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("ateliers/", views.workshop_list, name="workshops"),
    path("ateliers/<int:pk>/", views.workshop_detail, name="workshop"),
    path("ateliers/<int:pk>/<str:action>/", views.workshop_action, name="workshop_action"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/<str:action>/", views.programme_action, name="programme_action"),
]
