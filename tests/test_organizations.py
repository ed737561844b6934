import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ketnap.audit.context import SYSTEM
from ketnap.registry import indicators, tree
from ketnap.registry.enums import MembershipStatus, OrgChange, OrgKind
from ketnap.registry.models import Organization, OrganizationSuccession
from ketnap.registry.services import organizations as svc
from tests import factories as f

REFORM = dt.date(2025, 7, 1)


def test_paths_make_subtrees_one_prefix(world):
    assert world.cell_a1.path.startswith(world.hospital_a.path)
    assert world.cell_a1.depth == 3
    assert set(Organization.objects.filter(path__startswith=world.hospital_a.path)) == {
        world.hospital_a,
        world.cell_a1,
        world.cell_a2,
    }


def test_kinds_only_nest_as_the_charter_allows(world):
    with pytest.raises(ValidationError, match="Chi bộ trực thuộc không thể trực thuộc Đảng bộ cấp trên cơ sở"):
        f.org("X", "Chi bộ lạc chỗ", OrgKind.CELL, world.upper)


def test_rename_keeps_the_old_name_for_the_old_dates(world):
    svc.rename(world.hospital_a, "Đảng bộ Trung tâm Y tế khu vực A", on=REFORM, reason="QĐ 294-QĐ/TW", actor=SYSTEM)
    _, before = tree.tree_on(dt.date(2024, 1, 1))
    _, after = tree.tree_on(dt.date(2025, 8, 1))
    assert [v.name for v in before[world.upper.pk] if v.organization_id == world.hospital_a.pk] == [
        "Đảng bộ Bệnh viện A"
    ]
    assert [v.name for v in after[world.upper.pk] if v.organization_id == world.hospital_a.pk] == [
        "Đảng bộ Trung tâm Y tế khu vực A"
    ]


def test_move_rewrites_the_subtree_and_history_keeps_the_old_parent(world):
    new_upper = f.org("UBND", "Đảng bộ UBND tỉnh", OrgKind.UPPER, world.province, on=dt.date(2025, 2, 1))
    svc.move(world.hospital_a, new_upper, on=REFORM, actor=SYSTEM)
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.path.startswith(new_upper.path) and world.cell_a1.depth == 3
    _, children_2023 = tree.tree_on(dt.date(2023, 6, 30))
    assert world.hospital_a.pk in [v.organization_id for v in children_2023[world.upper.pk]]
    assert new_upper.pk not in {v.organization_id for vs in children_2023.values() for v in vs}


def test_move_into_own_subtree_is_refused(world):
    with pytest.raises(ValidationError, match="chính nó"):
        svc.move(world.hospital_a, world.cell_a1, on=REFORM, actor=SYSTEM)


def test_changes_cannot_go_back_before_the_last_change(world):
    svc.rename(world.cell_a1, "Chi bộ Nội tổng hợp", on=dt.date(2024, 1, 1), actor=SYSTEM)
    with pytest.raises(ValidationError, match="01/01/2024"):
        svc.rename(world.cell_a1, "Chi bộ Nội", on=dt.date(2023, 1, 1), actor=SYSTEM)


def test_merge_moves_members_and_units_and_ends_the_source(world):
    svc.merge([world.cell_a2], into=world.cell_a1, on=REFORM, reason="Hợp nhất chi bộ", actor=SYSTEM)
    world.cell_a2.refresh_from_db()
    membership = world.dung.memberships.get()
    assert world.cell_a2.dissolved_on == REFORM
    assert membership.organization == world.cell_a1
    assert membership.events.order_by("-id").first().from_organization == world.cell_a2
    world.dung.refresh_from_db()
    assert world.dung.organization == world.cell_a1
    assert OrganizationSuccession.objects.get(predecessor=world.cell_a2).change == OrgChange.MERGED
    # counts as of a day before the merge still see two cells
    before = indicators.flatten(indicators.tree_on_day([world.hospital_a], dt.date(2024, 1, 1)))
    assert [(n.name, n.totals.members) for n in before] == [
        ("Đảng bộ Bệnh viện A", 2),
        ("Chi bộ Khoa Ngoại", 1),
        ("Chi bộ Khoa Nội", 1),
    ]


def test_split_gives_each_new_cell_its_units_and_members(world):
    cell_x = f.org("A-X", "Chi bộ Nội 1", OrgKind.CELL, world.hospital_a, on=REFORM)
    cell_y = f.org("A-Y", "Chi bộ Nội 2", OrgKind.CELL, world.hospital_a, on=REFORM)
    dept_extra = f.unit("UA-NOI2", "Khoa Nội tiết", world.unit_a, covered_by=world.cell_a1)
    moved = f.person(dept_extra, "Hoàng Văn Cường")
    f.member(moved, world.cell_a1)
    svc.split(world.cell_a1, [(cell_x, [world.dept_a1]), (cell_y, [dept_extra])], on=REFORM, actor=SYSTEM)
    assert world.an.memberships.get().organization == cell_x
    assert moved.memberships.get().organization == cell_y
    world.binh.refresh_from_db()
    assert world.binh.organization == cell_x  # a non-member follows the unit's new cell


