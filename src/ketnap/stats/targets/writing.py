"""Writing targets: `set_target` and `split_target` are the only entry points (by the office of the organisation or
above: accounts.grants; validated, atomic, audited through the recorder's signals, attributed to the actor)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user
from ketnap.registry.models import Organization
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats.models import PeriodKind, Target, period_label


def _is_count(value) -> bool:
    """A number of people: a whole number (a bool is not one) from 0 up."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _missing(kind, starts_on, ends_on, admissions_) -> dict[str, str]:
    """The fields left empty or out of range: nothing else is checked until they are filled in."""
    errors: dict[str, str] = {}
    if kind not in PeriodKind.values:
        errors["kind"] = _("Chọn loại kỳ: nhiệm kỳ, năm hoặc kế hoạch khác.")
    if starts_on is None:
        errors["starts_on"] = _("Nhập ngày bắt đầu của kỳ (dd/mm/yyyy).")
    if ends_on is None:
        errors["ends_on"] = _("Nhập ngày kết thúc của kỳ (dd/mm/yyyy).")
    if not _is_count(admissions_):
        errors["admissions"] = _("Số đảng viên kết nạp (chỉ tiêu) phải là số nguyên từ 0 trở lên.")
    return errors


def _period_errors(kind, starts_on: dt.date, ends_on: dt.date) -> dict[str, str]:
    """The first way the dates fail to make a period of this kind, if any."""
    if ends_on < starts_on:
        return {"ends_on": _("Ngày kết thúc phải từ ngày bắt đầu (%(start)s) trở đi.") % {"start": ddmmyyyy(starts_on)}}
    if kind == PeriodKind.YEAR and (starts_on, ends_on) != (
        dt.date(starts_on.year, 1, 1),
        dt.date(starts_on.year, 12, 31),
    ):
        return {"starts_on": _("Chỉ tiêu năm tính từ 01/01 đến 31/12 của cùng một năm.")}
    if kind == PeriodKind.TERM and ends_on.year == starts_on.year:
        return {
            "ends_on": _("Nhiệm kỳ đại hội kéo dài nhiều năm (từ đại hội này đến đại hội sau): kiểm tra ngày kết thúc.")
        }
    return {}


def _ended_errors(organization: Organization, starts_on: dt.date) -> dict[str, str]:
    """An organisation that ended before the period begins gets no target."""
    if organization.dissolved_on and organization.dissolved_on <= starts_on:
        return {
            "organization": _("%(org)s đã kết thúc hoạt động từ %(day)s, trước khi kỳ bắt đầu.")
            % {"org": organization.name, "day": ddmmyyyy(organization.dissolved_on)}
        }
    return {}


def _duplicate_errors(organization, kind, starts_on, ends_on, target: Target | None) -> dict[str, str]:
    """One target per organisation, kind and start: another one for the same period is edited, not added."""
    same = Target.objects.filter(organization=organization, kind=kind, starts_on=starts_on)
    if target is not None:
        same = same.exclude(pk=target.pk)
    if not same.exists():
        return {}
    values = {"org": organization.name, "period": period_label(kind, starts_on, ends_on)}
    return {"starts_on": _("%(org)s đã có chỉ tiêu %(period)s; hãy sửa chỉ tiêu đó thay vì nhập mới.") % values}


def _validate(organization, kind, starts_on, ends_on, admissions_, target: Target | None) -> dict[str, str]:
    """The errors by field, checked in order: filled in, then a valid period for a running organisation, then new."""
    errors = _missing(kind, starts_on, ends_on, admissions_)
    if not errors:
        errors = {**_period_errors(kind, starts_on, ends_on), **_ended_errors(organization, starts_on)}
    if not errors:
        errors = _duplicate_errors(organization, kind, starts_on, ends_on, target)
    return errors


