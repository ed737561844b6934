"""Everything ketnap holds about one person, for a data subject's request (Luật Bảo vệ dữ liệu cá nhân số
91/2025/QH15: the right to know, to view and to ask for one's data, Điều 4 khoản 1 điểm a, c, d; the controller gives
it to the subject on request, Điều 15 khoản 2 điểm a), as tables: one section each, which the web turns into one .xlsx
sheet each (stats.xlsx.tables_xlsx) or one PDF section each (stats.pdf.report_pdf).

Sections: identity and contact fields, work history, memberships and their events, each candidacy with its steps,
dossier papers (a list: the scans stay on the server, where the export says), introductions, helpers, mentor notes,
the person's audit trail (readable: the caller's `present_audit`, ketnap.web.auditlog.present) and who read their data.
A step's findings (what the rules said about the person when it was recorded) are data about them too: they come as a
readable column, not as the stored JSON.

Fields are read from the models' own definitions (every concrete field, by its Vietnamese verbose name), so a field
added later is exported without touching this module; only keys and internals (sort and search keys) are left out.
It sits in ketnap.privacy (the data subject's rights, beside the read log), above the apps it reads: the registry's
models, the pipeline through the person's reverse relations, the audit trail through ketnap.audit. The audit rows'
wording names every app's objects and lives with its readers, so the caller passes it in.
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from ketnap.accounts.models import display_name
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry
from ketnap.privacy.models import ReadEntry
from ketnap.registry.models import Person, Preferences
from ketnap.rules.dates import ddmmyyyy, ddmmyyyy_hhmm
from ketnap.stats.tables import Column, Kind, Table

INTERNAL = {"id", "sort_key", "search_text", "person", "candidate", "membership", "findings", "scan_type"}
YES, NO = "Có", "Không"
SCANS_NOTE = (
    "Bản quét không nằm trong tệp này: chúng được lưu trong thư mục dữ liệu của máy chủ (đường dẫn ở cột Bản quét) "
    "và tải được từng bản trên trang người vào Đảng."
)


def _text(obj: models.Model, field: models.Field):
    """A field's value as the export shows it: choices by label, related objects by name, dates as dates."""
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")() or None
    value = getattr(obj, field.name)
    if value is None or value == "":
        return None
    if field.is_relation:
        return _related_text(field, value)
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dt.datetime):
        return ddmmyyyy_hhmm(timezone.localtime(value))
    if isinstance(field, models.FileField):
        return value.name
    return value


def _related_text(field: models.Field, value: models.Model) -> str:
    """A user by the name shown on screen; anything else by its own str()."""
    model = field.related_model
    if model is not None and model._meta.label == settings.AUTH_USER_MODEL:
        return display_name(value)
    return str(value)


def _fields(model, skip=()) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in INTERNAL and f.name not in skip]


def _label(field: models.Field) -> str:
    return capfirst(str(field.verbose_name))


def _kv(value):
    return ddmmyyyy(value) if isinstance(value, dt.date) else value


def record_table(slug: str, title: str, objects: list, *, group: str = "", group_of=None, skip=()) -> Table:
    """Field-by-field (Mục, Nội dung) rows of one or more objects; several objects get a first column naming each."""
    columns = [Column("field", "Mục"), Column("value", "Nội dung")]
    if group:
        columns.insert(0, Column("group", group))
    table = Table(slug, title, columns)
    for obj in objects:
        for field in _fields(type(obj), skip):
            values = [_label(field), _kv(_text(obj, field))]
            table.add(*([group_of(obj)] if group else []), *values)
    return table


def list_table(slug: str, title: str, model, objects, *, skip=(), extra: tuple = (), note: str = "") -> Table:
    """One row per object, one column per field; `extra`: (label, function of the object) columns appended."""
    fields = _fields(model, skip)
    columns = [
        Column(
            f.name,
            _label(f),
            Kind.DATE if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField) else Kind.TEXT,
        )
        for f in fields
    ] + [Column(f"extra{i}", label) for i, (label, _fn) in enumerate(extra)]
    table = Table(slug, title, columns, note=note)
    for obj in objects:
        table.add(*[_text(obj, f) for f in fields], *[fn(obj) for _label_, fn in extra])
    return table


def _candidacy_label(candidate) -> str:
    return f"Từ {ddmmyyyy(candidate.started_on)}"


def _scan_place(item) -> str:
    if not item.scan:
        return "Chưa có bản quét"
    # the name inside ketnap's data (what a backup holds), not the server's directory: the file leaves the office
    return f"Có bản quét (lưu trong ketnap, tệp {item.scan.name})"


