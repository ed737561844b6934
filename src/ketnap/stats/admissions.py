"""Who was admitted, when, and by which organisation: the one definition that targets, the statistical forms and the
reports all count with.

- An admission is counted on the date of the admission decision (quyết định kết nạp, 9-KNĐ): party seniority runs
  from it (Điều lệ Đảng Điều 5 khoản 4) and the statistical forms count new members by it.
- It belongs to the chi bộ the member was admitted into: the organisation of the membership's first event.
  ADMITTED events come from the pipeline (at the ceremony). A member entered into the register as already belonging
  to the cell (REGISTERED: e.g. taken over from paper books) counts as admitted there on their decision date; a
  member transferred in (TRANSFERRED_IN) was admitted elsewhere and does not count.
- A candidate whose decision is recorded but whose ceremony is still to come (stage DECIDED: no membership yet)
  counts on the decision step's date, with the candidate's chi bộ.
- Ended memberships still count: the admission happened (a later removal is a decrease, not an un-admission).
"""

import datetime as dt
from dataclasses import dataclass

from ketnap.registry.enums import MembershipEventKind
from ketnap.registry.models import MembershipEvent, Organization, OrganizationSuccession
from ketnap.stats.periods import Period

COUNTED_ENTRIES = (MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED)


@dataclass(frozen=True)
class Admission:
    person_id: int
    organization_id: int  # the chi bộ that admitted
    decided_on: dt.date
    membership_id: int | None  # None: decided, ceremony still to come
    is_readmission: bool


def admissions(period: Period | None = None) -> list[Admission]:
    """Every admission (in `period` if given), from two narrow queries."""
    from ketnap.pipeline.enums import Stage, StepKind
    from ketnap.pipeline.models import Step

    first_events: dict[int, tuple] = {}
    events = (
        MembershipEvent.objects.order_by("membership_id", "on", "id")
        .values_list(
            "membership_id",
            "kind",
            "organization_after_id",
            "on",
            "membership__person_id",
            "membership__decision_date",
            "membership__is_readmission",
        )
        .filter(membership__decision_date__isnull=False)
    )
    if period is not None:
        events = events.filter(membership__decision_date__range=(period.start, period.end))
    for row in events:
        first_events.setdefault(row[0], row)
    out = [
        Admission(person_id, org_id, decided, membership_id, readmission)
        for membership_id, kind, org_id, _on, person_id, decided, readmission in first_events.values()
        if kind in COUNTED_ENTRIES
    ]
    decided_steps = Step.objects.filter(
        kind=StepKind.DECISION, passed=True, candidate__stage=Stage.DECIDED, candidate__membership__isnull=True
    ).values_list("candidate__person_id", "candidate__organization_id", "on", "candidate__is_readmission")
    if period is not None:
        decided_steps = decided_steps.filter(on__range=(period.start, period.end))
    out += [Admission(person_id, org_id, on, None, readmission) for person_id, org_id, on, readmission in decided_steps]
    return out


class Attribution:
    """Maps the organisation an admission was made in to a node of the tree being shown.

    An organisation that no longer exists (merged, split) hands its admissions to its successor: the single one of a
    merge; for a split, the successor that holds the member now, else the first. An organisation outside the shown
    tree and without a successor in it counts for its nearest ancestor in the tree, if any (paths are kept when an
    organisation ends).
    """

    def __init__(self, node_ids: set[int]):
        self.node_ids = node_ids
        self.successors: dict[int, list[int]] = {}
        for pred, succ in OrganizationSuccession.objects.order_by("on", "id").values_list(
            "predecessor_id", "successor_id"
        ):
            self.successors.setdefault(pred, []).append(succ)
        self._paths = dict(Organization.objects.values_list("pk", "path"))
        self._cache: dict[int, int | None] = {}

    def node_for(self, org_id: int, current_org_id: int | None = None) -> int | None:
        if org_id in self._cache:  # only answers that did not depend on the member (no split on the way)
            return self._cache[org_id]
        start = org_id
        seen: set[int] = set()
        found = None
        split = False
        while org_id is not None and org_id not in seen:
            if org_id in self.node_ids:
                found = org_id
                break
            seen.add(org_id)
            nexts = self.successors.get(org_id) or []
            if len(nexts) > 1:
                split = True
                if current_org_id is not None:
                    holder = self._paths.get(current_org_id, "")
                    nexts = [n for n in nexts if holder.startswith(self._paths.get(n, "\0"))] or nexts
            org_id = nexts[0] if nexts else None
        if found is None:
            # dissolved without successor: its nearest ancestor in the tree (by the path it keeps) counts it
            ancestors = [int(part) for part in self._paths.get(start, "").strip("/").split("/")[:-1] if part]
            found = next((a for a in reversed(ancestors) if a in self.node_ids), None)
        if not split:
            self._cache[start] = found
        return found
