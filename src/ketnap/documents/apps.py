from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ketnap.documents"
    verbose_name = "Văn bản, biểu mẫu"
