from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "ketnap.stats"
    verbose_name = "Chỉ tiêu và thống kê"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from ketnap.pipeline.models import Candidate, Step
        from ketnap.registry.models import PartyMembership, Person
        from ketnap.registry.signals import counts_changed, people_edited
        from ketnap.stats import figures

        counts_changed.connect(figures.follow, dispatch_uid="ketnap-stats-figures")
        # today's pool profile follows every save of a person (stats.figures.follow_person)
        post_save.connect(figures.follow_person, sender=Person, dispatch_uid="ketnap-stats-person")
        # the counts kept per organisation follow edits of people and memberships (stats.kept_counts)
        post_save.connect(figures.follow_membership, sender=PartyMembership, dispatch_uid="ketnap-stats-membership")
        people_edited.connect(figures.follow_people, dispatch_uid="ketnap-stats-people")
        # the candidates' stays follow every save of a step or a candidate (stats.figures.follow_candidate)
        for model in (Candidate, Step):
            for signal in (post_save, post_delete):
                signal.connect(figures.follow_candidate, sender=model, dispatch_uid=f"ketnap-stays-{model.__name__}")
        # an upgrade may count differently: what was kept before it is not used again (stats.kept_counts)
        post_migrate.connect(_forget_kept_counts, sender=self, dispatch_uid="ketnap-stats-kept-counts")


def _forget_kept_counts(using, **kwargs) -> None:
    from django.db import connections

    from ketnap.stats.models import KeptCounts

    if KeptCounts._meta.db_table in connections[using].introspection.table_names():
        KeptCounts.objects.using(using).all().delete()
