"""Rà soát nguồn (issue #15): every non-member of a chi bộ's khoa reviewed once a year, the outstanding ones pointed to
the source list, the never-reviewed flagged; one sitting typed on one page, all or nothing."""

import datetime as dt

from ketnap.audit.models import AuditEntry
from ketnap.pipeline import review
from ketnap.pipeline.models import SourceReview
from ketnap.registry.models import Person
from ketnap.registry.services.dates import today
from tests import factories as f


def test_the_chi_bo_reviews_its_non_members_and_the_unreviewed_come_first(client, world, personas):
    client.force_login(personas.secretary_a1)
    url = f"/to-chuc/{world.cell_a1.code}/ra-soat-nguon/"
    page = client.get(url).content.decode()
    assert "Trần Thị Bình" in page and "chưa rà soát" in page
    assert "Nguyễn Văn An" not in page  # a member
    assert "Phạm Thị Xuyến" not in page  # another hospital's
    assert "Nghị quyết 21-NQ/TW" in page  # the basis beside the rule
    response = client.post(
        url, {"on": f"{today():%d/%m/%Y}", f"a_{world.binh.pk}": "outstanding", f"n_{world.binh.pk}": "youth_union"}
    )
    assert response.status_code == 302
    (row,) = SourceReview.objects.all()
    assert (row.person, row.organization, row.assessment, row.nomination) == (
        world.binh,
        world.cell_a1,
        "outstanding",
        "youth_union",
    )
    assert AuditEntry.objects.filter(model="pipeline.SourceReview", person_id=world.binh.pk).exists()
    page = client.get(url).content.decode()
    assert "Ưu tú: đề nghị đưa vào nguồn" in page and "Đoàn giới thiệu đoàn viên ưu tú" in page
    assert f"/nhan-su/{world.binh.pk}/quan-chung-uu-tu/" in page  # one click to put her on the source list


def test_a_review_without_its_reason_or_in_the_future_writes_nothing(client, world, personas):
    other = f.person(world.dept_a1, "Lý Thị Thảo")
    client.force_login(personas.secretary_a1)
    url = f"/to-chuc/{world.cell_a1.code}/ra-soat-nguon/"
    data = {"on": f"{today():%d/%m/%Y}", f"a_{other.pk}": "not_yet", f"a_{world.binh.pk}": "not_eligible"}
    body = client.post(url, data).content.decode()
    assert "Trần Thị Bình: “Không đủ điều kiện” cần ghi lý do." in body
    assert not SourceReview.objects.exists()  # Thảo's row either
    tomorrow = today() + dt.timedelta(days=1)
    body = client.post(url, {"on": f"{tomorrow:%d/%m/%Y}", f"a_{other.pk}": "not_yet"}).content.decode()
    assert "chưa đến" in body and not SourceReview.objects.exists()
    assert "Chưa đánh giá người nào." in client.post(url, {"on": f"{today():%d/%m/%Y}"}).content.decode()


def test_a_review_counts_for_twelve_months(world, personas):
    old = SourceReview.objects.create(
        person=world.binh,
        organization=world.cell_a1,
        reviewed_on=dt.date(2025, 3, 10),
        assessment="not_yet",
        recorded_by=personas.secretary_a1,
    )
    (row,) = [r for r in review.pool(world.cell_a1, dt.date(2026, 3, 9)) if r.person == world.binh]
    assert row.last == old and not row.due
    (row,) = [r for r in review.pool(world.cell_a1, dt.date(2026, 3, 10)) if r.person == world.binh]
    assert row.due
    Person.objects.filter(pk=world.binh.pk).update(left_on=dt.date(2026, 1, 1))  # staff who left are not reviewed
    assert world.binh not in [r.person for r in review.pool(world.cell_a1, dt.date(2026, 3, 10))]


def test_the_review_is_the_chi_bos_and_its_offices(client, world, personas):
    client.force_login(personas.secretary_b1)
    assert client.get(f"/to-chuc/{world.cell_a1.code}/ra-soat-nguon/").status_code == 404
    client.force_login(personas.overseer)
    assert client.get(f"/to-chuc/{world.cell_a1.code}/ra-soat-nguon/").status_code == 404
    client.force_login(personas.office_a)
    page = client.get(f"/to-chuc/{world.hospital_a.code}/ra-soat-nguon/").content.decode()
    assert "Trần Thị Bình" in page and "Phạm Thị Xuyến" not in page


def _source_row(org, day, name: str) -> dict:
    """The statistics' source table (stats.pool.pool_profile), row `name`, by column."""
    from ketnap.stats import pool

    table, _by_profession = pool.pool_profile(org, day)
    keys = [c.key for c in table.columns]
    return next(row for row in (dict(zip(keys, r.values, strict=True)) for r in table.rows) if row["name"] == name)


def test_the_reviews_feed_the_source_statistics_today_and_on_a_past_day(
    world, personas, django_capture_on_commit_callbacks
):
    """The statistics' source table counts, per organisation, the non-members reviewed within the 12 months before the
    day and those found outstanding — the review page's test — today (from the counts kept per organisation, which a
    sitting recorded makes count again) and on a past day (from that day's staff)."""
    day = today()
    thao = f.person(world.dept_a1, "Lý Thị Thảo")
    assert _source_row(world.hospital_a, day, "Chi bộ Khoa Nội")["reviewed"] == 0  # looked at: kept
    with django_capture_on_commit_callbacks(execute=True):
        review.record(
            [review.Entry(world.binh, "outstanding"), review.Entry(thao, "not_yet")],
            on=day - dt.timedelta(days=1),
            actor=personas.secretary_a1,
        )
    row = _source_row(world.hospital_a, day, "Chi bộ Khoa Nội")
    assert (row["pool"], row["reviewed"], row["outstanding"]) == (2, 2, 1)
    top = _source_row(world.province, day, world.province.name)
    assert (top["reviewed"], top["outstanding"]) == (2, 1)  # rolled up the tree
    # on a past day: the staff of that day, the reviews made by then
    past = _source_row(world.hospital_a, day - dt.timedelta(days=1), "Chi bộ Khoa Nội")
    assert (past["reviewed"], past["outstanding"]) == (2, 1)
    before = _source_row(world.hospital_a, day - dt.timedelta(days=2), "Chi bộ Khoa Nội")
    assert (before["reviewed"], before["outstanding"]) == (0, 0)


def test_the_dashboard_shows_the_review_columns(client, world, personas):
    SourceReview.objects.create(
        person=world.binh,
        organization=world.cell_a1,
        reviewed_on=today(),
        assessment="outstanding",
        recorded_by=personas.secretary_a1,
    )
    client.force_login(personas.secretary_a1)
    page = client.get(f"/thong-ke/{world.cell_a1.code}/").content.decode()
    assert "Đã rà soát trong 12 tháng" in page and "Được đánh giá ưu tú" in page
