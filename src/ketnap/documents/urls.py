"""Document downloads (stub until the documents are built)."""

urlpatterns: list = []