def _findings_text(step) -> str | None:
    """A step's findings as the person reads them: each message with its source, and the reason when it was accepted
    despite the rule."""
    parts = []
    for finding in step.findings or []:
        text = str(finding.get("message", "")).strip()
        if finding.get("source") and finding.get("source") != "ketnap":
            text = f"{text} ({finding['source']})"
        if finding.get("accepted_reason") and finding.get("code") != "back_entry.accepted":
            text = gettext("%(finding)s — được chấp nhận, lý do: %(reason)s") % {
                "finding": text,
                "reason": finding["accepted_reason"],
            }
        if text:
            parts.append(text)
    return "; ".join(parts) or None


def _audit_table(person: Person, readable_people, present_audit) -> Table:
    entries = AuditEntry.objects.filter(person_id=person.pk).order_by("id")
    table = Table(
        "nhat-ky",
        "Nhật ký thay đổi",
        [
            Column("at", "Thời gian"),
            Column("who", "Người thực hiện"),
            Column("action", "Hành động"),
            Column("kind", "Loại dữ liệu"),
            Column("subject", "Đối tượng"),
            Column("changes", "Nội dung"),
            Column("note", "Ghi chú"),
        ],
        note="Nhật ký chỉ ghi thêm, không sửa, không xóa được; giá trị trước và sau mỗi lần thay đổi.",
    )
    for row in present_audit(entries, people=readable_people):
        table.add(row.when, row.who, row.action, row.kind, row.subject, row.summary, row.note)
    return table


def _read_log_table(person: Person) -> Table:
    """Who read the person's data (the read log)."""
    rows = ReadEntry.objects.filter(person_id=person.pk).select_related("user").order_by("at", "id")
    return list_table(
        "nhat-ky-truy-cap", "Nhật ký truy cập (ai đã xem dữ liệu)", ReadEntry, rows, skip=("person", "query", "count")
    )


def subject_tables(person: Person, *, present_audit, readable_people=None) -> list[Table]:
    """Every section of the export, in order. `present_audit(entries, people=)`: the audit rows as the reader reads
    them (ketnap.web.auditlog.present); `readable_people`: whom the reader may name in them."""
    memberships = list(person.memberships.select_related("organization").order_by("decision_date", "pk"))
    candidacies = list(person.candidacies.select_related("organization").order_by("started_on", "pk"))
    tables = [
        record_table("nhan-than", "Nhân thân và liên hệ", [person]),
        list_table(
            "qua-trinh-cong-tac",
            "Quá trình công tác",
            person.assignments.model,
            person.assignments.select_related("unit").order_by("valid_from", "pk"),
        ),
        *_membership_tables(memberships),
        *_pipeline_tables(candidacies),
        _audit_table(person, readable_people, present_audit),
        _read_log_table(person),
    ]
    return tables


def _membership_tables(memberships: list) -> list[Table]:
    """Each membership (a person re-admitted has two), then the events of all of them, each naming its membership."""
    membership_label = {m.pk: f"Lần {i}" for i, m in enumerate(memberships, 1)}
    events = [
        e
        for m in memberships
        for e in m.events.select_related("organization_after", "from_organization", "recorded_by").order_by("on", "id")
    ]
    return [
        record_table(
            "dang-vien", "Đảng viên", memberships, group="Lần kết nạp", group_of=lambda m: membership_label[m.pk]
        ),
        list_table(
            "bien-dong",
            "Biến động đảng viên",
            apps.get_model("registry", "MembershipEvent"),
            events,
            extra=(("Lần kết nạp", lambda e: membership_label[e.membership_id]),),
        ),
    ]


def _pipeline_tables(candidacies: list) -> list[Table]:
    """Each candidacy, then its steps, papers, introducers, helpers and notes, each naming its candidacy when the
    person has been on the road more than once."""
    per_candidacy = {c.pk: _candidacy_label(c) for c in candidacies}

    def of_candidacy(obj) -> str:
        return per_candidacy[obj.candidate_id]

    candidacy_column = (("Hồ sơ phát triển đảng viên", of_candidacy),) if len(candidacies) > 1 else ()
    tables = [
        record_table(
            "phat-trien-dang-vien",
            "Phát triển đảng viên",
            candidacies,
            group="Hồ sơ",
            group_of=lambda c: per_candidacy[c.pk],
        )
    ]
    for slug, title, model, rows, extra in _pipeline_sections(candidacies):
        tables.append(
            list_table(
                slug,
                title,
                apps.get_model("pipeline", model),
                rows,
                skip=("scan",) if slug == "giay-to" else (),
                extra=(*candidacy_column, *extra),
                note=SCANS_NOTE if slug == "giay-to" else "",
            )
        )
    return tables


