from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "parcours.documents"
    label = "documents"
    verbose_name = "Documents (coffre-fort)"

    def ready(self):
        # Registries: the person's space, retention, the right-of-access export, the home work list,
        # and the start-up checks of the keys and the storage.
        from . import checks, export, home, portal, retention  # noqa: F401
