from django.apps import AppConfig

from .audit_actions import AccountAction


class AccountsConfig(AppConfig):
    name = "parcours.accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from parcours.core import audit

        from . import access, home, menu, retention  # noqa: F401  (home page panels, main menu, retention classification)

        access.connect()  # a change of membership or organization is seen at the next request

        # Django's own login and logout hooks: the only place every way of logging in goes through.
        def on_login(sender, request, user, **kwargs):
            audit.record_auth(actor=user, action=AccountAction.LOGIN)

        def on_logout(sender, request, user, **kwargs):
            if user is not None:
                audit.record_auth(actor=user, action=AccountAction.LOGOUT)

        user_logged_in.connect(on_login, weak=False, dispatch_uid="parcours_audit_login")
        user_logged_out.connect(on_logout, weak=False, dispatch_uid="parcours_audit_logout")
