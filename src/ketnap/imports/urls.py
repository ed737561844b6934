"""Roster import pages (the command line has the same: `ketnap import staff|members`)."""

from django.urls import path

from ketnap.imports import views

urlpatterns = [
    path("to-chuc/<str:code>/nhap-danh-sach/", views.upload, name="import_upload"),
]
