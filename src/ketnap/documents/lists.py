"""List documents: one .docx for the candidates in the user's scope (not per candidate)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ketnap.documents.committees import committee_name, heading_upper
from ketnap.documents.record import last_step
from ketnap.documents.wording import DOTS, capitals, fmt, long_date
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.registry.models import document_place


@dataclass(frozen=True)
class ListDoc:
    slug: str
    title: str
    template: str
    source: str


LISTS: dict[str, ListDoc] = {
    d.slug: d
    for d in [
        ListDoc(
            "den-han-trong-thang",
            _("Danh sách người đến hạn trong tháng"),
            "danh-sach-den-han-trong-thang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Hạn và căn cứ do ketnap.pipeline.due tính từ các bước đã ghi "
            "(rules.md §2.2–§2.3), như trang Việc cần làm; gồm những người có hạn rơi vào tháng hiện tại.",
        ),
        ListDoc(
            "cam-tinh-dang",
            _("Danh sách quần chúng cảm tình Đảng"),
            "danh-sach-cam-tinh-dang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Quần chúng ở giai đoạn cảm tình Đảng (rules.md §2.2 bước 1–2: "
            "chi bộ đưa vào danh sách, phân công đảng viên giúp đỡ), xếp theo chi bộ.",
        ),
        ListDoc(
            "de-nghi-hoc-lop-nhan-thuc",
            _("Danh sách đề nghị cử đi học lớp bồi dưỡng nhận thức về Đảng"),
            "danh-sach-de-nghi-hoc-lop-nhan-thuc-ve-dang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. rules.md §2.2 bước 1–2 (chi bộ đề nghị cử quần chúng ưu tú đi học "
            "lớp bồi dưỡng nhận thức về Đảng; đảng ủy cơ sở xem xét, cử đi học; giấy chứng nhận CN-NTVĐ) và §1 mục 5 "
            "(bắt buộc, giá trị 60 tháng). Gồm người ở giai đoạn quần chúng ưu tú / cảm tình Đảng chưa ghi nhận giấy "
            "chứng nhận (bước certificate), và người đang hoàn thiện hồ sơ mà giấy chứng nhận đã hết hạn 60 tháng "
            "(phải học lại: giấy phải còn hạn vào ngày chi bộ họp xét, 06-HD/TW §5.4), xếp theo chi bộ.",
        ),
    ]
}


def _list_heading(scope, today: dt.date) -> dict:
    roots = scope.root_organizations()
    root = roots[0] if len(roots) == 1 else None
    return {
        "place": document_place() or DOTS,
        "date_long": long_date(today),
        "month": f"{today.month:02d}/{today.year}",
        "issuer_upper": capitals(committee_name(root)) if root else DOTS,
        "superior_upper": heading_upper(root.parent) if root else "",
    }


def due_this_month_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Open candidates in scope whose next step falls due in `month`'s month (default: this month; pipeline.due,
    like Việc cần làm)."""
    from ketnap.pipeline import due

    month = month or today
    scheduled = [
        s
        for s in due.schedule(scope.candidates(), today)
        if s.timing.due and (s.timing.due.year, s.timing.due.month) == (month.year, month.month)
    ]
    scheduled.sort(key=lambda s: (s.timing.due, s.sort_name, s.candidate_id))
    rows = [
        {
            "no": n,
            "person_name": item.candidate.person.full_name,
            "cell_name": item.candidate.organization.name,
            "step": item.action or DOTS,
            "due": fmt(item.due),
            "source": str(item.source) if item.source else DOTS,
        }
        for n, item in enumerate(due.rows(scheduled, today), 1)
    ]
    heading = _list_heading(scope, today) | {"month": f"{month.month:02d}/{month.year}"}
    return {**heading, "count": len(rows), "rows": rows}


def sympathisers_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Candidates at stage SYMPATHISER in scope, by chi bộ then name: the list as it stands today (`month` is the
    due list's choice and does not apply)."""
    from ketnap.pipeline.enums import HelperRole

    candidates = (
        scope.candidates()
        .filter(stage=Stage.SYMPATHISER)
        .select_related("person", "person__work_unit", "organization")
        .order_by("organization__name", "person__sort_key", "pk")
    )
    rows = []
    for n, candidate in enumerate(candidates, 1):
        since = last_step(candidate, StepKind.SYMPATHISE)
        helpers = candidate.helpers.filter(role=HelperRole.HELPER, until__isnull=True).select_related("member")
        rows.append(
            {
                "no": n,
                "person_name": candidate.person.full_name,
                "birth_date": fmt(candidate.person.birth_date),
                "work_unit": candidate.person.work_unit.name,
                "cell_name": candidate.organization.name,
                "since": fmt(since.on if since else None),
                "helpers": ", ".join(h.member.full_name for h in helpers) or DOTS,
            }
        )
    return {**_list_heading(scope, today), "count": len(rows), "rows": rows}


def course_nominations_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Whom to send to the party-awareness course (rules.md §2.2 bước 1–2), by chi bộ then name: candidates at stage
    SOURCE or SYMPATHISER with no course certificate recorded (step "certificate"), and candidates whose dossier is
    still before the chi bộ's resolution but whose certificate has expired (60 months, rules.eligibility): the
    certificate must be valid on the day the chi bộ meets, so they must take the course again (06-HD/TW §5.4)."""
    from ketnap.pipeline.enums import HelperRole
    from ketnap.rules.eligibility import certificate_expires_on

    candidates = (
        scope.candidates()
        .filter(
            Q(stage__in=[Stage.SOURCE, Stage.SYMPATHISER]) & ~Q(steps__kind=StepKind.CERTIFICATE, steps__passed=True)
            | Q(stage=Stage.DOSSIER)
        )
        .select_related("person", "person__work_unit", "organization")
        .order_by("organization__name", "person__sort_key", "pk")
        .distinct()
    )
    rows = []
    for candidate in candidates:
        stage = candidate.get_stage_display()
        if candidate.stage == Stage.DOSSIER:
            certificate = last_step(candidate, StepKind.CERTIFICATE)
            expires = certificate_expires_on(certificate.on) if certificate else None
            if expires is None or expires > today:
                continue  # a valid certificate: nothing to retake
            stage = f"{stage} — giấy chứng nhận hết hạn {fmt(expires)}"
        person = candidate.person
        since = last_step(candidate, StepKind.SYMPATHISE)
        helpers = candidate.helpers.filter(role=HelperRole.HELPER, until__isnull=True).select_related("member")
        rows.append(
            {
                "no": len(rows) + 1,
                "person_name": person.full_name,
                "birth_date": fmt(person.birth_date),
                "gender": person.get_gender_display(),
                "job_title": person.job_title or "",
                "work_unit": person.work_unit.name,
                "cell_name": candidate.organization.name,
                "stage": stage,
                "since": fmt(since.on if since else None),
                "helpers": ", ".join(h.member.full_name for h in helpers) or DOTS,
            }
        )
    return {**_list_heading(scope, today), "count": len(rows), "rows": rows}


LIST_CONTEXTS = {
    "den-han-trong-thang": due_this_month_context,
    "cam-tinh-dang": sympathisers_context,
    "de-nghi-hoc-lop-nhan-thuc": course_nominations_context,
}
