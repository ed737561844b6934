from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ketnap.audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        from ketnap.audit import recorder

        recorder.connect()
