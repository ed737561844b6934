"""The audit trail as a clerk reads it: entries in, readable rows out. It names every app's objects, fields and
choices, so it sits with its readers (the screens, the admin, the subject export through a callable), above the apps
whose log it reads: ketnap.audit records only.

AuditEntry.changes holds {field attname: [before, after]} as the recorder stored it: ids, ISO dates, choice codes,
True/False. A few writers add keys of their own: "import" (a file's counts, imports.engine.record_import) and "demo"
(the sample data). `present()` turns a batch of entries into rows naming the object's kind in Vietnamese, each field
by its label, related objects and code-list items by name, choices by their label, dates dd/mm/yyyy, times in local
time, booleans Có/Không and nothing as "(trống)". Names are fetched in bulk: one query per kind of object referred to
on the batch (people, units, organisations, code items, users …), never one per row. Related objects are named as
they are now (a chi bộ renamed since reads by its new name); the object's own description is as it was written.

A field or a kind this module does not know (added later, or gone from the code) still reads: its label falls back
to the field's name and its value to a plain rendering. An entry emptied at the end of the person's retention period
(ketnap.audit.redaction) reads "(đã xóa theo thời hạn lưu trữ)" where its description and values were.
"""

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketnap.accounts.models import display_name
from ketnap.audit.models import AuditEntry
from ketnap.audit.redaction import REDACTED_KEY, REDACTION_MODEL
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.registry.models import Person
from ketnap.rules.dates import ddmmyyyy, ddmmyyyy_hhmm
from ketnap.vietnamese import fold

# Kinds whose models carry no Vietnamese verbose name. They stay here rather than on the models: a Meta change is a
# migration in each app for a word only the audit trail shows.
KIND_NAMES = {
    "registry.Person": gettext_lazy("Nhân sự"),
    "registry.PartyMembership": gettext_lazy("Đảng viên"),
    "registry.MembershipEvent": gettext_lazy("Biến động đảng viên"),
    "registry.Assignment": gettext_lazy("Quá trình công tác"),
    "registry.OrganizationVersion": gettext_lazy("Lịch sử tổ chức đảng"),
    "registry.OrganizationSuccession": gettext_lazy("Hợp nhất, chia tách tổ chức đảng"),
    "registry.WorkUnitVersion": gettext_lazy("Lịch sử đơn vị"),
    "registry.UnitCoverage": gettext_lazy("Chi bộ phụ trách khoa / phòng"),
    "pipeline.Candidate": gettext_lazy("Hồ sơ phát triển đảng viên"),
    "pipeline.Step": gettext_lazy("Bước phát triển đảng viên"),
    "pipeline.DossierItem": gettext_lazy("Giấy tờ trong hồ sơ"),
    "pipeline.Introduction": gettext_lazy("Người giới thiệu"),
    "pipeline.Helper": gettext_lazy("Đảng viên giúp đỡ"),
    "pipeline.MentorNote": gettext_lazy("Nhận xét của đảng viên giúp đỡ"),
    REDACTION_MODEL: gettext_lazy("Nhật ký thay đổi"),
}

