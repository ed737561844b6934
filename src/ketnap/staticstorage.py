"""Static files storage: whitenoise's compressed storage, gzip only.

Brotli (installed as a WeasyPrint dependency) made every `ketnap serve` start spend ~20 s compressing the static files
(the API docs' Swagger bundle above all); on a hospital LAN gzip's ratio is plenty and takes about a second.
"""

from whitenoise.storage import CompressedStaticFilesStorage


class StaticStorage(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs):
        kwargs["use_brotli"] = False
        return super().create_compressor(**kwargs)
