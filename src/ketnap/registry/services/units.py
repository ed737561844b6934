"""Changes to work units (đơn vị sự nghiệp, khoa/phòng); names keep their history. Office work: each write takes
the actor and asks accounts.grants (Permission.MANAGE_UNITS) before it writes."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting
from ketnap.registry.models import WorkUnit, WorkUnitVersion
from ketnap.registry.services.dates import not_in_future
from ketnap.rules.dates import ddmmyyyy


@transaction.atomic
def create_unit(
    *, actor, code: str, name: str, kind: str, parent: WorkUnit | None, on: dt.date, position: int = 0
) -> WorkUnit:
    authorize(actor, Permission.MANAGE_UNITS, parent)
    not_in_future(on)
    if WorkUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã đơn vị {code} đã được dùng."})
    with acting(actor):
        unit = WorkUnit.objects.create(
            code=code, name=name, kind=kind, parent=parent, established_on=on, position=position
        )
        WorkUnitVersion.objects.create(unit=unit, valid_from=on, name=name, parent=parent)
    return unit


@transaction.atomic
def rename_unit(unit: WorkUnit, name: str, *, actor, on: dt.date, reason: str = "") -> WorkUnit:
    authorize(actor, Permission.MANAGE_UNITS, unit)
    not_in_future(on)
    current = unit.versions.select_for_update().get(valid_to__isnull=True)
    if on <= current.valid_from:
        raise ValidationError({"on": f"Ngày đổi tên phải sau {ddmmyyyy(current.valid_from)}."})
    with acting(actor):
        current.valid_to = on
        current.save(update_fields=["valid_to"])
        WorkUnitVersion.objects.create(unit=unit, valid_from=on, name=name, parent=unit.parent, reason=reason)
        unit.name = name
        unit.save(update_fields=["name"])
    return unit


FACTS = ("has_youth_union", "has_trade_union", "area_kind")


@transaction.atomic
def set_facts(unit: WorkUnit, *, actor, **facts) -> WorkUnit:
    """Whether the unit has a base Youth Union / Trade Union and the kind of area it lies in: who introduces its
    applicants and what schooling they need (Điều lệ Điều 4 khoản 1; HD 01-HD/TW điểm 1.2)."""
    authorize(actor, Permission.MANAGE_UNITS, unit)
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise ValueError(f"unknown facts: {sorted(unknown)}")
    for name, value in facts.items():
        setattr(unit, name, value)
    with acting(actor):
        unit.save(update_fields=list(facts))
    return unit
