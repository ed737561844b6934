import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ketnap import vietnamese as vn


def by_key(names):
    return sorted(names, key=lambda n: vn.sort_key(n))


def test_letters_follow_the_vietnamese_alphabet_not_code_points():
    # a ă â b c d đ e ê … : code-point order would put Đ, Ă, Â after Z.
    assert by_key(["Đông", "Dũng", "Ân", "Ăn", "An", "Bảo", "Yến", "Ê", "Em"]) == [
        "An",
        "Ăn",
        "Ân",
        "Bảo",
        "Dũng",
        "Đông",
        "Em",
        "Ê",
        "Yến",
    ]


def test_tones_break_ties_in_dictionary_order():
    # ngang < huyền < hỏi < ngã < sắc < nặng (CLDR vi; Hoàng Phê's dictionary)
    assert by_key(["Ạnh", "Ánh", "Ãnh", "Ảnh", "Ành", "Anh"]) == ["Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh"]
    # a tone never outweighs a letter: "Ánh" before "Anhi"
    assert by_key(["Anhi", "Ánh"]) == ["Ánh", "Anhi"]


def test_people_sort_by_given_then_family_then_middle():
    people = [("Nguyễn", "Văn", "Bình"), ("Trần", "Thị", "An"), ("Lê", "Văn", "An"), ("Lê", "Thị", "An")]
    ordered = sorted(people, key=lambda p: vn.sort_key(p[2], p[0], p[1]))
    assert ordered == [
        ("Lê", "Thị", "An"),
        ("Lê", "Văn", "An"),
        ("Trần", "Thị", "An"),
        ("Nguyễn", "Văn", "Bình"),
    ]


def test_the_whole_given_name_with_tones_comes_before_the_family_name():
    assert sorted([("Dũng", "Lê"), ("Dung", "Lý")], key=lambda p: vn.sort_key(*p)) == [
        ("Dung", "Lý"),
        ("Dũng", "Lê"),
    ]


def test_a_shorter_given_name_sorts_before_its_extensions():
    assert by_key(["Anh", "An"]) == ["An", "Anh"]
    assert vn.sort_key("An", "Trần") < vn.sort_key("Anh", "Nguyễn")


def test_composed_and_decomposed_input_give_the_same_key():
    name = "Nguyễn Thị Ánh"
    assert vn.sort_key(unicodedata.normalize("NFD", name)) == vn.sort_key(unicodedata.normalize("NFC", name))


def test_fold_strips_marks_and_d_stroke():
    assert vn.fold("  Nguyễn  Văn ĐẶNG Ân ") == "nguyen van dang an"


def test_split_full_name_family_first():
    assert vn.split_full_name("nguyễn thị thu HÀ") == ("Nguyễn", "Thị Thu", "Hà")
    assert vn.split_full_name("Lê An") == ("Lê", "", "An")
    assert vn.split_full_name("") == ("", "", "")


@given(st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậ ", max_size=12), max_size=8))
def test_sort_key_is_a_total_order_consistent_with_equality_of_letters(words):
    keys = [vn.sort_key(w) for w in words]
    assert all(k.isdigit() for k in keys)  # ASCII digits only: same order in SQLite and PostgreSQL
    assert sorted(keys) == [vn.sort_key(w) for w in sorted(words, key=vn.sort_key)]


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    assert vn.fold(vn.fold(text)) == vn.fold(text)
