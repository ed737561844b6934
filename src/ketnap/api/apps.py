from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ketnap.api"
    verbose_name = "API"