def _pipeline_sections(candidacies: list) -> list[tuple]:
    """(slug, title, pipeline model, rows of every candidacy, extra columns) of each pipeline section."""

    def of_each(related: str, *joined: str, order: tuple[str, str]) -> list:
        return [row for c in candidacies for row in getattr(c, related).select_related(*joined).order_by(*order)]

    findings = ((gettext("Kết quả đối chiếu quy định khi ghi nhận"), _findings_text),)
    return [
        (
            "cac-buoc",
            "Các bước phát triển đảng viên",
            "Step",
            of_each("steps", "from_organization", "to_organization", "recorded_by", order=("on", "id")),
            findings,
        ),
        (
            "giay-to",
            "Giấy tờ trong hồ sơ",
            "DossierItem",
            of_each("documents", "recorded_by", order=("received_on", "id")),
            (("Bản quét", _scan_place),),
        ),
        (
            "nguoi-gioi-thieu",
            "Người giới thiệu",
            "Introduction",
            of_each("introductions", "introducer", order=("introduced_on", "id")),
            (),
        ),
        ("giup-do", "Đảng viên giúp đỡ", "Helper", of_each("helpers", "member", order=("since", "id")), ()),
        (
            "nhan-xet",
            "Nhận xét của đảng viên giúp đỡ",
            "MentorNote",
            of_each("mentor_notes", "author", order=("on", "id")),
            (),
        ),
    ]


def about_table(person: Person, *, reader, fmt_name: str) -> Table:
    """The first section: what this file is, for whom, made by whom and when."""
    table = Table("ve-ban-trich-xuat", "Về bản trích xuất này", [Column("field", "Mục"), Column("value", "Nội dung")])
    table.add("Người có dữ liệu", f"{person.full_name} (mã số {person.pk})")
    table.add("Trích xuất lúc", ddmmyyyy_hhmm(timezone.localtime()))
    table.add("Người trích xuất", display_name(reader))
    table.add(
        "Căn cứ",
        gettext(
            "Yêu cầu của chủ thể dữ liệu cá nhân theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: quyền được biết "
            "về hoạt động xử lý, được xem và yêu cầu cung cấp dữ liệu cá nhân của mình (điểm a, c, d khoản 1 Điều 4); "
            "bên kiểm soát dữ liệu cá nhân cung cấp dữ liệu cho chủ thể theo yêu cầu (điểm a khoản 2 Điều 15)."
        ),
    )
    table.add(
        gettext("Dữ liệu nhạy cảm"),
        gettext(
            "Tệp này có dữ liệu cá nhân nhạy cảm (khoản 3 Điều 2 của Luật): dân tộc, tôn giáo, việc là đảng viên và "
            "con đường vào Đảng. Chỉ giao cho chính người có dữ liệu; không gửi qua kênh không bảo mật."
        ),
    )
    table.add(
        "Phạm vi",
        "Toàn bộ dữ liệu ketnap lưu về người này: nhân thân, quá trình công tác, đảng viên và biến động, phát triển "
        "đảng viên (các bước, giấy tờ, người giới thiệu, người giúp đỡ, nhận xét), nhật ký thay đổi, nhật ký truy cập. "
        f"Định dạng: {fmt_name}.",
    )
    contact = Preferences.current().privacy_contact.strip() or gettext(
        "Văn phòng cấp ủy nơi anh/chị sinh hoạt hoặc công tác."
    )
    table.add(
        gettext("Quyền khác"),
        gettext(
            "Người có dữ liệu có quyền yêu cầu chỉnh sửa dữ liệu sai (Điều 13), yêu cầu xóa (Điều 14), yêu cầu hạn chế "
            "xử lý, rút lại sự đồng ý (Điều 10), gửi yêu cầu phản đối xử lý; khiếu nại, tố cáo, khởi kiện, yêu cầu "
            "bồi thường thiệt hại (khoản 1 Điều 4 của Luật). Gửi yêu cầu bằng văn bản đến: %(contact)s"
        )
        % {"contact": contact},
    )
    return table


def record_export(person: Person, fmt_name: str) -> AuditEntry:
    """The export itself goes into the trail: who (the acting user) exported whose data, when, in which format."""
    return write_entry(
        "event",
        person,
        {},
        person.pk,
        note=f"Trích xuất toàn bộ dữ liệu cá nhân ({fmt_name}) theo yêu cầu của chủ thể dữ liệu",
    )