# Labels of fields declared without a verbose name (or whose verbose name is unclear out of its form), by
# (model label, field name) first, then by field name alone.
FIELD_LABELS = {
    ("registry.MembershipEvent", "kind"): gettext_lazy("biến động"),
    ("registry.MembershipEvent", "note"): gettext_lazy("ghi chú"),
    ("registry.WorkUnitVersion", "unit"): gettext_lazy("đơn vị"),
    ("registry.WorkUnitVersion", "parent"): gettext_lazy("thuộc"),
    ("registry.OrganizationVersion", "parent"): gettext_lazy("trực thuộc"),
    ("registry.OrganizationVersion", "kind"): gettext_lazy("loại tổ chức"),
    ("registry.Assignment", "unit"): gettext_lazy("khoa / phòng"),
    ("pipeline.Candidate", "membership"): gettext_lazy("đảng viên (sau khi kết nạp)"),
    ("pipeline.Helper", "role"): gettext_lazy("giúp đỡ"),
    ("pipeline.Helper", "member"): gettext_lazy("đảng viên giúp đỡ"),
    ("pipeline.Step", "kind"): gettext_lazy("bước"),
    ("pipeline.Step", "consent_reason"): gettext_lazy("lý do (văn bản đồng ý)"),
}
NAME_LABELS = {
    "id": gettext_lazy("mã số"),
    "position": gettext_lazy("thứ tự"),
    "stat_group": gettext_lazy("dòng trên biểu thống kê"),
    "list_version": gettext_lazy("phiên bản danh mục"),
    "active": gettext_lazy("đang dùng"),
    "organization": gettext_lazy("tổ chức đảng"),
    "valid_from": gettext_lazy("từ ngày"),
    "valid_to": gettext_lazy("đến ngày"),
    "change": gettext_lazy("thay đổi"),
    "name": gettext_lazy("tên"),
    "kind": gettext_lazy("loại"),
    "parent": gettext_lazy("trực thuộc"),
    "authorised_to_admit": gettext_lazy("được ủy quyền kết nạp"),
    "above_base_powers": gettext_lazy("được giao quyền cấp trên cơ sở"),
    "competent_org": gettext_lazy("cấp ủy có thẩm quyền quyết định kết nạp"),
    "predecessor": gettext_lazy("tổ chức trước"),
    "successor": gettext_lazy("tổ chức kế tục"),
    "on": gettext_lazy("ngày"),
    "reason": gettext_lazy("căn cứ / lý do"),
    "unit": gettext_lazy("khoa / phòng"),
    "person": gettext_lazy("nhân sự"),
    "job_title": gettext_lazy("chức vụ / chức danh"),
    "national_db_entered_by": gettext_lazy("người đánh dấu đã nhập CSDL đảng viên"),
    "membership": gettext_lazy("đảng viên"),
    "status_after": gettext_lazy("tình trạng sau biến động"),
    "organization_after": gettext_lazy("chi bộ sau biến động"),
    "from_organization": gettext_lazy("từ chi bộ"),
    "recorded_by": gettext_lazy("người ghi"),
    "recorded_at": gettext_lazy("ghi lúc"),
    "user": gettext_lazy("tài khoản"),
    "candidate": gettext_lazy("hồ sơ phát triển đảng viên"),
    "passed": gettext_lazy("thông qua"),
    "findings": gettext_lazy("quy định đã kiểm tra"),
    "stage_before": gettext_lazy("giai đoạn trước"),
    "stage_after": gettext_lazy("giai đoạn sau"),
    "scan_type": gettext_lazy("loại tệp quét"),
    "role": gettext_lazy("vai trò"),
    "since": gettext_lazy("từ ngày"),
    "until": gettext_lazy("đến ngày"),
    "author": gettext_lazy("người viết"),
    "key_hash": gettext_lazy("mã băm của khóa"),
}
# Keys some writers put in `changes` besides model fields
IMPORT_LABELS = {
    "kind": gettext_lazy("loại danh sách"),
    "file": gettext_lazy("tệp"),
    "rows": gettext_lazy("số dòng"),
    "created": gettext_lazy("thêm mới"),
    "updated": gettext_lazy("cập nhật"),
    "unchanged": gettext_lazy("giữ nguyên"),
    "rejected": gettext_lazy("dòng có lỗi không nhập (nhập một phần)"),
    "identity_changes": gettext_lazy("người đổi họ tên, ngày sinh, giới tính"),
    "accepted": gettext_lazy("dòng ghi nhận kèm lý do"),
    "reason": gettext_lazy("lý do ghi nhận"),
    "stages": gettext_lazy("số người theo giai đoạn"),
    "units_created": gettext_lazy("đơn vị sự nghiệp mới"),
    "departments_created": gettext_lazy("khoa / phòng mới"),
    "coverages_created": gettext_lazy("lần giao khoa / phòng cho tổ chức phụ trách"),
    "sha256": gettext_lazy("mã SHA-256 của tệp"),
}
IMPORT_KINDS = {
    "staff": gettext_lazy("Danh sách nhân sự"),
    "members": gettext_lazy("Danh sách đảng viên"),
    "candidates": gettext_lazy("Quần chúng đang trong quá trình phát triển đảng viên"),
    "organizations": gettext_lazy("Cây tổ chức đảng"),
    "orgs": gettext_lazy("Cây tổ chức đảng"),
}
ACTIONS = {
    AuditEntry.Action.CREATE: gettext_lazy("Thêm mới"),
    AuditEntry.Action.UPDATE: gettext_lazy("Sửa"),
    AuditEntry.Action.DELETE: gettext_lazy("Xóa"),
    AuditEntry.Action.ARCHIVE: gettext_lazy("Lưu trữ"),
    AuditEntry.Action.EVENT: gettext_lazy("Sự kiện (nhập danh sách …)"),
}
NATIONAL_DB = {"national_db_entered_on", "national_db_entered_by_id"}
HIDDEN = {"id"}
RECORDED_BY = {"recorded_by_id", "author_id", "created_by_id"}
RECORDED_AT = {"recorded_at", "created_at"}
# the person an entry concerns is shown beside it: the link to them on a new or deleted row says nothing more
CONTEXT_KEYS = {"person_id", "candidate_id", "membership_id"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DAY_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def empty() -> str:
    return _("(trống)")


def redacted_text() -> str:
    return _("(đã xóa theo thời hạn lưu trữ)")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    shows_before: bool  # an update: "before → after"; a new or deleted object: its value only

    @property
    def text(self) -> str:
        if self.shows_before:
            return f"{self.label}: {self.before} → {self.after}"
        return f"{self.label}: {self.after}"


@dataclass
class ReadableEntry:
    id: int
    at: dt.datetime  # local time
    who: str
    action: str
    kind: str
    subject: str
    person_id: int | None
    person_name: str  # "" when the reader may not read the person (or the entry concerns nobody)
    note: str
    changes: list[Change] = field(default_factory=list)
    redacted: bool = False  # emptied at the end of the person's retention period: no description, no values

    @property
    def when(self) -> str:
        return ddmmyyyy_hhmm(self.at)

    @property
    def summary(self) -> str:
        if self.redacted:
            return redacted_text()
        return "; ".join(change.text for change in self.changes)


# --- kinds and labels ------------------------------------------------------------------------------------------------
def model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_name(label: str) -> str:
    """ "registry.Person" → "Nhân sự"; an unknown label stays as stored."""
    if label in KIND_NAMES:
        return str(KIND_NAMES[label])
    model = model_for(label)
    if model is None:
        return label
    return capfirst(str(model._meta.verbose_name))


def kind_choices(labels: Iterable[str]) -> list[tuple[str, str]]:
    """(label, Vietnamese name) for a filter's options, in alphabetical order of the names."""
    return sorted(((label, kind_name(label)) for label in set(labels)), key=lambda c: fold(c[1]))


def _has_own_verbose_name(model_field) -> bool:
    return str(model_field.verbose_name) != model_field.name.replace("_", " ")


def field_label(label: str, model_field, key: str) -> str:
    name = model_field.name if model_field is not None else key
    if (label, name) in FIELD_LABELS:
        return capfirst(str(FIELD_LABELS[(label, name)]))
    if model_field is not None and _has_own_verbose_name(model_field):
        return capfirst(str(model_field.verbose_name))
    if name in NAME_LABELS:
        return capfirst(str(NAME_LABELS[name]))
    return capfirst(name.replace("_", " "))


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)  # takes the attname (ethnicity_id) too
    except FieldDoesNotExist:
        return None


