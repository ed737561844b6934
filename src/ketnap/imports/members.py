"""Importing a member roster: the staff columns plus the chi bộ, status, dates and card number.

A person without an active membership is registered (event "Nhập vào sổ theo dõi", as
people.register_membership does one at a time). For an existing member, missing dates, card and decision
numbers are filled or corrected; a different chi bộ or status is refused with a message, because a move or a
recognition is a dated event with its own screen and papers, not a spreadsheet edit.
"""

from ketnap.audit.recorder import write_entry
from ketnap.imports import cells, matching
from ketnap.imports.columns import MEMBER_COLUMNS, Column
from ketnap.imports.engine import UNMATCHED, Importer, audit_value
from ketnap.registry import counted
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import MembershipEvent, Organization, PartyMembership, Person
from ketnap.vietnamese import fold

STATUSES = {
    "chinh thuc": MembershipStatus.OFFICIAL,
    "ct": MembershipStatus.OFFICIAL,
    "dang vien chinh thuc": MembershipStatus.OFFICIAL,
    "du bi": MembershipStatus.PROBATIONARY,
    "db": MembershipStatus.PROBATIONARY,
    "dang vien du bi": MembershipStatus.PROBATIONARY,
}
MEMBERSHIP_FIELDS = [
    "organization_id",
    "status",
    "decision_date",
    "ceremony_date",
    "official_date",
    "card_number",
    "decision_number",
]