@transaction.atomic
def set_target(
    organization: Organization,
    *,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    admissions: int,
    basis: str = "",
    note: str = "",
    actor,
    target: Target | None = None,
) -> Target:
    """Create the organisation's target for a period, or change `target` (its organisation stays).

    Raises ValidationError keyed by field (kind, starts_on, ends_on, admissions, organization), in Vietnamese.
    """
    authorize(actor, Permission.MANAGE_WITHIN, organization)
    if target is not None and target.organization_id != organization.pk:
        raise ValidationError({"organization": _("Không thể chuyển chỉ tiêu sang tổ chức khác.")})
    errors = _validate(organization, kind, starts_on, ends_on, admissions, target)
    if errors:
        raise ValidationError(errors)
    if target is None:
        target = Target(organization=organization, created_by=as_user(actor))
    target.kind, target.starts_on, target.ends_on = kind, starts_on, ends_on
    target.admissions, target.basis, target.note = admissions, basis.strip(), note.strip()
    with acting(actor):
        target.save()
    return target


def _share_errors(parent_target: Target, child: Organization, share: int | None) -> list[str]:
    """Why `child` cannot take `share` of the parent's target: not a direct child, ended, or not a count."""
    parent = parent_target.organization
    errors = []
    if child.parent_id != parent.pk:
        errors.append(_("%(child)s không trực thuộc %(parent)s.") % {"child": child.name, "parent": parent.name})
    elif child.dissolved_on and child.dissolved_on <= parent_target.starts_on:
        errors.append(
            _("%(child)s đã kết thúc hoạt động từ %(day)s.")
            % {"child": child.name, "day": ddmmyyyy(child.dissolved_on)}
        )
    if share is not None and not _is_count(share):
        errors.append(_("%(child)s: số chỉ tiêu phải là số nguyên từ 0 trở lên.") % {"child": child.name})
    return errors


def _split_basis(parent_target: Target) -> str:
    """The basis a new part records: stored with the target, so in the office's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"Phân bổ từ chỉ tiêu {parent_target.label} của {parent_target.organization.name}"


def _part(parent_target: Target, child: Organization, share: int, existing: Target | None, basis: str, actor) -> Target:
    """The child's part of the parent's target: created, changed, or left as it is when it already says `share`."""
    if existing is not None and existing.admissions == share and existing.ends_on == parent_target.ends_on:
        return existing
    target = existing
    if target is None:
        target = Target(
            organization=child,
            kind=parent_target.kind,
            starts_on=parent_target.starts_on,
            created_by=as_user(actor),
            basis=basis,
        )
    target.ends_on, target.admissions = parent_target.ends_on, share
    target.save()
    return target


@transaction.atomic
def split_target(parent_target: Target, shares: dict[Organization, int | None], *, actor) -> list[Target]:
    """Give each direct child organisation its part of `parent_target` (same kind and dates), by who manages the
    parent's organisation (and so the children's).

    A share of None leaves that child's target as it is. The parts need not add up to the parent's target (a committee
    may keep a reserve or ask more of its cells); the pages show the difference. Everything is validated before
    anything is written, so an error leaves no part saved.
    """
    authorize(actor, Permission.MANAGE_WITHIN, parent_target.organization)
    errors = [error for child, share in shares.items() for error in _share_errors(parent_target, child, share)]
    if errors:
        raise ValidationError({"shares": errors})
    existing = {
        t.organization_id: t
        for t in Target.objects.select_for_update().filter(
            organization__in=list(shares), kind=parent_target.kind, starts_on=parent_target.starts_on
        )
    }
    basis = _split_basis(parent_target)
    with acting(actor):
        return [
            _part(parent_target, child, share, existing.get(child.pk), basis, actor)
            for child, share in shares.items()
            if share is not None
        ]


def suggest_split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """A split of `total` proportional to `weights` (members per organisation), by largest remainder: whole
    admissions that add up to the total. A suggestion shown beside each field, never applied."""
    whole = sum(weights.values())
    if not whole:
        return {}
    shares = {pk: total * w / whole for pk, w in weights.items()}
    out = {pk: int(v) for pk, v in shares.items()}
    for pk in sorted(shares, key=lambda k: -(shares[k] - out[k]))[: total - sum(out.values())]:
        out[pk] += 1
    return out