def _is_reference(model_field) -> bool:
    return model_field is not None and model_field.is_relation and model_field.concrete


# --- names of the objects referred to, in bulk -----------------------------------------------------------------------
class Names:
    """Labels of the objects a batch of entries refers to: one query per related model. People are named only within
    `people` (what the reader may read); someone else is "(người ngoài phạm vi)"."""

    def __init__(self, people=None):
        self.people = people
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}
        self.readable_people: set[int] = set()

    def want(self, model, value) -> None:
        if isinstance(value, int | str) and str(value).isdigit():
            self.wanted[model].add(int(value))

    def load(self) -> None:
        user_model = get_user_model()
        for model, ids in self.wanted.items():
            if model is user_model:
                found = {u.pk: display_name(u) for u in user_model.objects.filter(pk__in=ids).select_related("person")}
            elif model is Person:
                found = self._people(ids)
            else:
                found = _object_names(model, ids)
            self.found[model] = found

    def _people(self, ids: set[int]) -> dict:
        """Names of the people the reader may read (remembered as such); the others are "(người ngoài phạm vi)"."""
        people = self.people if self.people is not None else Person.objects.all()
        rows = people.filter(pk__in=ids).values_list("pk", "family_name", "middle_name", "given_name")
        found = {pk: " ".join(p for p in names if p) for pk, *names in rows}
        self.readable_people = set(found)
        for missing in ids - found.keys():
            found[missing] = _("(người ngoài phạm vi)")
        return found

    def name(self, model, value) -> str:
        try:
            key = int(value)
        except (TypeError, ValueError):
            return str(value)
        label = self.found.get(model, {}).get(key)
        return label if label is not None else _("(đã xóa, mã %(id)s)") % {"id": key}


def _object_names(model, ids: set[int]) -> dict:
    """str() of each object; the person it belongs to read along (most objects name themselves by their person)."""
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and f.name == "person"]
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids).select_related(*related)}


