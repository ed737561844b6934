"""Roster import pages (the command line has the same: `ketnap import staff|members`)."""

from django.urls import path

from ketnap.imports import views

urlpatterns = [
    path("to-chuc/<str:code>/nhap-danh-sach/", views.upload, name="import_upload"),
    path("to-chuc/<str:code>/nhap-danh-sach/mau.xlsx", views.template, name="import_template"),
    # a check or import running in the background: its page, then its progress as JSON (token: the job's)
    path("to-chuc/<str:code>/nhap-danh-sach/tien-do/<str:token>/", views.job, name="import_job"),
    path(
        "to-chuc/<str:code>/nhap-danh-sach/tien-do/<str:token>/trang-thai/", views.job_status, name="import_job_status"
    ),
    path("to-chuc/<str:code>/nhap-danh-sach/tien-do/<str:token>/loi.xlsx", views.job_errors, name="import_job_errors"),
]
