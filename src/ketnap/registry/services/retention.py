"""Retention: the personal data of staff who left, and never were members nor candidates, is removed once the
configured period has run (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: data kept no longer than its purpose needs).

Anonymise, not delete. Past statistics count staff from Person rows: a past day's staff are the assignments in force
that day (registry.indicators._own_counts_on, stats.pool.staff_on) with the person's profile (under 30 on that day,
university level, Youth Union member, cadre planning, profession). Deleting the row would change the figures of every
report for the years the person worked; so the row and its assignments stay, stripped of everything that says who
the person was (name, CCCD, staff code, contacts, ethnicity, religion, titles, account), and the birth date is cut to
the year (or month) whenever that changes no "under 30" answer on a day the person was on the staff.

Who: Person.left_on (else the day of archiving) at least `months` before today; no party membership (any status,
ended ones too), no candidacy (the Party's own dossier rules keep those), not purged already.

The writes bypass the audit signals on purpose (queryset.update): the signal would copy every purged value into the
append-only trail. The entries written before the purge are emptied through the trail's one sanctioned path
(ketnap.audit.redaction.redact_person: description, changes and note go, the chain still verifies) and the read log
forgets the file names and filters that carry the person's name, CCCD or contacts (privacy.ReadEntry.forget). Then
one entry per person names the fields cleared, without their values, and one summary entry names the run. Backups
taken before the purge still hold the old values (README "Vận hành và tin cậy").
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ketnap.audit.context import current_actor
from ketnap.audit.recorder import write_entry
from ketnap.audit.redaction import redact_person
from ketnap.registry import counted, search
from ketnap.registry.models import Assignment, Person, Preferences
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy

PURGED_FAMILY_NAME = "Đã xóa dữ liệu"
YOUNG = 30  # the only age threshold past staff statistics use (stats.pool: "dưới 30 tuổi")

# field -> value after the purge; the labels go into the audit entry (never the values)
CLEARED = {
    "middle_name": "",
    "citizen_id": None,
    "staff_code": "",
    "phone": "",
    "email": "",
    "ethnicity": None,
    "religion": None,
    "general_education": None,
    "academic_title": None,
    "political_theory": None,
    "employment_type": None,
    "job_title": "",
    "youth_union_joined_on": None,
    "elder_role": "",
    "user": None,
}
KEPT = (
    "giới tính, năm sinh, khoa/phòng, quá trình công tác (ngày), trình độ chuyên môn, chức danh nghề nghiệp, "
    "đoàn viên, quy hoạch"
)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def cutoff(on: dt.date, months: int) -> dt.date:
    """People who left on or before this day are past the retention period on `on`."""
    return _months_before(on, months)


def expired(*, on: dt.date | None = None, months: int | None = None) -> QuerySet[Person]:
    """Everyone whose personal data is due for removal on `on` (default today) with `months` (default: Preferences)."""
    on = on or today()
    months = Preferences.current().retention_months if months is None else months
    last = cutoff(on, months)
    gone = Q(left_on__lte=last) | Q(left_on__isnull=True, archived_at__isnull=False, archived_at__date__lte=last)
    return (
        Person.objects.filter(gone, purged_at__isnull=True)
        .exclude(memberships__isnull=False)
        .exclude(candidacies__isnull=False)
        .order_by("left_on", "pk")
    )


def ended_on(person: Person) -> dt.date:
    return person.left_on or timezone.localdate(person.archived_at)


def _on_staff(person: Person) -> tuple[dt.date, dt.date] | None:
    """First and last day the person is on the staff in any past statistic (their assignments), or None."""
    spans = list(person.assignments.values_list("valid_from", "valid_to"))
    if not spans:
        return None
    first = min(start for start, _end in spans)
    ends = [end for _start, end in spans]
    last = max(ends) if all(ends) else dt.date.max  # an open assignment counts on every later day
    return first, last


def _birthday(birth: dt.date, years: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29/02
        return dt.date(birth.year + years, 3, 1)


def coarse_birth_date(person: Person) -> dt.date:
    """01/01 of the birth year, else the 1st of the birth month, else the date itself: the coarsest that gives the
    same "under 30" answer on every day the person was on the staff (so no past figure changes)."""
    birth = person.birth_date
    window = _on_staff(person)
    for coarse in (dt.date(birth.year, 1, 1), birth.replace(day=1)):
        if window is None:
            return coarse
        # the answers differ exactly on the days in [30th birthday of coarse, 30th birthday of birth)
        differs_from, differs_to = _birthday(coarse, YOUNG), _birthday(birth, YOUNG)
        first, last = window
        if differs_from >= differs_to or differs_to <= first or differs_from > last:
            return coarse
    return birth


@dataclass
class Purged:
    person_id: int
    ended_on: dt.date
    redacted: int = 0  # audit entries emptied
    reads_forgotten: int = 0  # read-log rows whose file name or filters named the person


def _labels(names) -> str:
    return ", ".join(str(Person._meta.get_field(name).verbose_name) for name in names)


def _identifying(person: Person) -> list[str]:
    """What a file name or a filter in the read log could carry of the person (before the purge clears it)."""
    return [person.full_name, person.citizen_id or "", person.phone, person.email, person.staff_code]


def _forget_reads(values: list[str]) -> int:
    if not apps.is_installed("ketnap.privacy"):
        return 0
    return apps.get_model("privacy", "ReadEntry").objects.forget(values)


def purge(person: Person, *, months: int) -> Purged:
    """Strip one person's identifying data (see the module docstring), empty the audit entries about them and the
    read-log fields naming them; one audit entry without the values."""
    ended = ended_on(person)
    birth = coarse_birth_date(person)
    identifying = _identifying(person)
    person.family_name, person.given_name = PURGED_FAMILY_NAME, f"#{person.pk}"
    for name, value in CLEARED.items():
        setattr(person, name, value)
    person.birth_date = birth
    person.archived_at = person.archived_at or timezone.now()
    person.archived_reason = "Đã xóa dữ liệu cá nhân: hết thời hạn lưu trữ"
    person.purged_at = timezone.now()
    person.prepare()
    fields = [
        "family_name",
        "given_name",
        "birth_date",
        "archived_at",
        "archived_reason",
        "purged_at",
        "sort_key",
        "search_text",
    ]
    values = {name: getattr(person, name) for name in fields}
    values.update(CLEARED)
    Person.objects.filter(pk=person.pk).update(**values)  # no signal: the trail must not copy the old values
    counted.announce(counted.today_only([person.organization_id]))  # archived now, if they were not yet
    counted.edited([person.pk])  # the birth date cut to a year: the forms' ages
    Assignment.objects.filter(person_id=person.pk).update(job_title="")
    redaction = redact_person(
        person.pk,
        actor=current_actor(),
        reason=f"hết thời hạn lưu trữ {months} tháng sau ngày thôi việc {ddmmyyyy(ended)}",
    )
    forgotten = _forget_reads(identifying)
    kept_birth = (
        "năm sinh" if birth.month == 1 and birth.day == 1 else "tháng, năm sinh" if birth.day == 1 else "ngày sinh"
    )
    write_entry(
        "event",
        person,
        {},
        person.pk,
        note=(
            f"Xóa dữ liệu cá nhân: hết thời hạn lưu trữ {months} tháng sau ngày thôi việc {ddmmyyyy(ended)}. Đã xóa: "
            f"họ và tên, {_labels(CLEARED)}, chức danh trong quá trình công tác; ngày sinh chỉ giữ {kept_birth}. "
            f"Nhật ký: xóa nội dung {redaction.entries} mục cũ; nhật ký truy cập: {forgotten} dòng."
        )[:500],
    )
    return Purged(person.pk, ended, redaction.entries, forgotten)


def purge_expired(*, on: dt.date | None = None, months: int | None = None) -> list[Purged]:
    """Purge everyone `expired()` returns, all or nothing, then one summary entry."""
    on = on or today()
    months = Preferences.current().retention_months if months is None else months
    with transaction.atomic():
        done = [purge(person, months=months) for person in expired(on=on, months=months).select_for_update()]
        if done:
            write_entry(
                "event",
                Preferences.current(),
                {},
                None,
                note=(
                    f"Lệnh purge-expired ngày {ddmmyyyy(on)}: xóa dữ liệu cá nhân của {len(done)} người đã thôi việc "
                    f"trước {ddmmyyyy(cutoff(on, months))} (thời hạn lưu trữ {months} tháng), chưa từng là đảng viên "
                    "hay người vào Đảng."
                ),
            )
    if done:  # the search index keeps the former words marked deleted until merged (registry.search)
        search.compact_index()
    return done
