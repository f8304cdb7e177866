from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcours.core"
    verbose_name = "Parcours — socle"

    def ready(self):
        from . import checks, retention, sql_lookups  # noqa: F401  (registers the system checks, `any_of`)

        retention._register_core()

        from . import pg_loaders

        pg_loaders.connect()

        from django.apps import apps

        from . import choice_labels

        choice_labels.install(apps.get_models())
