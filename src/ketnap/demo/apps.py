from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ketnap.demo"
    verbose_name = "Dữ liệu mẫu"
