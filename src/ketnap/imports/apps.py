from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ketnap.imports"
    verbose_name = "Nhập dữ liệu từ Excel"