# --- values ----------------------------------------------------------------------------------------------------------
def _day(value) -> str:
    try:
        return ddmmyyyy(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _moment(value) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return ddmmyyyy_hhmm(moment)


def _yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


def _findings(value) -> str:
    """A step's findings (pipeline.domain._findings_json): what the rules said, by their messages."""
    if isinstance(value, list):
        texts = [str(f.get("message") or f.get("text") or "") for f in value if isinstance(f, dict)]
        texts = [t for t in texts if t]
        if texts:
            return "; ".join(texts)
    return _plain(value)


def _plain(value) -> str:
    """A value of a field not known (or a key not a field): readable without knowing what it is."""
    if _is_empty(value):
        return empty()
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, str):
        return _plain_text(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, int | float) else str(value)


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _plain_text(value: str) -> str:
    """A date or a moment as the office writes it; any other text as it is."""
    if ISO_DAY.match(value):
        return _day(value)
    if ISO_MOMENT.match(value):
        return _moment(value)
    return value


def format_value(model_field, value, names: Names) -> str:
    if value is None or value == "":
        return empty()
    if model_field is None:
        return _plain(value)
    if _is_reference(model_field):
        return names.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _by_field_class(model_field, value)


def _by_field_class(model_field, value) -> str:
    """Yes or no, a moment, a day, a file's name, a step's findings: as the field's class says to read the value."""
    if isinstance(model_field, models.BooleanField):
        return _yes_no(bool(value))
    if isinstance(model_field, models.DateTimeField):
        return _moment(value)
    if isinstance(model_field, models.DateField):
        return _day(value)
    if isinstance(model_field, models.FileField):
        return PurePosixPath(str(value)).name
    if isinstance(model_field, models.JSONField):
        return _findings(value)
    return _plain(value)


# --- entries ---------------------------------------------------------------------------------------------------------
def _pairs(entry: AuditEntry):
    for key, pair in (entry.changes or {}).items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            yield key, pair[0], pair[1]
        else:  # not the recorder's shape: show it as a value
            yield key, None, pair


def _shown_keys(entry: AuditEntry) -> list[str]:
    changes = entry.changes or {}
    hidden = HIDDEN
    if entry.action != AuditEntry.Action.UPDATE and entry.person_id is not None:
        hidden = HIDDEN | CONTEXT_KEYS
    return [k for k in changes if k not in hidden and not _own_stamp(entry, k, changes[k])]


def _own_stamp(entry: AuditEntry, key: str, pair) -> bool:
    """A new row's "recorded by / at": the entry's own who and when, shown above it."""
    if entry.action != AuditEntry.Action.CREATE:
        return False
    return key in RECORDED_AT or (key in RECORDED_BY and _after(pair) == entry.actor_id)


def _after(pair):
    return pair[1] if isinstance(pair, list | tuple) and len(pair) == 2 else pair


def _import_changes(value) -> list[Change]:
    """An import's one entry: {kind, file, sha256, rows, created, …} as labelled lines, sha256 last."""
    if not isinstance(value, dict):
        return [Change(capfirst(_("nhập danh sách")), "", _plain(value), False)]
    changes = []
    for key in sorted(value, key=_import_order):
        raw = value[key]
        if raw in (None, "", 0) and key not in {"kind", "rows", "created", "updated", "unchanged"}:
            continue  # an extra that says nothing (no rejected rows, no reason)
        label = IMPORT_LABELS.get(key, key.replace("_", " "))
        changes.append(Change(capfirst(str(label)), "", _import_text(key, raw), False))
    return changes


def _import_order(key: str) -> tuple:
    """As IMPORT_LABELS lists them, keys it does not know after, the file's hash last."""
    return key == "sha256", list(IMPORT_LABELS).index(key) if key in IMPORT_LABELS else 99


def _import_text(key: str, raw) -> str:
    if key == "kind":
        return str(IMPORT_KINDS.get(raw, raw))
    if key == "stages" and isinstance(raw, dict):
        return ", ".join(f"{Stage(k).label if k in Stage.values else k}: {n}" for k, n in raw.items()) or empty()
    return _plain(raw)


def _redaction_changes(value) -> list[Change]:
    """A redaction record's {"entries": n, "ids": [...]}: how many entries, from which to which."""
    ids = value.get("ids") if isinstance(value, dict) else None
    if not isinstance(ids, list) or not ids:
        return [Change(_("Các mục đã xóa nội dung"), "", _plain(value), False)]
    text = _("%(count)s mục, từ #%(first)s đến #%(last)s") % {"count": len(ids), "first": ids[0], "last": ids[-1]}
    return [Change(_("Các mục đã xóa nội dung"), "", text, False)]


