"""Importing a member roster: the staff columns plus the chi bộ, status, dates and card number.

A person without an active membership is registered (event "Nhập vào sổ theo dõi", as
people.register_membership does one at a time). For an existing member, missing dates, card and decision
numbers are filled or corrected; a different chi bộ or status is refused with a message, because a move or a
recognition is a dated event with its own screen and papers, not a spreadsheet edit.
"""

from collections import defaultdict

from ketnap.audit.context import as_user
from ketnap.audit.recorder import write_entry
from ketnap.imports import cells, matching
from ketnap.imports.columns import MEMBER_COLUMNS, Column
from ketnap.imports.engine import UNMATCHED, Importer, audit_value
from ketnap.registry import counted
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import MembershipEvent, Organization, PartyMembership, Person
from ketnap.rules.membership_dates import MembershipDates, check_dates
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
        if not self._dates_hold(number, row, row.get("birth_date")):
            return None
        if not row.get("organization_id"):
            self._error(number, self._heading("organization_id") or "Chi bộ", "thiếu chi bộ sinh hoạt.")
            return None
        return row

    def _dates_hold(self, number: int, membership: dict, born) -> bool:
        """The order of the membership's dates (rules.membership_dates, as registering one on its screen); the
        first problem is reported on its column."""
        dates = MembershipDates(
            membership["status"] == MembershipStatus.OFFICIAL,
            membership.get("decision_date"),
            membership.get("ceremony_date"),
            membership.get("official_date"),
            born,
        )
        problems = check_dates(dates).blocking
        if problems:
            field, message = problems[0].field, problems[0].message
            # the column the file lacks is named as ketnap labels it (a correction may meet a date already stored);
            # the message goes on after "Dòng n, cột '…': ", like every other
            self._error(number, self._heading(field) or self._label(field), message[0].lower() + message[1:])
        return not problems

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
            # a row without a birth date was checked without one: the register has it
            if not row.get("birth_date") and not self._dates_hold(number, wanted, person["birth_date"]):
                return False
            return {"new": wanted}
        if self._refused_change(number, wanted, membership):
            return False
        return self._correction(number, wanted, membership, row.get("birth_date") or person["birth_date"])

    def _correction(self, number: int, wanted: dict, membership: dict, born):
        """What the row fills or corrects on the membership (None: nothing, False: refused)."""
        changes = {k: v for k, v in wanted.items() if membership.get(k) != v}
        if not changes:
            return None
        # the corrected dates must hold together with those the file leaves as they are
        if not self._dates_hold(number, {**membership, **changes}, born):
            return False
        return {"membership": membership["pk"], "changes": changes, "before": {k: membership.get(k) for k in changes}}

    def _refused_change(self, number: int, wanted: dict, membership: dict) -> bool:
        """A move or a recognition is a dated event with its own screen and papers, not a spreadsheet edit."""
        if wanted["organization_id"] != membership["organization_id"]:
            self._error(
                number,
                self._heading("organization_id"),
                f"đang sinh hoạt tại {membership['organization__name']}; chuyển sinh hoạt làm trên màn hình đảng "
                "viên (có ngày và căn cứ), không qua nhập tệp.",
            )
            return True
        if wanted["status"] != membership["status"]:
            self._error(
                number,
                self._heading("status") or self._heading("official_date"),
                f"đang là {MembershipStatus(membership['status']).label.lower()}; công nhận chính thức làm theo quy "
                "trình, không qua nhập tệp.",
            )
            return True
        return False

    def _after_batch(self, planned: list, new_people: list[Person]) -> None:
        registrations = _registrations(planned, new_people)
        corrections = [entry[4] for entry in planned if entry[0] == "update" and entry[4] and "new" not in entry[4]]
        if registrations:
            self._register(registrations)
        if corrections:
            self._correct(corrections)

    def _register(self, registrations: list[tuple[int, dict]]) -> None:
        """New memberships, each with its event "Nhập vào sổ theo dõi" dated by the ceremony (else the decision)."""
        made = PartyMembership.objects.bulk_create(
            [PartyMembership(person_id=pk, **values) for pk, values in registrations], batch_size=500
        )
        actor = as_user(self.user)
        MembershipEvent.objects.bulk_create(
            [
                MembershipEvent(
                    membership=m,
                    kind=MembershipEventKind.REGISTERED,
                    on=self._registered_on(m),
                    status_after=m.status,
                    organization_after_id=m.organization_id,
                    recorded_by=actor,
                )
                for m in made
            ],
            batch_size=500,
        )
        # bulk writes send no signal: the cells, the staff-who-are-members where they work, their organisations
        first = min(self._registered_on(m) for m in made)
        counted.announce(counted.people_changes([m.person_id for m in made], first))
        # the person belongs to the membership's cell from now on (people.responsible_organization)
        by_cell: dict[int, list[int]] = defaultdict(list)
        for m in made:
            by_cell[m.organization_id].append(m.person_id)
        for cell_id, person_ids in by_cell.items():
            Person.objects.filter(pk__in=person_ids).update(organization_id=cell_id)

    def _registered_on(self, membership: PartyMembership):
        return membership.ceremony_date or membership.decision_date or self.today

    def _correct(self, corrections: list[dict]) -> None:
        """Filled or corrected dates and numbers of existing memberships, each audited with what it was before
        (bulk_update bypasses the audit signals)."""
        objects = PartyMembership.objects.in_bulk([c["membership"] for c in corrections])
        fields: set[str] = set()
        for correction in corrections:
            membership, changes = objects[correction["membership"]], correction["changes"]
            for name, value in changes.items():
                setattr(membership, name, value)
            fields |= set(changes)
            write_entry(
                "update",
                membership,
                {n: [audit_value(correction["before"].get(n)), audit_value(v)] for n, v in changes.items()},
                person_id=membership.person_id,
            )
        PartyMembership.objects.bulk_update(list(objects.values()), sorted(fields), batch_size=500)
        counted.edited(m.person_id for m in objects.values())


def _registrations(planned: list, new_people: list[Person]) -> list[tuple[int, dict]]:
    """(person pk, membership values) to register: the people just created, then those already in the register who
    were not yet members."""
    creates = [entry for entry in planned if entry[0] == "create"]
    found = [
        (person.pk, {k: row[k] for k in MEMBERSHIP_FIELDS if k in row})
        for (_action, _number, row, _pk), person in zip(creates, new_people, strict=True)
    ]
    return found + [
        (entry[3], entry[4]["new"]) for entry in planned if entry[0] == "update" and "new" in (entry[4] or {})
    ]
