from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "kunskapsnav.lib"
    label = "kunskapsnav_lib"
    verbose_name = "Kunskapsnav lib"

    def ready(self):
        from kunskapsnav.lib import pagecache

        pagecache.watch_writes()
