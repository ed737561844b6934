"""Lớp bồi dưỡng (issue #15): the office opens a class, sends the sympathisers, and brings back the results for the
whole class on one page — a passed awareness course is the candidate's certificate (the 60 months start), each
person recorded alone."""

import datetime as dt

from ketnap.pipeline import domain
from ketnap.pipeline.enums import DocumentKind, Stage
from ketnap.pipeline.models import CourseClass, CourseSeat
from ketnap.registry.services.dates import today


def _open_class(client, world, kind="awareness"):
    response = client.post(
        "/lop-boi-duong/",
        {
            "organization": world.hospital_a.pk,
            "kind": kind,
            "name": "Khóa 3 năm 2026",
            "organizer": "Trung tâm Chính trị thành phố Hạ Long",
            "starts_on": "02/03/2026",
            "ends_on": "06/03/2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CourseClass.objects.get()


def test_a_class_from_nomination_to_certificates(client, world, personas, pipeline_world, cell):
    office = personas.office_a
    bình, khoa = pipeline_world.bình, pipeline_world.khoa
    for candidate in (bình, khoa):
        domain.transition(candidate, "sympathise", actor=office, data={"on": dt.date(2024, 2, 5), "helpers": cell[:1]})
    client.force_login(office)
    course = _open_class(client, world)
    url = f"/lop-boi-duong/{course.pk}/"
    page = client.get(url).content.decode()
    assert "Trần Thị Bình" in page and "Đặng Văn Khoa" in page  # the sympathisers of hospital A
    assert "Võ Thị Yến" not in page  # hospital B's
    assert client.post(url, {"action": "nominate", "ids": [bình.pk, khoa.pk]}).status_code == 302
    seats = {s.candidate_id: s for s in CourseSeat.objects.all()}
    assert set(seats) == {bình.pk, khoa.pk}
    # the results: Bình passed (certificate 15/03/2026, no. 112), Khoa passed but the number is missing
    response = client.post(
        url,
        {
            "action": "results",
            f"kq_{seats[bình.pk].pk}": "passed",
            f"so_{seats[bình.pk].pk}": "112/CN-TTCT",
            f"ngay_{seats[bình.pk].pk}": "15/03/2026",
            f"kq_{seats[khoa.pk].pk}": "passed",
            f"ngay_{seats[khoa.pk].pk}": "15/03/2026",
        },
    )
    body = response.content.decode()
    bình.refresh_from_db()
    khoa.refresh_from_db()
    assert bình.stage == Stage.DOSSIER and bình.documents.filter(kind=DocumentKind.CERTIFICATE).exists()
    assert bình.steps.get(kind="certificate").document_number == "112/CN-TTCT"
    assert bình.due_on == dt.date(
        2031, 3, 15
    )  # the certificate's 60 months (HD 06-HD/TW điểm 5.4), kept as its deadline
    assert "hết giá trị từ ngày 15/03/2031" in body  # the rule's reading: expired on that day itself
    assert khoa.stage == Stage.SYMPATHISER and "Đặng Văn Khoa</strong>: chưa ghi" in body
    assert "cần số và ngày cấp giấy chứng nhận" in body
    # nobody is sent twice while their result is awaited; Bình, with her certificate, is no longer for this course
    page = client.get(url).content.decode()
    assert f'name="ids" value="{bình.pk}"' not in page and f'name="ids" value="{khoa.pk}"' not in page


def test_the_new_members_course_files_its_certificate_for_the_recognition(client, world, personas, meeting):
    bình = meeting["Trần Thị Bình"]
    bình.documents.filter(kind=DocumentKind.NEW_MEMBER_COURSE).delete()
    client.force_login(personas.office_a)
    course = _open_class(client, world, kind="new_member")
    url = f"/lop-boi-duong/{course.pk}/"
    assert client.post(url, {"action": "nominate", "ids": [bình.pk]}).status_code == 302
    seat = CourseSeat.objects.get()
    client.post(
        url, {"action": "results", f"kq_{seat.pk}": "passed", f"so_{seat.pk}": "7", f"ngay_{seat.pk}": "20/03/2026"}
    )
    assert bình.documents.filter(kind=DocumentKind.NEW_MEMBER_COURSE, received_on=dt.date(2026, 3, 20)).exists()


def test_classes_are_the_offices_and_a_wrong_date_is_named(client, world, personas, pipeline_world, cell):
    client.force_login(personas.office_a)
    body = client.post(
        "/lop-boi-duong/",
        {
            "organization": world.hospital_a.pk,
            "kind": "awareness",
            "name": "K",
            "organizer": "TTCT",
            "starts_on": "06/03/2026",
            "ends_on": "02/03/2026",
        },
    ).content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in body and not CourseClass.objects.exists()
    client.force_login(personas.overseer)
    assert client.get("/lop-boi-duong/").status_code == 403
    client.force_login(personas.secretary_b1)
    course = CourseClass.objects.create(
        organization=world.hospital_a, kind="awareness", name="K", organizer="T", starts_on=today(), ends_on=today()
    )
    assert client.get(f"/lop-boi-duong/{course.pk}/").status_code == 404


def test_a_secretary_sees_the_committees_class_and_only_the_chi_bos_own_people_in_it(
    client, world, personas, pipeline_world, cell
):
    office = personas.office_a
    for candidate in (pipeline_world.bình, pipeline_world.khoa):  # Bình in A1, Khoa in A2
        domain.transition(candidate, "sympathise", actor=office, data={"on": dt.date(2024, 2, 5), "helpers": cell[:1]})
    client.force_login(office)
    course = _open_class(client, world)
    client.post(
        f"/lop-boi-duong/{course.pk}/", {"action": "nominate", "ids": [pipeline_world.bình.pk, pipeline_world.khoa.pk]}
    )
    client.force_login(personas.secretary_a1)
    assert "Khóa 3 năm 2026" in client.get("/lop-boi-duong/").content.decode()
    page = client.get(f"/lop-boi-duong/{course.pk}/").content.decode()
    assert "Trần Thị Bình" in page and "Đặng Văn Khoa" not in page  # A2's sympathiser is not the A1 secretary's
    assert 'name="action" value="nominate"' not in page  # the đảng ủy's class: its office sends people, not the chi bộ
