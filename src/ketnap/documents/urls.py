"""Documents: per-candidate forms (.docx / .pdf; 3-KNĐ: ?gioi-thieu=<introduction pk>), lists (.docx / .pdf) and
batch zips. Every candidate goes through Scope.candidates()."""

from django.urls import path

from ketnap.documents import views

urlpatterns = [
    path("van-ban/hang-loat/", views.batches, name="documents_batches"),
    path("van-ban/danh-sach/<slug:form>.docx", views.list_docx, name="documents_list_docx"),
    path("van-ban/danh-sach/<slug:form>.pdf", views.list_pdf, name="documents_list_pdf"),
    path("van-ban/hang-loat/<slug:form>.zip", views.batch_zip, name="documents_batch_zip"),
    path("ung-vien/<int:candidate_pk>/van-ban/<slug:form>.docx", views.candidate_docx, name="documents_docx"),
    path("ung-vien/<int:candidate_pk>/van-ban/<slug:form>.pdf", views.candidate_pdf, name="documents_pdf"),
]
