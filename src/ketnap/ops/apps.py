from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ketnap.ops"
    verbose_name = "Vận hành"
