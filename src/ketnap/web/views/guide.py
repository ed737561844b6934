"""Hướng dẫn (/huong-dan/): short "Làm thế nào để …" answers per role, the reader's own roles first.

The sections are plain templates (templates/web/help/_<role>.html) in the office's own words; the view only decides
their order (the reader's roles first, the others folded below) and which pages to link. A link is drawn only to a
page the reader may open — the others' sections name the page in words — so every link on the page answers its
reader. No personal data: the page names pages, never people.
"""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ketnap import siteaddress
from ketnap.accounts.models import RoleKind
from ketnap.pipeline import reminders
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate, Helper
from ketnap.scope import scope_for

SECTIONS = [
    ("office", _("Văn phòng đảng ủy")),
    ("secretary", _("Bí thư, phó bí thư chi bộ")),
    ("mentor", _("Đảng viên giúp đỡ người vào Đảng")),
    ("candidate", _("Quần chúng, đảng viên dự bị")),
    ("overseer", _("Cấp ủy cấp trên (chỉ xem số liệu tổng hợp)")),
    ("admin", _("Quản trị hệ thống")),
]


# the section of each role that has one
ROLE_SECTIONS = {
    RoleKind.OFFICE: "office",
    RoleKind.SECRETARY: "secretary",
    RoleKind.OVERSEER: "overseer",
}


@dataclass(frozen=True)
class Link:
    """A page the answers point to: `url` when the reader may open it, else None (its name is shown in words)."""

    label: str
    url: str | None


def own_sections(user, scope) -> list[str]:
    """The help sections of the reader's roles, in SECTIONS' order."""
    mine = {ROLE_SECTIONS[role.kind] for role in scope.roles if role.kind in ROLE_SECTIONS}
    if scope.is_admin or user.is_staff:
        mine.add("admin")
    if scope.person is not None:  # read with the user (accounts.backends)
        mine |= _personal_sections(scope.person)
    return [key for key, _title in SECTIONS if key in mine]


def _personal_sections(person) -> set[str]:
    """What the reader is on the road themselves: a helper of someone today, a candidate on the road."""
    found = set()
    if Helper.objects.filter(member=person, until__isnull=True).exists():
        found.add("mentor")
    if Candidate.objects.filter(person=person).exclude(stage__in=Stage.terminal()).exists():
        found.add("candidate")
    return found


def links(user, scope) -> dict[str, Link]:
    names = scope.sees_personal_data
    roots = scope.root_organizations()
    root = roots[0] if roots else None
    managed = next((o for o in roots if scope.can_manage_within(o) and o.active), None)
    cell = next((o for o in roots if o.is_cell and o.active and scope.can_read_people_of(o)), None)

    def to(label, name, allowed=True, query="", **kwargs):
        return Link(label, reverse(name, kwargs=kwargs or None) + query if allowed else None)

    return {
        "home": to(_("Tổ chức đảng"), "home"),
        "mine": to(_("Việc của tôi"), "mine", scope.person is not None),
        "stats": to(_("Thống kê"), "stats_home"),
        "due": to(_("Việc cần làm"), "due_list", names),
        "due_mine": to(_("Việc cần làm → Chỉ người tôi giúp đỡ"), "due_list", names, "?cua-toi=1"),
        "board": to(_("Phát triển đảng viên"), "pipeline_board", names),
        "people": to(_("Nhân sự"), "person_list", names),
        "batches": to(_("Văn bản hàng loạt"), "documents_batches", names),
        "feed": to(_("Lịch việc trên điện thoại"), "feed_link", names),
        "import": to(
            _("Nhập danh sách từ Excel"), "import_upload", managed is not None, code=getattr(managed, "code", "")
        ),
        "meeting": to(_("Họp chi bộ"), "cell_meeting", cell is not None, code=getattr(cell, "code", "")),
        "accounts": to(
            _("Tài khoản cho đảng viên, người vào Đảng"),
            "issue_accounts",
            managed is not None,
            code=getattr(managed, "code", ""),
        ),
        "national_db": to(
            _("Nhập CSDL đảng viên"),
            "national_db_list",
            root is not None and scope.can_read_people_of(root),
            code=getattr(root, "code", ""),
        ),
        "targets": to(_("Chỉ tiêu kết nạp"), "target_overview", root is not None, code=getattr(root, "code", "")),
        "bieu2": to(_("Biểu 2-BTCTW"), "stats_bieu2", root is not None, code=getattr(root, "code", "")),
        "bieu3": to(_("Biểu 3-BTCTW"), "stats_bieu3", root is not None, code=getattr(root, "code", "")),
        "admin": to(_("Quản trị"), "admin:index", user.is_staff),
    }


@require_safe
def guide(request):
    scope = scope_for(request)
    mine = own_sections(request.user, scope)
    titles = dict(SECTIONS)
    ordered = [(key, titles[key], True) for key in mine] + [
        (key, title, False) for key, title in SECTIONS if key not in mine
    ]
    context = {
        "sections": [
            {"key": key, "title": title, "mine": own, "template": f"web/help/_{key}.html"}
            for key, title, own in ordered
        ],
        "has_own": bool(mine),
        "own_count": len(mine),
        "links": links(request.user, scope),
    }
    if "admin" in mine:  # where reminders go and where their links point, as the server is set up
        context["mail"] = {"destination": reminders.destination(), "links": siteaddress.explained()}
        context["data_dir"] = settings.DATA_DIR
    return render(request, "web/help.html", context)