class MemberImporter(Importer):
    columns = MEMBER_COLUMNS
    kind = "members"
    kind_label = "danh sách đảng viên"

    def _prepare_catalogues(self) -> None:
        super()._prepare_catalogues()
        cells_ = Organization.objects.filter(
            path__startswith=self.org.path, kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True
        )
        self.catalogues["cell"] = matching.Catalogue(
            f"các chi bộ thuộc {self.org.name}", [matching.Entry(o.pk, o.name, o.code) for o in cells_], units=True
        )
        self.memberships: dict[int, dict] = {}

    # a member roster grouped by chi bộ names the cell in the group row ("2. Chi bộ Khối Ngoại")
    GROUP_FIELDS = {"cell": "organization_id", **Importer.GROUP_FIELDS}

    def _missing_extra(self, fields: set[str]) -> list[str]:
        # without a Chi bộ column, each row needs a group row naming its cell (checked row by row)
        return ["Ngày vào Đảng"] if "decision_date" not in fields else []

    def _parse_extra(self, number: int, heading: str, column: Column, value, result: dict) -> None:
        if column.kind == "cell":
            found = self._lookup(number, heading, column, value)
            if found is UNMATCHED:
                self._unmatched_here = True
            else:
                result["organization_id"] = found
        elif column.kind == "status":
            status = STATUSES.get(fold(cells.shown(value)))
            if status is None:
                raise cells.CellError(f"'{cells.shown(value)}' không rõ; ghi Chính thức hoặc Dự bị.")
            result["status"] = status
        else:
            super()._parse_extra(number, heading, column, value, result)

    def _check_row(self, number: int, result: dict) -> dict | None:
        row = super()._check_row(number, result)
        if row is None:
            return None
        if "status" not in row:  # no status column or cell: an official date says official
            row["status"] = MembershipStatus.OFFICIAL if row.get("official_date") else MembershipStatus.PROBATIONARY
        decided, official = row.get("decision_date"), row.get("official_date")
        if row["status"] == MembershipStatus.OFFICIAL and not official:
            self._error(
                number, self._heading("official_date") or "Ngày chính thức", "đảng viên chính thức cần ngày chính thức."
            )
            return None
        if decided and official and official <= decided:
            self._error(number, self._heading("official_date"), "ngày chính thức phải sau ngày vào Đảng.")
            return None
        ceremony = row.get("ceremony_date")
        if ceremony and decided and ceremony < decided:
            self._error(number, self._heading("ceremony_date"), "lễ kết nạp không thể trước ngày quyết định kết nạp.")
            return None
        if ceremony and official and official <= ceremony:
            self._error(number, self._heading("official_date"), "ngày chính thức phải sau ngày lễ kết nạp.")
            return None
        born = row.get("birth_date")
        if born and decided and decided.year - born.year < 16:
            self._error(number, self._heading("decision_date"), "ngày vào Đảng không hợp lý so với ngày sinh.")
            return None
        if not row.get("organization_id"):
            self._error(number, self._heading("organization_id") or "Chi bộ", "thiếu chi bộ sinh hoạt.")
            return None
        return row

    def _existing(self, batch):
        by_cid, by_code = super()._existing(batch)
        pks = {p["pk"] for p in by_cid.values()} | {p["pk"] for ps in by_code.values() for p in ps}
        self.memberships = {
            m["person_id"]: m
            for m in PartyMembership.objects.filter(person_id__in=pks, status__in=MembershipStatus.active()).values(
                "pk", "person_id", "organization__name", *MEMBERSHIP_FIELDS
            )
        }
        return by_cid, by_code

    def _extra_changes(self, number: int, row: dict, person: dict):
        membership = self.memberships.get(person["pk"])
        wanted = {k: row[k] for k in MEMBERSHIP_FIELDS if k in row}
        if membership is None:
            if not row.get("decision_date"):
                self._error(number, self._heading("decision_date"), "thiếu ngày vào Đảng.")
                return False
            return {"new": wanted}
        if wanted["organization_id"] != membership["organization_id"]:
            self._error(
                number,
                self._heading("organization_id"),
                f"đang sinh hoạt tại {membership['organization__name']}; chuyển sinh hoạt làm trên màn hình đảng "
                "viên (có ngày và căn cứ), không qua nhập tệp.",
            )
            return False
        if wanted["status"] != membership["status"]:
            self._error(
                number,
                self._heading("status") or self._heading("official_date"),
                f"đang là {MembershipStatus(membership['status']).label.lower()}; công nhận chính thức làm theo quy "
                "trình, không qua nhập tệp.",
            )
            return False
        changes = {k: v for k, v in wanted.items() if membership.get(k) != v}
        if not changes:
            return None
        return {"membership": membership["pk"], "changes": changes, "before": {k: membership.get(k) for k in changes}}

    def _after_batch(self, planned: list, new_people: list[Person]) -> None:
        creates = [p for p in planned if p[0] == "create"]
        registrations: list[tuple[int, dict]] = []
        for (_a, _n, row, _pk), person in zip(creates, new_people, strict=True):
            registrations.append((person.pk, {k: row[k] for k in MEMBERSHIP_FIELDS if k in row}))
        updates = []
        for entry in planned:
            if entry[0] == "update" and entry[4]:
                extra = entry[4]
                if "new" in extra:
                    registrations.append((entry[3], extra["new"]))
                else:
                    updates.append(extra)
        if registrations:
            made = PartyMembership.objects.bulk_create(
                [PartyMembership(person_id=pk, **values) for pk, values in registrations], batch_size=500
            )
            actor = self.user if self.user is not None and self.user.is_authenticated else None
            MembershipEvent.objects.bulk_create(
                [
                    MembershipEvent(
                        membership=m,
                        kind=MembershipEventKind.REGISTERED,
                        on=m.ceremony_date or m.decision_date or self.today,
                        status_after=m.status,
                        organization_after_id=m.organization_id,
                        recorded_by=actor,
                    )
                    for m in made
                ],
                batch_size=500,
            )
            # bulk writes send no signal: the cells, the staff-who-are-members where they work, their organisations
            first = min(m.ceremony_date or m.decision_date or self.today for m in made)
            counted.announce(counted.people_changes([m.person_id for m in made], first))
            # the person belongs to the membership's cell from now on (people.responsible_organization)
            by_cell: dict[int, list[int]] = {}
            for m in made:
                by_cell.setdefault(m.organization_id, []).append(m.person_id)
            for cell_id, person_ids in by_cell.items():
                Person.objects.filter(pk__in=person_ids).update(organization_id=cell_id)
        if updates:
            objects = PartyMembership.objects.in_bulk([u["membership"] for u in updates])
            fields: set[str] = set()
            for update in updates:
                membership = objects[update["membership"]]
                for name, value in update["changes"].items():
                    setattr(membership, name, value)
                    fields.add(name)
                # bulk_update bypasses the audit signals: each corrected membership says what it was before
                write_entry(
                    "update",
                    membership,
                    {n: [audit_value(update["before"].get(n)), audit_value(v)] for n, v in update["changes"].items()},
                    person_id=membership.person_id,
                )
            PartyMembership.objects.bulk_update(list(objects.values()), sorted(fields), batch_size=500)
            counted.edited(m.person_id for m in objects.values())
