"""Every HTML screen's address. Rule: the screens of every domain live in ketnap.web (views/ and forms/, a module per
domain); the domain apps hold data and logic only. The JSON API is the one other interface and keeps its own app
(ketnap.api)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from ketnap.web.views import (
    accounts,
    audit,
    courses,
    documents,
    feeds,
    guide,
    imports,
    mine,
    national_db,
    personal_data,
    pipeline,
    privacy,
    registry,
    search,
    stats,
    targets,
)

JOB = "to-chuc/<str:code>/nhap-danh-sach/tien-do/<str:token>/"  # a background check or import

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", accounts.PasswordChange.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", registry.home, name="home"),
    path("huong-dan/", guide.guide, name="guide"),
    path("cua-toi/", mine.mine, name="mine"),  # issue #15: a member's own page (people they help, their own road)
    path("cua-toi/nhan-xet/<int:candidate_pk>/", mine.mine_note, name="mine_note"),  # how do I … (per role)
    path("bao-mat/", personal_data.privacy_notice, name="privacy_notice"),  # issue #13: anyone, before login too
    path("tim-kiem/", search.search, name="search"),
    path("to-chuc/<str:code>/", registry.org_detail, name="org_detail"),
    path("to-chuc/<str:code>/doi-ten/", registry.org_rename, name="org_rename"),
    path("to-chuc/<str:code>/chuyen/", registry.org_move, name="org_move"),
    path("to-chuc/<str:code>/tham-quyen/", registry.org_powers, name="org_powers"),
    path("to-chuc/<str:code>/thanh-lap/", registry.org_add_child, name="org_add_child"),
    path("to-chuc/<str:code>/hop-nhat/", registry.org_merge, name="org_merge"),
    path("to-chuc/<str:code>/chia-tach/", registry.org_split, name="org_split"),
    path("to-chuc/<str:code>/giai-the/", registry.org_dissolve, name="org_dissolve"),
    path("to-chuc/<str:code>/giao-khoa-phong/", registry.org_assign_unit, name="org_assign_unit"),
    path("to-chuc/<str:code>/ke-hoach-nhan-xet/", pipeline.note_plan, name="note_plan"),
    path("to-chuc/<str:code>/hop-chi-bo/", pipeline.cell_meeting, name="cell_meeting"),
    path("to-chuc/<str:code>/ra-soat-nguon/", pipeline.source_review, name="source_review"),
    path("to-chuc/<str:code>/tai-khoan/", accounts.issue_accounts, name="issue_accounts"),
    path("nhan-su/", registry.person_list, name="person_list"),
    path("nhan-su/them/", registry.person_create, name="person_create"),
    path("nhan-su/<int:pk>/", registry.person_detail, name="person_detail"),
    path(
        "nhan-su/<int:pk>/du-lieu-ca-nhan.<str:fmt>", personal_data.subject_export, name="person_subject_export"
    ),  # issue #13: a data subject's request
    path("nhan-su/<int:pk>/sua/", registry.person_edit, name="person_edit"),
    path("nhan-su/<int:pk>/cccd/", privacy.citizen_id_reveal, name="citizen_id_reveal"),  # POST, logged
    path("nhan-su/<int:pk>/luu-tru/", registry.person_archive, name="person_archive"),
    path("nhan-su/<int:pk>/chuyen-khoa/", registry.person_move_unit, name="person_move_unit"),
    path("nhan-su/<int:pk>/dang-vien/", registry.membership_register, name="membership_register"),
    path("dang-vien/<int:membership_pk>/bien-dong/", registry.membership_change, name="membership_change"),
    path("ung-vien/", pipeline.board, name="pipeline_board"),
    path("viec-can-lam/", pipeline.due_list, name="due_list"),
    path("lop-boi-duong/", courses.course_list, name="course_list"),
    path("lop-boi-duong/<int:course_pk>/", courses.course_detail, name="course_detail"),
    path("lich-viec/", feeds.feed_link, name="feed_link"),
    path("lich-viec/<slug:token>.ics", feeds.feed, name="feed"),
    path("nhan-su/<int:pk>/quan-chung-uu-tu/", pipeline.candidate_create, name="candidate_create"),
    path("ung-vien/hang-loat/<slug:name>/", pipeline.batch_step, name="batch_step"),
    path("ung-vien/<int:candidate_pk>/", pipeline.candidate_detail, name="candidate_detail"),
    path("ung-vien/<int:candidate_pk>/dien-dac-biet/", pipeline.candidate_facts, name="candidate_facts"),
    path(
        "ung-vien/<int:candidate_pk>/giay-to/<int:doc_pk>/sua/",
        pipeline.candidate_document_edit,
        name="candidate_document_edit",
    ),
    path("ung-vien/<int:candidate_pk>/buoc/<slug:name>/", pipeline.candidate_step, name="candidate_step"),
    path("ung-vien/<int:candidate_pk>/giay-to/", pipeline.candidate_document, name="candidate_document"),
    path("ung-vien/<int:candidate_pk>/giay-to/<int:doc_pk>/", pipeline.candidate_scan, name="candidate_scan"),
    path("ung-vien/<int:candidate_pk>/gioi-thieu/", pipeline.candidate_introduction, name="candidate_introduction"),
    path("ung-vien/<int:candidate_pk>/nhan-xet/", pipeline.candidate_note, name="candidate_note"),
    path("ung-vien/<int:candidate_pk>/hoi-y-kien/", pipeline.candidate_inquiry, name="candidate_inquiry"),
    path(
        "ung-vien/<int:candidate_pk>/hoi-y-kien/<int:inquiry_pk>/tra-loi/", pipeline.inquiry_reply, name="inquiry_reply"
    ),
    path("ung-vien/<int:candidate_pk>/hoi-y-kien/<int:inquiry_pk>.pdf", pipeline.inquiry_letter, name="inquiry_letter"),
    # targets (chỉ tiêu), statistics and reports
    path("thong-ke/", stats.stats_home, name="stats_home"),
    path("thong-ke/<str:code>/", stats.dashboard, name="stats_dashboard"),
    path("thong-ke/<str:code>/bieu-2/", stats.bieu2, name="stats_bieu2"),
    path("thong-ke/<str:code>/bieu-3/", stats.bieu3, name="stats_bieu3"),
    path("thong-ke/<str:code>/danh-sach/", stats.names, name="stats_names"),
    path("thong-ke/<str:code>/bao-cao-nam/", stats.yearly_report, name="stats_yearly_report"),
    path("to-chuc/<str:code>/csdl-dang-vien/", national_db.national_db_list, name="national_db_list"),
    path("chi-tieu/<str:code>/", targets.overview, name="target_overview"),
    path("chi-tieu/<str:code>/them/", targets.create, name="target_create"),
    path("chi-tieu/<str:code>/phan-bo/", targets.split, name="target_split"),
    path("chi-tieu/<str:code>/da-ket-nap/", targets.admitted_names, name="target_admitted_names"),
    path("chi-tieu/<str:code>/trong-quy-trinh/", targets.pipeline_names, name="target_pipeline_names"),
    path("chi-tieu/sua/<int:target_pk>/", targets.edit, name="target_edit"),
    # documents (KNĐ forms): per candidate (.docx / .pdf; 3-KNĐ: ?gioi-thieu=<introduction pk>), lists, batch zips
    path("van-ban/hang-loat/", documents.batches, name="documents_batches"),
    path("van-ban/danh-sach/<slug:form>.docx", documents.list_docx, name="documents_list_docx"),
    path("van-ban/danh-sach/<slug:form>.pdf", documents.list_pdf, name="documents_list_pdf"),
    path("van-ban/hang-loat/<slug:form>.zip", documents.batch_zip, name="documents_batch_zip"),
    path("ung-vien/<int:candidate_pk>/van-ban/<slug:form>.docx", documents.candidate_docx, name="documents_docx"),
    path("ung-vien/<int:candidate_pk>/van-ban/<slug:form>.pdf", documents.candidate_pdf, name="documents_pdf"),
    # roster import (the command line has the same: `ketnap import …`); a check or import runs in the background
    path("to-chuc/<str:code>/nhap-danh-sach/", imports.upload, name="import_upload"),
    path("to-chuc/<str:code>/nhap-danh-sach/mau.xlsx", imports.template, name="import_template"),
    path(JOB, imports.job, name="import_job"),
    path(JOB + "trang-thai/", imports.job_status, name="import_job_status"),
    path(JOB + "loi.xlsx", imports.job_errors, name="import_job_errors"),
    path("api/", include("ketnap.api.urls")),
    path("don-vi/", registry.unit_list, name="unit_list"),
    path("don-vi/<int:unit_pk>/", registry.unit_detail, name="unit_detail"),
    path("don-vi/<int:unit_pk>/doi-ten/", registry.unit_rename, name="unit_rename"),
    path("don-vi/<int:unit_pk>/doan-the-dia-ban/", registry.unit_facts, name="unit_facts"),
    path("don-vi/<int:unit_pk>/them-khoa-phong/", registry.unit_add_department, name="unit_add_department"),
    # the audit trail as a clerk reads it (offices and admins; see Scope.audit_paths)
    path("nhat-ky/", audit.audit_list, name="audit_list"),
    # who read whose personal data (ketnap.privacy; same readers as Nhật ký)
    path("nhat-ky-truy-cap/", privacy.read_log, name="read_log"),
]
