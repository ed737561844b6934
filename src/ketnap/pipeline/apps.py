from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "ketnap.pipeline"
    verbose_name = "Phát triển đảng viên"

    def ready(self) -> None:
        from ketnap.pipeline import calendar, domain, due
        from ketnap.registry.signals import organization_succeeded, person_moved

        calendar.connect()
        due.connect()  # after calendar.connect(): the cached calendar is forgotten before deadlines are recounted
        organization_succeeded.connect(domain.follow_succession, dispatch_uid="ketnap-pipeline-succession")
        person_moved.connect(domain.follow_person, dispatch_uid="ketnap-pipeline-person-moved")
