from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "ketnap.stats"
    verbose_name = "Chỉ tiêu và thống kê"
