from django.contrib.auth import views as auth_views
from django.urls import include, path

from ketnap.web import feeds, pipeline_views, views

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("to-chuc/<str:code>/", views.org_detail, name="org_detail"),
    path("to-chuc/<str:code>/doi-ten/", views.org_rename, name="org_rename"),
    path("to-chuc/<str:code>/chuyen/", views.org_move, name="org_move"),
    path("to-chuc/<str:code>/tham-quyen/", views.org_powers, name="org_powers"),
    path("to-chuc/<str:code>/thanh-lap/", views.org_add_child, name="org_add_child"),
    path("to-chuc/<str:code>/hop-nhat/", views.org_merge, name="org_merge"),
    path("to-chuc/<str:code>/chia-tach/", views.org_split, name="org_split"),
    path("to-chuc/<str:code>/giai-the/", views.org_dissolve, name="org_dissolve"),
    path("to-chuc/<str:code>/giao-khoa-phong/", views.org_assign_unit, name="org_assign_unit"),
    path("nhan-su/", views.person_list, name="person_list"),
    path("nhan-su/them/", views.person_create, name="person_create"),
    path("nhan-su/<int:pk>/", views.person_detail, name="person_detail"),
    path("nhan-su/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("nhan-su/<int:pk>/luu-tru/", views.person_archive, name="person_archive"),
    path("nhan-su/<int:pk>/chuyen-khoa/", views.person_move_unit, name="person_move_unit"),
    path("nhan-su/<int:pk>/dang-vien/", views.membership_register, name="membership_register"),
    path("dang-vien/<int:membership_pk>/bien-dong/", views.membership_change, name="membership_change"),
    path("ung-vien/", pipeline_views.board, name="pipeline_board"),
    path("viec-can-lam/", pipeline_views.due_list, name="due_list"),
    path("lich-viec/", feeds.feed_link, name="feed_link"),
    path("lich-viec/<slug:token>.ics", feeds.feed, name="feed"),
    path("nhan-su/<int:pk>/quan-chung-uu-tu/", pipeline_views.candidate_create, name="candidate_create"),
    path("ung-vien/hang-loat/<slug:name>/", pipeline_views.batch_step, name="batch_step"),
    path("ung-vien/<int:candidate_pk>/", pipeline_views.candidate_detail, name="candidate_detail"),
    path("ung-vien/<int:candidate_pk>/buoc/<slug:name>/", pipeline_views.candidate_step, name="candidate_step"),
    path("ung-vien/<int:candidate_pk>/giay-to/", pipeline_views.candidate_document, name="candidate_document"),
    path("ung-vien/<int:candidate_pk>/giay-to/<int:doc_pk>/", pipeline_views.candidate_scan, name="candidate_scan"),
    path(
        "ung-vien/<int:candidate_pk>/gioi-thieu/", pipeline_views.candidate_introduction, name="candidate_introduction"
    ),
    path("ung-vien/<int:candidate_pk>/nhan-xet/", pipeline_views.candidate_note, name="candidate_note"),
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:unit_pk>/doi-ten/", views.unit_rename, name="unit_rename"),
    path("don-vi/<int:unit_pk>/them-khoa-phong/", views.unit_add_department, name="unit_add_department"),
]
