from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ketnap.registry"
    verbose_name = "Tổ chức, đơn vị và nhân sự"
