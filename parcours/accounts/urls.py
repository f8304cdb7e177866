from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("mot-de-passe/oubli/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"
    ),
    path("mot-de-passe/change/", views.password_reset_complete, name="password_reset_complete"),
    path("double-authentification/activer/", views.two_factor_setup, name="two_factor_setup"),
    path("double-authentification/verifier/", views.two_factor_verify, name="two_factor_verify"),
    path("double-authentification/codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path(
        "double-authentification/codes-de-secours/renouveler/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("rattachement/", views.switch_membership, name="switch_membership"),
    path("", views.account, name="account"),
    path("jetons/", views.token_create, name="token_create"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
]
