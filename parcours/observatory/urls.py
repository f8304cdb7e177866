from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("themes/<str:slug>/", views.theme_detail, name="theme"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("indicateurs/<str:code>/export.<str:fmt>", views.indicator_export, name="export"),
    # A figure's key is a code (a status, a kind, a reason, a département): a slug, never a NUL.
    path("indicateurs/<str:code>/dossiers/<slug:key>/", views.drill_down, name="drill"),
    path("donnees-ouvertes/<int:year>-<int:month>.<str:fmt>", views.open_data, name="open_data"),
]