def _changes(entry: AuditEntry, model, names: Names) -> list[Change]:
    if entry.redacted:
        return []
    shown = set(_shown_keys(entry))
    out: list[Change] = []
    for key, before, after in _pairs(entry):
        if key not in shown:
            continue
        special = _special_changes(entry, key, after)
        if special is not None:
            out += special
            continue
        change = _field_change(entry, _field(model, key), key, before, after, names)
        if change is not None:
            out.append(change)
    return out


def _special_changes(entry: AuditEntry, key: str, after) -> list[Change] | None:
    """The lines of a key that is no field (a redaction record, an import, the demo); None for a field."""
    if entry.model == REDACTION_MODEL and key == REDACTED_KEY:
        return _redaction_changes(after)
    if key == "import":
        return _import_changes(after)
    if key == "demo":
        return [Change(_("Dữ liệu mẫu"), "", _plain(after), False)]
    return None


def _field_change(entry: AuditEntry, model_field, key: str, before, after, names: Names) -> Change | None:
    """An update's "before → after"; a new or deleted row's value alone, none when it had no value."""
    text_label = field_label(entry.model, model_field, key)
    if entry.action == AuditEntry.Action.UPDATE:
        return Change(
            text_label, format_value(model_field, before, names), format_value(model_field, after, names), True
        )
    value = before if entry.action == AuditEntry.Action.DELETE else after
    if _is_empty(value):
        return None
    return Change(text_label, "", format_value(model_field, value, names), False)


def _want_names(entry: AuditEntry, model, names: Names) -> None:
    if entry.actor_id:
        names.want(get_user_model(), entry.actor_id)
    if entry.person_id:
        names.want(Person, entry.person_id)
    for key, before, after in _pairs(entry):
        model_field = _field(model, key)
        if _is_reference(model_field):
            names.want(model_field.related_model, before)
            names.want(model_field.related_model, after)


def action_words(entry: AuditEntry) -> str:
    changes = entry.changes or {}
    if entry.model == REDACTION_MODEL:
        return _("Xóa nội dung nhật ký theo thời hạn lưu trữ")
    if "import" in changes:
        return _("Nhập danh sách")
    if "demo" in changes:
        return _("Nạp dữ liệu mẫu")
    if entry.model == "registry.PartyMembership" and changes and set(changes) <= NATIONAL_DB:
        return _national_db_words(changes)
    if entry.model == "pipeline.DossierItem" and entry.action == AuditEntry.Action.DELETE:
        return _("Rút bản ghi giấy tờ")
    return str(ACTIONS.get(entry.action, entry.action))


def _national_db_words(changes: dict) -> str:
    """A member marked as entered in the national party-member database (CSDL đảng viên), or unmarked."""
    entered = changes.get("national_db_entered_on", [None, None])
    return _("Đánh dấu đã nhập CSDL đảng viên") if entered[1] else _("Bỏ dấu đã nhập CSDL đảng viên")


def subject(entry: AuditEntry) -> str:
    """What the entry is about, as recorded (str of the object then); a step's stored code ("sympathise 02/02/2024: …")
    reads as the step's name, a date as dd/mm/yyyy; an emptied entry says so."""
    if entry.redacted:
        return redacted_text()
    text = entry.object_repr
    if entry.model == "pipeline.Step":
        code, _sep, rest = text.partition(" ")
        if code in StepKind.values:
            text = f"{StepKind(code).label} {rest}"
    return ISO_DAY_IN_TEXT.sub(lambda m: _day(m.group(0)), text)  # a version's "(01/01/2015–2025-07-01)"


def present(entries: Iterable[AuditEntry], *, people=None) -> list[ReadableEntry]:
    """Readable rows for `entries` (in their order). `people`: the people the reader may name (a queryset; None =
    everyone), so an entry never names someone outside the reader's scope, even as an introducer or a helper."""
    entries = list(entries)
    names = Names(people)
    kinds = {label: model_for(label) for label in {e.model for e in entries}}
    for entry in entries:
        _want_names(entry, kinds[entry.model], names)
    names.load()
    user_model = get_user_model()
    rows = []
    for entry in entries:
        who = names.name(user_model, entry.actor_id) if entry.actor_id else _("Hệ thống")
        person_name = names.found[Person][entry.person_id] if entry.person_id in names.readable_people else ""
        rows.append(
            ReadableEntry(
                id=entry.pk,
                at=timezone.localtime(entry.at) if timezone.is_aware(entry.at) else entry.at,
                who=who,
                action=action_words(entry),
                kind=kind_name(entry.model),
                subject=subject(entry),
                person_id=entry.person_id,
                person_name=person_name,
                note=entry.note,
                changes=_changes(entry, kinds[entry.model], names),
                redacted=entry.redacted,
            )
        )
    return rows
