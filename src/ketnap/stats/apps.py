from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "ketnap.stats"
    verbose_name = "Chỉ tiêu và thống kê"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from ketnap.pipeline.models import Candidate, Step
        from ketnap.registry.models import Person
        from ketnap.registry.signals import counts_changed
        from ketnap.stats import figures

        counts_changed.connect(figures.follow, dispatch_uid="ketnap-stats-figures")
        # today's pool profile follows every save of a person (stats.figures.follow_person)
        post_save.connect(figures.follow_person, sender=Person, dispatch_uid="ketnap-stats-person")
        # the candidates' stays follow every save of a step or a candidate (stats.figures.follow_candidate)
        for model in (Candidate, Step):
            for signal in (post_save, post_delete):
                signal.connect(figures.follow_candidate, sender=model, dispatch_uid=f"ketnap-stays-{model.__name__}")
