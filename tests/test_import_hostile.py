"""Hostile rosters: a zip bomb, a 5 MB cell, a 5 MB CSV field, XML entity expansion, huge values in error messages.

The files are generated in a temporary directory at test time (never committed): the zip bomb is ~1 MB on disk
(deflate tops out near 400:1 on repeated rows) and ~400 MB of sheet XML once inflated, written by streaming the
same rows through deflate (nothing large is ever held or written uncompressed).

What these tests define:
- `ketnap import staff FILE --org BVDKT` on any of them exits 1, writes nothing, prints no traceback, and says in
  Vietnamese that the file is too large, naming the limit (a line with "giới hạn" and a number), except the
  entity file, which is refused as damaged (a file the office's software never writes);
- reading them (ketnap.imports.reader.Roster(path).rows(), consumed to the end) raises ImportFileError, in a fresh
  process whose peak resident memory stays under 300 MB;
- an error message that quotes a cell quotes at most ~200 characters of it, however long the cell.
"""

import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ketnap.audit.models import AuditEntry
from ketnap.registry.models import Person
from tests.test_import_corpus import build_hospital
from tests.test_imports import run

ORG = "BVDKT"
MARK = "ABCDEFGHIJ"  # a huge value is this, repeated: how much of it a message quotes is easy to measure
PEAK_RSS_LIMIT = 300 * 2**20
BOMB_EXPANDED = 400 * 2**20
HEAD = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Khoa/phòng"]
ROW = [1, "Nguyễn Văn An", "01/02/1990", "Nam", "022090000123", "Khoa Nội tổng hợp"]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
        '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}
EMPTY_SST = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{NS}" count="0" uniqueCount="0"/>'


def _cell(value) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _row(values) -> str:
    return "<row>" + "".join(_cell(v) for v in values) + "</row>"


