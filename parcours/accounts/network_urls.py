from django.urls import path

from . import network_views as views

app_name = "network"

urlpatterns = [
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/nouvelle/", views.organization_create, name="organization_create"),
    path("organisations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organisations/<int:pk>/modifier/", views.organization_edit, name="organization_edit"),
    path("organisations/<int:pk>/membres/ajouter/", views.member_add, name="member_add"),
    path("rattachements/<int:pk>/retirer/", views.membership_revoke, name="membership_revoke"),
    path("rattachements/<int:pk>/approuver/", views.membership_approve, name="membership_approve"),
    path("rattachements/<int:pk>/refuser/", views.membership_refuse, name="membership_refuse"),
    path("comptes/<int:pk>/activation/", views.user_set_active, name="user_set_active"),
    path("comptes/<int:pk>/double-authentification/", views.two_factor_reset, name="two_factor_reset"),
]
