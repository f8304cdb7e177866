from django.urls import path

from . import sections, team_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in_phone, name="sign_in"),
    path("connexion/code/", views.sign_in_code, name="sign_in_code"),
    path("connexion/code-imprime/", views.sign_in_printed, name="sign_in_printed"),
    path("deconnexion/", views.sign_out_view, name="sign_out"),
    path("accords/", views.consents, name="consents"),
    path("qui-a-lu/", views.access_log, name="access_log"),
    path("votre-avis/", views.feedback, name="feedback"),
    path("ma-copie/", views.export, name="export"),
    # The professionals' side (staff login): a household's accesses, printed codes, opinions.
    path("equipe/menage/<int:household_id>/", team_views.household_accesses, name="team_household"),
    path("equipe/acces/<int:access_id>/code-imprime/", team_views.printed_code, name="team_printed_code"),
    path("equipe/acces/<int:access_id>/revoquer/", team_views.revoke, name="team_revoke"),
    path("equipe/avis/", team_views.feedback_list, name="feedback_list"),
    path("equipe/avis/<int:pk>/", team_views.feedback_detail, name="feedback_detail"),
]
urlpatterns += [path(route, view, name=name) for route, view, name in sections.pages()]
