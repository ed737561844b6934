from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "ketnap.stats"
    verbose_name = "Chỉ tiêu và thống kê"

    def ready(self):
        from ketnap.registry.signals import counts_changed
        from ketnap.stats import figures

        counts_changed.connect(figures.follow, dispatch_uid="ketnap-stats-figures")
