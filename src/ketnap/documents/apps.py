from django.apps import AppConfig
from django.db.models.signals import post_delete


def _forget_documents(sender, instance, **kwargs):
    """A candidate's record deleted (admin, or a test's reset): their cached documents go with it."""
    from ketnap.documents import cache

    cache.forget_candidate(instance.pk)


class DocumentsConfig(AppConfig):
    name = "ketnap.documents"
    verbose_name = "Văn bản, biểu mẫu"

    def ready(self):
        post_delete.connect(_forget_documents, sender="pipeline.Candidate", dispatch_uid="ketnap-documents-cache")
