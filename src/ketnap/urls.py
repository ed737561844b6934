from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("ketnap.web.urls")),
]