def test_split_refuses_a_member_left_without_a_cell(world):
    cell_x = f.org("A-X", "Chi bộ Nội 1", OrgKind.CELL, world.hospital_a, on=REFORM)
    dept_extra = f.unit("UA-NOI2", "Khoa Nội tiết", world.unit_a, covered_by=world.cell_a1)
    f.member(f.person(dept_extra, "Hoàng Văn Cường"), world.cell_a1)
    with pytest.raises(ValidationError, match="Hoàng Văn Cường"):
        svc.split(world.cell_a1, [(cell_x, [world.dept_a1])], on=REFORM, actor=SYSTEM)
    assert world.an.memberships.get().organization == world.cell_a1  # nothing half-written


def test_dissolve_refuses_while_members_remain(world):
    with pytest.raises(ValidationError, match="còn 1 đảng viên"):
        svc.dissolve(world.cell_b1, on=REFORM, actor=SYSTEM)


def test_deciding_organization_follows_the_powers(world):
    # QĐ 29-QĐ/TW §4.3.2: the standing committee of the committee directly above decides ...
    assert world.cell_a1.deciding_organization() == world.upper
    # ... unless the base committee is authorised to admit.
    svc.set_powers(
        world.hospital_a, on=REFORM, authorised_to_admit=True, above_base_powers=False, competent_org=None, actor=SYSTEM
    )
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.deciding_organization() == world.hospital_a


def test_a_base_committee_with_above_base_powers_decides_for_its_cells(world):
    svc.set_powers(
        world.hospital_a, on=REFORM, authorised_to_admit=False, above_base_powers=True, competent_org=None, actor=SYSTEM
    )
    world.cell_a2.refresh_from_db()
    assert world.cell_a2.deciding_organization() == world.hospital_a


def test_a_readmitted_person_counts_once(world):
    from ketnap.registry.enums import MembershipEventKind
    from ketnap.registry.services import people

    people.end_membership(world.an.memberships.get(), MembershipEventKind.REMOVED, on=dt.date(2020, 1, 1), actor=SYSTEM)
    people.register_membership(
        world.an,
        organization=world.cell_a1,
        status=MembershipStatus.PROBATIONARY,
        decision_date=dt.date(2025, 3, 1),
        is_readmission=True,
        actor=SYSTEM,
    )
    [root] = indicators.current_tree([world.cell_a1])
    assert (root.totals.staff, root.totals.members, root.totals.non_members) == (2, 1, 1)
    assert indicators.unit_counts([world.dept_a1.pk])[world.dept_a1.pk].staff == 2


def test_current_counts_roll_up_the_tree(world):
    [root] = indicators.current_tree([world.upper])
    totals = {n.code: n.totals for n in indicators.flatten([root])}
    assert (totals["SYT"].staff, totals["SYT"].official, totals["SYT"].probationary) == (4, 2, 1)
    assert totals["BVA-NOI"].member_percent == 50.0
    assert totals["BVA-NOI"].non_members == 1
    assert totals["BVA"].members == 2


def test_future_changes_are_refused(world):
    with pytest.raises(ValidationError, match="chưa đến"):
        svc.rename(world.cell_a1, "Chi bộ tương lai", on=dt.date(2999, 1, 1), actor=SYSTEM)


def test_ended_membership_leaves_counts(world):
    from ketnap.registry.enums import MembershipEventKind
    from ketnap.registry.services import people

    people.end_membership(
        world.an.memberships.get(),
        MembershipEventKind.TRANSFERRED_OUT,
        on=REFORM,
        external_party="Đảng bộ tỉnh Hải Dương",
        actor=SYSTEM,
    )
    [root] = indicators.current_tree([world.hospital_a])
    assert root.totals.members == 1
    assert world.an.memberships.get().status == MembershipStatus.TRANSFERRED_OUT


def test_two_changes_on_one_day_both_stay_in_the_history(world):
    new_upper = f.org("UBND", "Đảng bộ UBND tỉnh", OrgKind.UPPER, world.province, on=dt.date(2025, 2, 1))
    svc.rename(world.hospital_a, "Đảng bộ Trung tâm Y tế khu vực A", on=REFORM, reason="QĐ 294-QĐ/TW", actor=SYSTEM)
    svc.move(world.hospital_a, new_upper, on=REFORM, reason="Sắp xếp tổ chức", actor=SYSTEM)
    history = [(v.change, v.valid_from, v.valid_to) for v in world.hospital_a.versions.order_by("valid_from", "id")]
    assert history == [
        (OrgChange.CREATED, f.START, REFORM),
        (OrgChange.RENAMED, REFORM, REFORM),
        (OrgChange.MOVED, REFORM, None),
    ]
    versions, _ = tree.tree_on(REFORM)
    [in_force] = [v for v in versions if v.organization_id == world.hospital_a.pk]
    assert (in_force.name, in_force.parent_id) == ("Đảng bộ Trung tâm Y tế khu vực A", new_upper.pk)
