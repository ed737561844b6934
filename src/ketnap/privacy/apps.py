from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "ketnap.privacy"
    verbose_name = "Dữ liệu cá nhân"
