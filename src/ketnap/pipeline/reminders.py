"""Reminder e-mails of what is due (`ketnap remind`, run daily from cron).

Cron only sends: each run reads the deadlines kept on the candidates (ketnap.pipeline.due keeps them as steps are
recorded) for every user who may read names (office, secretary, admin roles, through accounts.grants, the scoping
Scope extends) and for every member assigned as mentor (đảng viên giúp đỡ đảng viên dự bị) of a probationary member,
adds the notes each helper owes (pipeline.notes, issue #15), then writes one plain-text e-mail per user. The
building blocks are pure functions over DueItem lists, so they are tested without mail.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from ketnap.accounts.grants import Grants
from ketnap.accounts.models import RoleKind, display_name
from ketnap.pipeline import notes
from ketnap.pipeline.due import DueItem, due_items
from ketnap.pipeline.enums import HelperRole, Stage
from ketnap.pipeline.models import Candidate, Helper
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.deadlines import SOON_WORKING_DAYS

UPCOMING_DAYS = 30  # after the overdue and "soon" items, those due within this many (calendar) days
PRESSING = ("overdue", "soon")
RULE = "-" * 72


@dataclass
class Sections:
    """Due items in the order an e-mail lists them."""

    overdue: list[DueItem] = field(default_factory=list)
    soon: list[DueItem] = field(default_factory=list)
    upcoming: list[DueItem] = field(default_factory=list)

    @property
    def pressing(self) -> bool:
        """Something overdue or soon: only then is an e-mail worth sending."""
        return bool(self.overdue or self.soon)

    @property
    def items(self) -> list[DueItem]:
        return [*self.overdue, *self.soon, *self.upcoming]


def sections(items: list[DueItem], today: dt.date, upcoming_days: int = UPCOMING_DAYS) -> Sections:
    """Split due items: overdue, soon (≤ 5 working days), then the others due within `upcoming_days`."""
    horizon = today + dt.timedelta(days=upcoming_days)
    result = Sections()
    for item in sorted(items, key=lambda i: i.sort_key):
        if item.urgency == "overdue":
            result.overdue.append(item)
        elif item.urgency == "soon":
            result.soon.append(item)
        elif item.urgency == "ok" and item.due is not None and item.due <= horizon:
            result.upcoming.append(item)
    return result


@dataclass
class Reminder:
    """What one user is told: the due items of their scope and those of the people they mentor."""

    user: object
    name: str  # how the e-mail addresses them
    has_scope: bool  # a role that reads names: the scope section and the links to the lists are theirs
    scope_label: str  # the organisations their scope covers
    scoped: Sections
    mentoring: Sections
    readable: frozenset[int] = frozenset()  # candidates whose page the user may open (links only to those)
    notes: list = field(default_factory=list)  # the user's own notes as a helper, due by the horizon (NoteDue)

    @property
    def pressing(self) -> bool:
        return self.scoped.pressing or self.mentoring.pressing or any(n.urgency in PRESSING for n in self.notes)

    def count(self, what: str) -> int:
        """Distinct candidates in section `what` (overdue/soon/upcoming), mentoring and notes included."""
        items = (*getattr(self.scoped, what), *getattr(self.mentoring, what))
        return len({i.candidate.pk for i in items} | {n.candidate.pk for n in self.notes if n.urgency == what})

    @property
    def item_count(self) -> int:
        return len(self.scoped.items) + len(self.mentoring.items)


def subject(overdue: int, soon: int) -> str:
    """E.g. "[ketnap] 3 việc quá hạn, 2 việc sắp đến hạn"."""
    parts = []
    if overdue:
        parts.append(f"{overdue} việc quá hạn")
    if soon:
        parts.append(f"{soon} việc sắp đến hạn")
    return "[ketnap] " + (", ".join(parts) or "việc cần làm")


def candidate_url(base_url: str, candidate_pk: int) -> str:
    return base_url.rstrip("/") + reverse("candidate_detail", kwargs={"candidate_pk": candidate_pk})


def item_lines(number: int, item: DueItem, today: dt.date, link: str | None) -> list[str]:
    """One item: who, which chi bộ, the next action, the due date, the rule and its source, the link."""
    candidate = item.candidate
    if item.due is None:
        when = "chưa xác định"
    elif item.due < today:
        days = (today - item.due).days
        when = f"{ddmmyyyy(item.due)} (đã quá hạn {days} ngày)"
    elif item.due == today:
        when = f"{ddmmyyyy(item.due)} (hôm nay)"
    else:
        when = f"{ddmmyyyy(item.due)} (còn {(item.due - today).days} ngày)"
    lines = [
        f"{number}. {candidate.person.full_name} — {candidate.organization.name}",
        f"   Giai đoạn: {Stage(candidate.stage).label}",
        f"   Việc tiếp theo: {item.action}",
        f"   Hạn: {when}",
    ]
    if item.rule:
        lines.append(f"   Quy định: {item.rule}")
    if item.source:
        lines.append(f"   Căn cứ: {item.source}")
    if link:
        lines.append(f"   Xem: {link}")
    return lines


def section_lines(
    found: Sections, today: dt.date, base_url: str, readable=None, upcoming_days: int = UPCOMING_DAYS
) -> list[str]:
    """The three groups of a section; `readable` (candidate pks) limits the links, None links every item."""
    groups = [
        ("QUÁ HẠN", found.overdue),
        (f"SẮP ĐẾN HẠN (còn không quá {SOON_WORKING_DAYS} ngày làm việc)", found.soon),
        (f"ĐẾN HẠN TRONG {upcoming_days} NGÀY TỚI", found.upcoming),
    ]
    lines: list[str] = []
    for title, items in groups:
        if not items:
            continue
        if lines and lines[-1] == "":
            lines.pop()
        lines += ["", f"{title}: {len(items)}", ""]
        for number, item in enumerate(items, 1):
            pk = item.candidate.pk
            link = candidate_url(base_url, pk) if readable is None or pk in readable else None
            lines += [*item_lines(number, item, today, link), ""]
    return lines


def note_lines(reminder: Reminder, today: dt.date, base_url: str) -> list[str]:
    """The notes the user owes as a helper: who, the due date, the plan and its source, the link to write it."""
    lines = [RULE, "NHẬN XÉT CỦA ĐỒNG CHÍ VỀ NGƯỜI ĐƯỢC PHÂN CÔNG GIÚP ĐỠ", ""]
    for number, item in enumerate(sorted(reminder.notes, key=lambda n: n.deadline.due), 1):
        due_on, candidate = item.deadline.due, item.candidate
        late = f" (đã quá hạn {(today - due_on).days} ngày)" if due_on < today else ""
        lines += [
            f"{number}. {candidate.person.full_name} — {candidate.organization.name}",
            f"   Hạn nhận xét: {ddmmyyyy(due_on)}{late}",
            f"   Quy định: {item.deadline.rule}",
            f"   Căn cứ: {item.deadline.source}",
            f"   Ghi nhận xét: {base_url}{reverse('mine_note', kwargs={'candidate_pk': candidate.pk})}",
            "",
        ]
    return lines


def body(reminder: Reminder, today: dt.date, base_url: str) -> str:
    base = base_url.rstrip("/")
    lines = [f"Kính gửi đồng chí {reminder.name},", ""]
    if reminder.has_scope:
        lines.append(
            f"Việc cần làm về phát triển đảng viên tính đến ngày {ddmmyyyy(today)}, trong phạm vi "
            f"{reminder.scope_label}:"
        )
        if reminder.scoped.items:
            lines += section_lines(reminder.scoped, today, base)
        else:
            lines += ["", f"Không có việc quá hạn, sắp đến hạn hay đến hạn trong {UPCOMING_DAYS} ngày tới.", ""]
    if reminder.mentoring.items:
        lines += [
            RULE,
            "ĐẢNG VIÊN DỰ BỊ ĐỒNG CHÍ ĐƯỢC PHÂN CÔNG GIÚP ĐỠ",
            f"Việc của chi bộ đối với người đồng chí giúp đỡ, tính đến ngày {ddmmyyyy(today)}:",
        ]
        lines += section_lines(reminder.mentoring, today, base, readable=reminder.readable)
    if reminder.notes:
        lines += note_lines(reminder, today, base)
    lines.append(RULE)
    if reminder.has_scope:
        lines += [
            f"Toàn bộ việc cần làm: {base}{reverse('due_list')}",
            f"Đưa các hạn vào ứng dụng lịch (điện thoại, Google, Outlook): {base}{reverse('feed_link')}",
        ]
    lines += [
        "Hạn tính theo ngày làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ, Tết, ngày nghỉ bù; cộng ngày làm bù).",
        "Thư này do ketnap gửi tự động, xin đừng trả lời thư.",
    ]
    return "\n".join(lines).rstrip() + "\n"


def message(reminder: Reminder, today: dt.date, base_url: str, from_email: str | None = None) -> EmailMessage:
    return EmailMessage(
        subject=subject(reminder.count("overdue"), reminder.count("soon")),
        body=body(reminder, today, base_url),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[reminder.user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )


# -- who is told what ------------------------------------------------------------------------------------------
def recipients():
    """Active users with an e-mail address and a role that reads names, or an assignment to help in force."""
    personal = RoleKind.personal_data()
    mentoring = Q(person__helping__until__isnull=True)  # a mentor, or a sympathiser's helper: notes are due
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(roles__kind__in=personal) | mentoring)
        .distinct()
        .order_by("username")
    )


def reminder_for(user, today: dt.date) -> Reminder:
    """The due items one user is told about (always through their Grants; mentoring adds the mentees)."""
    grants = Grants(user)
    has_scope = any(role.kind in RoleKind.personal_data() for role in grants.roles)
    # only what a section can hold: the kept deadline on or before the horizon (overdue and soon come before it)
    told = Q(due_on__lte=today + dt.timedelta(days=UPCOMING_DAYS))
    scoped = due_items(grants.readable(Candidate.objects.filter(told)), today) if has_scope else []
    mentees = Candidate.objects.filter(
        told, helpers__member__user=user, helpers__role=HelperRole.MENTOR, helpers__until__isnull=True
    ).distinct()
    mentoring = due_items(mentees, today)
    pks = [i.candidate.pk for i in mentoring]
    readable = (
        frozenset(grants.readable(Candidate.objects.filter(pk__in=pks)).values_list("pk", flat=True))
        if pks
        else frozenset()
    )
    roots = grants.root_organizations() if has_scope else []
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    owed = [
        item
        for item in notes.schedule(Helper.objects.filter(member__user=user), today)
        if item.deadline is not None and item.deadline.due <= horizon
    ]
    return Reminder(
        user=user,
        name=display_name(user),
        has_scope=has_scope,
        scope_label=", ".join(o.name for o in roots),
        scoped=sections(scoped, today),
        mentoring=sections(mentoring, today),
        readable=readable,
        notes=owed,
    )


def gather(today: dt.date, users=None) -> list[Reminder]:
    """One reminder per recipient who has something overdue or soon (the others get no e-mail)."""
    users = recipients() if users is None else users
    found = (reminder_for(user, today) for user in users.select_related("person"))
    return [r for r in found if r.pressing]


# -- where the mail goes ---------------------------------------------------------------------------------------
MAIL_KEEP_DAYS = 30  # reminders written as files (no SMTP server) name people: older files are deleted


def mail_folder() -> Path | None:
    """The folder reminders are written to when no SMTP server is configured (settings: file backend), else None."""
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return Path(settings.EMAIL_FILE_PATH)
    return None


def destination() -> str:
    """Where `ketnap remind` delivers, in words for the person running it."""
    backend = settings.EMAIL_BACKEND
    if backend.endswith("smtp.EmailBackend"):
        return f"máy chủ thư {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if mail_folder() is not None:
        return (
            f"tệp trong thư mục {mail_folder()} — chưa cấu hình máy chủ thư (KETNAP_EMAIL_HOST) nên thư được lưu "
            "thành tệp, không gửi đi"
        )
    if backend.endswith("console.EmailBackend"):
        return "màn hình (console)"
    return backend


def latest_mail_file() -> Path | None:
    folder = mail_folder()
    if folder is None or not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".log"]
    return max(files, key=lambda p: p.stat().st_mtime) if files else None


def prune_mail_files(days: int = MAIL_KEEP_DAYS) -> int:
    """Delete reminder files older than `days` (the file backend only); returns how many went."""
    folder = mail_folder()
    if folder is None or not folder.is_dir():
        return 0
    limit = time.time() - days * 86400
    old = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".log" and p.stat().st_mtime < limit]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)
