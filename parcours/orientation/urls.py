from django.urls import path

from . import commission_views, proposal_views, views

app_name = "orientation"

urlpatterns = [
    path("demandes/", views.request_list, name="list"),
    path("demandes/<int:pk>/", views.request_detail, name="detail"),
    path("demandes/<int:pk>/actualiser/", views.request_renew, name="renew"),
    path("demandes/<int:pk>/transfert-referent/", views.request_transfer_referent, name="transfer_referent"),
    path("demandes/<int:pk>/referents/", views.request_referent_search, name="referent_search"),
    path(
        "demandes/<int:pk>/transfert-departement/",
        views.request_transfer_territory,
        name="transfer_territory",
    ),
    # After the named actions above: `<str:action>` would take their paths (it did: the transfers and the
    # renewal answered 404 from the page, issue 18).
    path("demandes/<int:pk>/<str:action>/", views.request_transition, name="transition"),
    path("menages/<int:household_id>/nouvelle-demande/", views.request_create, name="create"),
    path("propositions/", proposal_views.proposal_list, name="proposals"),
    path("propositions/<int:pk>/", proposal_views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/reponse/", proposal_views.proposal_decide, name="proposal_decide"),
    path("propositions/<int:pk>/entree/", proposal_views.proposal_admit, name="proposal_admit"),
    path("propositions/<int:pk>/sortie/", proposal_views.proposal_exit, name="proposal_exit"),
    path("propositions/<int:pk>/retrait/", proposal_views.proposal_withdraw, name="proposal_withdraw"),
    path(
        "propositions/<int:pk>/lien-partenaire/", proposal_views.partner_link_send, name="partner_link_send"
    ),
    path("vacances/<int:vacancy_id>/proposer/", proposal_views.propose, name="propose"),
    path("partenaire/<str:token>/", proposal_views.partner_page, name="partner"),
    path("commissions/", commission_views.commission_list, name="commissions"),
    path("commissions/<int:pk>/", commission_views.commission_detail, name="commission"),
    path("commissions/<int:pk>/preparer/", commission_views.commission_prepare, name="commission_prepare"),
    path("commissions/<int:pk>/cloturer/", commission_views.commission_close, name="commission_close"),
    path("commissions/<int:pk>/compte-rendu/", commission_views.commission_minutes, name="minutes"),
    path(
        "commissions/<int:pk>/lignes/<int:line_id>/decision/",
        commission_views.line_decide,
        name="line_decide",
    ),
    path(
        "commissions/<int:pk>/lignes/<int:line_id>/retirer/",
        commission_views.line_remove,
        name="line_remove",
    ),
]