def write_xlsx(path: Path, chunks, shared_strings: str = EMPTY_SST) -> Path:
    """An .xlsx whose sheet XML is the concatenation of `chunks` (strings), streamed through deflate."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in chunks:
                part.write(chunk.encode("utf-8"))
    return path


def sheet(rows_xml):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}"><sheetData>'
    yield from rows_xml
    yield "</sheetData></worksheet>"


def zip_bomb(path: Path) -> Path:
    """A roster heading, then ~16 million rows of the same one cell: ~1 MB deflated, 400 MB of XML inflated."""
    row = _row([1])
    block = row * ((1 << 20) // len(row.encode()))  # ~1 MB of identical rows
    repeat = BOMB_EXPANDED // len(block.encode()) + 1
    return write_xlsx(path, sheet([_row(HEAD), *(block for _ in range(repeat))]))


def huge_cell_xlsx(path: Path) -> Path:
    huge = "Nguyễn " + MARK * (5 * 2**20 // len(MARK))  # 5 MB in one cell (Excel stops at 32,767 characters)
    return write_xlsx(path, sheet([_row(HEAD), _row(ROW), _row([2, huge, *ROW[2:4], "022090000124", ROW[5]])]))


def huge_field_csv(path: Path) -> Path:
    huge = "Nguyễn " + MARK * (5 * 2**20 // len(MARK))
    lines = [",".join(HEAD), ",".join(map(str, ROW)), ",".join(["2", huge, *ROW[2:4], "022090000124", ROW[5]])]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def entities_xlsx(path: Path) -> Path:
    """Billion laughs in sharedStrings.xml: 10 levels of 10 × → 10⁹ copies of a 10-character string."""
    levels = ['<!ENTITY e0 "' + MARK + '">']
    for level in range(1, 10):
        levels.append(f'<!ENTITY e{level} "' + f"&e{level - 1};" * 10 + '">')
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [' + "".join(levels) + "]>"
        f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&e9;</t></si></sst>'
    )
    name_cell = '<c t="s"><v>0</v></c>'
    data = "<row>" + _cell(1) + name_cell + "".join(_cell(v) for v in ROW[2:]) + "</row>"
    return write_xlsx(path, sheet([_row(HEAD), data]), shared_strings=sst)


HOSTILE = {
    "zip-bomb.xlsx": zip_bomb,
    "o-5-mb.xlsx": huge_cell_xlsx,
    "truong-5-mb.csv": huge_field_csv,
    "thuc-the-xml.xlsx": entities_xlsx,
}
TOO_LARGE = r"giới hạn.*\d|\d.*giới hạn"  # the file is too large, and the limit is named
REFUSAL = {  # what one line of the message says
    "zip-bomb.xlsx": TOO_LARGE,
    "o-5-mb.xlsx": TOO_LARGE,
    "truong-5-mb.csv": TOO_LARGE,
    "thuc-the-xml.xlsx": "bị hỏng hoặc không đúng định dạng",  # a file the office's software never writes
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder / name) for name, make in HOSTILE.items()}


def test_the_zip_bomb_is_small_on_disk_and_huge_inflated(hostile):
    path = hostile["zip-bomb.xlsx"]
    assert path.stat().st_size < 2 * 2**20
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size >= BOMB_EXPANDED


def longest_quote(text: str) -> int:
    return max((len(m) for m in re.findall(f"(?:{MARK})+", text)), default=0)


@pytest.mark.parametrize(("name", "says"), REFUSAL.items(), ids=list(REFUSAL))
def test_hostile_file_is_refused_and_nothing_is_written(db, hostile, name, says):
    build_hospital()
    audit = AuditEntry.objects.count()
    code, out, err = run("staff", hostile[name], "--org", ORG)
    assert code == 1, f"{out}\n{err}"
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == audit
    assert "Traceback" not in out + err
    assert "không có gì được ghi" in err.lower()
    assert len(out) + len(err) < 20_000, "the messages must not echo the file"
    assert longest_quote(out + err) <= 200
    assert [line for line in err.splitlines() if re.search(says, line)], f"no line says {says!r}:\n{err}"


CHILD = textwrap.dedent(
    """
    import os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
    import django
    django.setup()
    from ketnap.imports.reader import ImportFileError, Roster
    status = 0
    try:
        rows = 0
        for _row in Roster(sys.argv[1]).rows():
            rows += 1
        print(f"ROWS={rows}")
    except ImportFileError as exc:
        print(f"REFUSED={exc}")
        status = 3
    finally:
        # VmHWM: this process's own peak. ru_maxrss would not do: Linux carries the forking parent's peak across
        # exec, so a pytest worker grown large after hundreds of tests made every child look 310 MB big
        peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(f"MAXRSS={int(peak.split()[1]) * 1024}")
    sys.exit(status)
    """
)


def _cap_address_space():  # a safety net: a runaway reader fails in the child instead of swapping the machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


@pytest.mark.slow  # a fresh Python and Django for each file; the refusal itself is tested in this process above
@pytest.mark.parametrize("name", list(HOSTILE))
def test_reading_a_hostile_file_is_refused_in_bounded_memory(hostile, name, tmp_path):
    env = {"KETNAP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(hostile[name])],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=Path(__file__).parents[1],
        preexec_fn=_cap_address_space,
    )
    peak = re.search(r"MAXRSS=(\d+)", done.stdout)
    assert peak, f"the child did not finish:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert int(peak.group(1)) < PEAK_RSS_LIMIT, f"peak RSS {int(peak.group(1)) / 2**20:.0f} MB"
    assert done.returncode == 3, f"Roster must refuse {name}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert longest_quote(done.stdout) <= 200


def long_value_roster(path: Path) -> Path:
    """A normal roster where two cells are long (30,000 characters, under Excel's limit) and wrong."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["DANH SÁCH CÁN BỘ, VIÊN CHỨC, NGƯỜI LAO ĐỘNG"])
    ws.append([])
    ws.append(HEAD)
    ws.append(ROW)
    ws.append([2, "Trần Thị Bình", "1" + MARK * 3000, "Nữ", "022190000125", "Khoa Nội tổng hợp"])
    ws.append([3, "Lê Văn Cường", "03/04/1985", "Nam", "022085000126", "Khoa " + MARK * 3000])
    workbook.save(path)
    return path


@pytest.mark.slow
def test_a_message_quoting_a_long_cell_quotes_at_most_200_characters(db, tmp_path):
    build_hospital()
    code, out, err = run("staff", long_value_roster(tmp_path / "o-dai.xlsx"), "--org", ORG)
    assert code == 1, f"{out}\n{err}"
    assert MARK in err, "the wrong values are quoted (their beginning), so the office can find them"
    assert longest_quote(out + err) <= 200, max(err.splitlines(), key=len)[:400]
    assert Person.objects.count() == 0
