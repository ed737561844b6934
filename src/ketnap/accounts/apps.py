from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ketnap.accounts"
    verbose_name = "Người dùng và vai trò"
