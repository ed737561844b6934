from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ketnap.web"
    verbose_name = "Giao diện"
