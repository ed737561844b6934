"""Rà soát nguồn (issue #15): each year the chi bộ looks at every staff member of its khoa who is not a member and says
how it sees them — outstanding (to become the source), not yet (keep encouraging), not eligible (with the reason) —
noting the cadre planning and a union's nomination. Who was never reviewed, or not in the last 12 months, is flagged.

The practice is the Party's instruction, not a statutory deadline: Nghị quyết 21-NQ/TW (16/06/2022) asks the
committees to strengthen the grassroots and the quality of members; the province's health committee turned it into
"rà soát, đánh giá đội ngũ viên chức, người lao động chưa là đảng viên" in every unit and a yearly plan per chi bộ
(../shared/seeds/, Quảng Ninh 2023). The 12 months are that yearly plan.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Assessment, Candidate, Nomination, SourceReview
from ketnap.registry import counted
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import Person
from ketnap.registry.services.dates import not_in_future
from ketnap.rules.eligibility import add_months
from ketnap.rules.verdict import Confidence, Source

REVIEW_MONTHS = 12
SOURCE = Source(
    "Nghị quyết 21-NQ/TW (16/06/2022); kế hoạch phát triển đảng viên hằng năm của chi bộ",
    "rà soát, đánh giá viên chức, người lao động chưa là đảng viên (chỉ đạo của Đảng bộ Sở Y tế, 2023)",
    Confidence.SECONDARY,
)


def counted_since(day: dt.date) -> dt.date:
    """A review counts on `day` when made after this day (REVIEW_MONTHS before it); one made on it or before is due
    again."""
    return add_months(day, -REVIEW_MONTHS)


@dataclass
class PoolRow:
    person: Person
    last: SourceReview | None
    on_road: bool  # already on the road to the Party (an open candidacy)
    due: bool  # never reviewed, or not within REVIEW_MONTHS of the day


def pool(org, day: dt.date) -> list[PoolRow]:
    """The current staff of the organisation's subtree who are not members, with their last review; those due first,
    then by name. Three queries, whatever the size."""
    people = list(
        Person.objects.current()
        .filter(organization__path__startswith=org.path)
        .exclude(memberships__status__in=MembershipStatus.active())
        .select_related("work_unit", "organization")  # record() asks who may edit each one's people
        .order_by("sort_key", "pk")
    )
    ids = [p.pk for p in people]
    last: dict[int, SourceReview] = {}
    for review in SourceReview.objects.filter(person_id__in=ids).order_by("person_id", "-reviewed_on", "-pk"):
        last.setdefault(review.person_id, review)
    on_road = set(
        Candidate.objects.filter(person_id__in=ids).exclude(stage__in=Stage.terminal()).values_list("person", flat=True)
    )
    since = counted_since(day)
    rows = [
        PoolRow(p, last.get(p.pk), p.pk in on_road, p.pk not in last or last[p.pk].reviewed_on <= since) for p in people
    ]
    return sorted(rows, key=lambda r: not r.due)  # stable: the names keep their order within each group


def counts(rows: list[PoolRow]) -> dict[str, int]:
    out = {"people": len(rows), "due": sum(r.due for r in rows), "on_road": sum(r.on_road for r in rows)}
    for value in Assessment.values:
        out[value] = sum(1 for r in rows if r.last is not None and not r.due and r.last.assessment == value)
    return out


@dataclass(frozen=True)
class Entry:
    person: Person
    assessment: str
    reason: str = ""
    nomination: str = ""


def record(entries: list[Entry], *, on: dt.date, actor) -> list[SourceReview]:
    """The reviews of one sitting, all or none: every row is checked first, each error naming its person; by who may
    edit the people of each person's chi bộ."""
    authorize(actor, Permission.EDIT_PEOPLE, *{entry.person.organization for entry in entries})
    errors = []
    try:
        not_in_future(on)
    except ValidationError as exc:
        errors += exc.messages
    for entry in entries:
        errors += _entry_errors(entry)
    if errors:
        raise ValidationError(errors)
    with acting(actor), transaction.atomic():
        # the statistics' source table counts the reviews per organisation (stats.kept_counts follows the announced)
        counted.announce(counted.today_only({entry.person.organization_id for entry in entries}))
        return [
            SourceReview.objects.create(
                person=entry.person,
                organization_id=entry.person.organization_id,
                reviewed_on=on,
                assessment=entry.assessment,
                reason=entry.reason.strip()[:300],
                nomination=entry.nomination,
                recorded_by=as_user(actor),
            )
            for entry in entries
        ]


def _entry_errors(entry: Entry) -> list[str]:
    """What is wrong with one row, naming its person."""
    name, errors = entry.person.full_name, []
    if entry.assessment not in Assessment.values:
        errors.append(f"{name}: đánh giá không hợp lệ.")
    elif entry.assessment == Assessment.NOT_ELIGIBLE and not entry.reason.strip():
        errors.append(f"{name}: “Không đủ điều kiện” cần ghi lý do.")
    if entry.nomination not in Nomination.values:
        errors.append(f"{name}: đoàn thể giới thiệu không hợp lệ.")
    return errors
