from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

from ketnap import envconfig


class OpsConfig(AppConfig):
    name = "ketnap.ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        """Ketnap's start (every `ketnap` command, the WSGI server, the tests): the data directory as the settings name
        it. The database and the keys live there; whitenoise warns about a missing STATIC_ROOT; the secret key is
        generated on the first start, so that a backup taken before anyone logged in has it."""
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(exist_ok=True)
        envconfig.secret_key(data_dir)
