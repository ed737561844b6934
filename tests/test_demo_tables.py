"""The demo's data tables (ketnap/demo/tables/*.toml) come back in the shapes the generator uses, all of them read."""

import pytest

from ketnap.demo import catalogue, data
from ketnap.demo.tables import shaped


def test_every_table_of_the_files_is_read_by_its_module():
    assert data._TABLE.unread() == set()
    assert catalogue._TABLE.unread() == set()


def test_toml_arrays_take_the_shape_of_the_hint():
    value = {"BVSN": [["KKB", "CC"], [["SO-SINH", "Khoa Sơ sinh", "khoa"]]]}
    hint = dict[str, tuple[list[str], list[tuple[str, str, str]]]]
    assert shaped(value, hint) == {"BVSN": (["KKB", "CC"], [("SO-SINH", "Khoa Sơ sinh", "khoa")])}
    assert shaped(["XN", "CDHA", "XN"], set[str]) == {"XN", "CDHA"}
    assert shaped({"25": 0.12}, dict[int, float]) == {25: 0.12}
    assert shaped([["Nguyễn", 38.0]], list[tuple[str, float]]) == [("Nguyễn", 38.0)]


def test_a_value_of_the_wrong_kind_is_refused():
    with pytest.raises(TypeError, match="is not"):
        shaped(["Nguyễn", "38"], tuple[str, float])
    with pytest.raises(ValueError):  # a tuple of three read from two
        shaped(["BGD", "Ban Giám đốc"], tuple[str, str, str])


def test_the_shapes_are_those_the_generator_relies_on():
    assert isinstance(catalogue.BOARD, tuple)
    assert isinstance(catalogue.PARACLINICAL, set)
    assert all(isinstance(row, tuple) for row in data.HOSPITAL_DEPARTMENTS)
    assert isinstance(data.PROVINCIAL_UNITS[0]["under_syt_2023"], bool)
