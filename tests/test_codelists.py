"""The official code lists arrive with the migrations (registry/data/codelists.json)."""

from ketnap.registry import codelists
from ketnap.registry.models import CodeItem


def test_code_lists_are_loaded_by_the_migrations(db):
    counts = {kind: CodeItem.objects.filter(kind=kind, active=True).count() for kind in codelists.read()["lists"]}
    assert counts["ethnicity"] == 54  # QĐ 121-TCTK/PPCĐ (1979)
    assert CodeItem.objects.get(kind="ethnicity", code="01").name == "Kinh"
    assert counts["religion"] >= 17 and CodeItem.objects.filter(kind="religion", code="00", name="Không").exists()
    assert {"Trung học cơ sở", "Trung học phổ thông"} <= set(
        CodeItem.objects.filter(kind="general_education").values_list("name", flat=True)
    )
    assert CodeItem.objects.get(kind="professional_level", name="Bác sĩ chuyên khoa II").stat_group == "tien_si"


def test_a_new_version_deactivates_vanished_entries_without_deleting(db):
    data = codelists.read()
    data["version"] = "2027.1"
    data["lists"]["academic_title"]["items"] = data["lists"]["academic_title"]["items"][:1]
    codelists.load(CodeItem, data)
    titles = CodeItem.objects.filter(kind="academic_title")
    assert titles.count() == 2 and titles.filter(active=True).count() == 1
    assert set(titles.filter(active=True).values_list("list_version", flat=True)) == {"2027.1"}
