from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "ketnap.pipeline"
    verbose_name = "Phát triển đảng viên"

    def ready(self) -> None:
        from ketnap.pipeline import calendar

        calendar.connect()
