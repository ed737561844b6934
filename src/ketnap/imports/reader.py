"""Opening a roster file and streaming the rows of one of its sheets, with a clear Vietnamese error for a bad file.

What offices actually send: .xlsx, legacy .xls (Excel 97–2003), .ods (LibreOffice), CSV saved by Excel in
UTF-8 (with or without BOM), in Windows-1258 (Vietnamese Windows' "CSV (Comma delimited)"), with "," or ";" or
tab, and Excel's "Unicode Text" (UTF-16, tab-separated) saved as .txt or renamed .csv. The kind is decided from
the content, never the name.

Spreadsheets are read with python-calamine (measured here at 10–18× openpyxl's read-only speed on .xlsx, and the
only well-kept reader of all three formats); it holds the sheet in memory, so the file is bounded BEFORE it is
parsed: its uncompressed size (a 400 KB .xlsx can expand to 400 MB) and the longest cell (Excel itself stops at
32,767 characters) are checked by streaming the compressed parts. What calamine does not expose for .xlsx (hidden
rows and columns) is read from the sheet's XML in the same streaming pass. Formulas: calamine returns their cached
values, which is what the office sees on screen.

Every text cell is NFC-normalised: Unikey's "Unicode tổ hợp" and Windows-1258 both write tone marks as combining
characters, which would otherwise not match the same word typed precomposed.
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other old Office files
ZIP = b"PK\x03\x04"
EXCEL_CELL_LIMIT = 32_767  # characters in one cell, Excel's own limit
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_DELIMITERS = (",", ";", "\t")


class ImportFileError(Exception):
    """The file cannot be read as a roster; the message says why, in Vietnamese."""


def file_sha256(path: Path) -> str:
    """The file's fingerprint, kept in the audit trail with each import (read in chunks)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def max_rows() -> int:
    return settings.KETNAP_IMPORT_MAX_ROWS


def max_bytes() -> int:
    """Uncompressed size a roster may have (a 100,000-row, 20-column .xlsx is about 60 MB of XML)."""
    return settings.KETNAP_IMPORT_MAX_UNCOMPRESSED


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f}"


def quoted(value, limit: int = 60) -> str:
    """A cell's text for a message or a stored report: never the whole of a huge cell."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nfc(value):
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


@dataclass
class SheetInfo:
    name: str
    visible: bool = True
    part: str = ""  # the sheet's XML inside an .xlsx, for hidden rows and columns


@dataclass
class Skipped:
    """Rows of the chosen sheet left out by the reader itself (the layout decides about the others)."""

    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)  # 0-based


class _HiddenScan:
    """Hidden rows (1-based) and columns (0-based) of an .xlsx sheet, from its XML fed in chunks."""

    def __init__(self):
        self.rows: set[int] = set()
        self.cols: set[int] = set()
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        cut = data.rfind(b"<")
        if cut >= 0 and b">" not in data[cut:]:
            data, self.tail = data[:cut], data[cut:]  # an unfinished tag waits for the next chunk
        else:
            self.tail = b""
        if b"hidden" not in data:
            return
        for match in _ROW_TAG.finditer(data):
            attrs = dict(_ATTR.findall(match.group(0)))
            if attrs.get(b"hidden") in (b"1", b"true") and attrs.get(b"r", b"").isdigit():
                self.rows.add(int(attrs[b"r"]))
        for match in _COL_TAG.finditer(data):
            attrs = dict(_ATTR.findall(match.group(0)))
            if attrs.get(b"hidden") in (b"1", b"true"):
                first, last = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
                self.cols.update(range(first - 1, min(last, first + 200)))


class Roster:
    """A roster file: its sheets, and the rows of one of them, streamed."""

    def __init__(self, path: Path, name: str = "", *, include_hidden: bool = False):
        self.path = Path(path)
        self.name = name or self.path.name
        self.include_hidden = include_hidden
        self.total: int | None = None
        self.merged: list[tuple[int, int, int, int]] = []  # (first row, first col, last row, last col), rows 1-based
        self.skipped = Skipped()
        self.encoding = ""
        self.delimiter = ""
        self._workbook = None
        self._hidden_parts: dict[str, tuple[set[int], set[int]]] = {}  # .xlsx sheet part → hidden rows, columns
        self.kind = self._detect()
        self.sheets = self._sheets()

    # --- what kind of file ------------------------------------------------------------------------------
    def _detect(self) -> str:
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                head = handle.read(8)
        except OSError as exc:
            raise ImportFileError(f"Không mở được tệp {self.name}.") from exc
        if size == 0:
            raise ImportFileError(f"Tệp {self.name} trống (0 byte).")
        if head.startswith(OLE2):
            self._check_size(size)
            return "xls"
        if head.startswith(ZIP):
            return self._check_zip()
        if Path(self.name).suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}:
            raise ImportFileError(
                f"Tệp {self.name} có đuôi {Path(self.name).suffix} nhưng không phải bảng tính (có thể là tệp "
                "khác được đổi tên). Hãy mở bằng Excel và lưu lại thành .xlsx."
            )
        self._check_size(size)
        return "text"

    def _check_size(self, size: int) -> None:
        if size > max_bytes():
            raise ImportFileError(
                f"Tệp {self.name} lớn {_mb(size)} MB, vượt giới hạn {_mb(max_bytes())} MB một lần nhập. "
                "Hãy chia thành nhiều tệp."
            )

    def _check_zip(self) -> str:
        try:
            with zipfile.ZipFile(self.path) as archive:
                kind, text_parts = self._spreadsheet_parts(set(archive.namelist()))
                # the size the parts CLAIM is checked first; the streaming scan below checks what they really hold
                claimed = sum(info.file_size for info in archive.infolist())
                if claimed > max_bytes():
                    raise ImportFileError(self._too_big(claimed))
                real = 0
                for part in text_parts:
                    real += self._scan_part(archive, part, real)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, KeyError) as exc:
            raise ImportFileError(f"Tệp {self.name} bị hỏng: không giải nén được (tải lên chưa hết?).") from exc
        return kind

    def _spreadsheet_parts(self, names: set[str]) -> tuple[str, list[str]]:
        """The kind of a zipped spreadsheet and the parts that hold its text (sheets, shared strings)."""
        if "xl/workbook.xml" in names:
            parts = [n for n in names if n.startswith("xl/worksheets/")]
            return "xlsx", parts + [n for n in names if n == "xl/sharedStrings.xml"]
        if "content.xml" in names:
            return "ods", ["content.xml"]
        raise ImportFileError(f"Tệp {self.name} là tệp nén (zip) nhưng không phải bảng tính.")

    def _too_big(self, size: int) -> str:
        return (
            f"Tệp {self.name} khi giải nén lớn hơn {_mb(size)} MB, vượt giới hạn {_mb(max_bytes())} MB một lần "
            "nhập. Hãy chia thành nhiều tệp."
        )

    def _scan_part(self, archive: zipfile.ZipFile, part: str, before: int) -> int:
        """Decompress one part in chunks (nothing kept): its real size and its longest text run are bounded, and a
        worksheet's hidden rows and columns are noted on the way (one pass over the XML, not two)."""
        limit = EXCEL_CELL_LIMIT * 4  # bytes: a Vietnamese character takes up to 3 in UTF-8
        size, run = 0, 0
        hidden = _HiddenScan() if part.startswith("xl/worksheets/") else None
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                if hidden is not None:
                    hidden.feed(chunk)
                size += len(chunk)
                if before + size > max_bytes():
                    raise ImportFileError(self._too_big(before + size))
                pieces = chunk.split(b"<")
                run += len(pieces[0])
                if len(pieces) > 1:
                    longest = max(map(len, pieces[1:]))
                    if run > limit or longest > limit:
                        run = limit + 1
                    else:
                        run = len(pieces[-1])
                if run > limit:
                    raise ImportFileError(
                        f"Tệp {self.name} có một ô dài hơn {EXCEL_CELL_LIMIT:,} ký tự (giới hạn của chính Excel); "
                        "đây không phải danh sách nhân sự. Không có gì được đọc.".replace(",", ".")
                    )
        if hidden is not None:
            self._hidden_parts[part] = (hidden.rows, hidden.cols)
        return size

    # --- sheets -------------------------------------------------------------------------------------------
    def _open_workbook(self):
        if self._workbook is None:
            import python_calamine

            try:
                self._workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises its own kinds (CalamineError, XmlError, ZipError …)
                raise ImportFileError(
                    f"Tệp {self.name} bị hỏng hoặc không đúng định dạng ({quoted(exc, 120)})."
                ) from exc
        return self._workbook

    def _sheets(self) -> list[SheetInfo]:
        if self.kind == "text":
            return [SheetInfo(Path(self.name).stem)]
        workbook = self._open_workbook()
        parts = self._xlsx_parts() if self.kind == "xlsx" else {}
        result = []
        for meta in workbook.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            result.append(SheetInfo(meta.name, "Visible" in str(meta.visible), parts.get(meta.name, "")))
        if not result:
            raise ImportFileError(f"Tệp {self.name} không có trang tính nào.")
        return result

    def _xlsx_parts(self) -> dict[str, str]:
        """Sheet name → its XML part, from the workbook and its relationships (tiny files)."""
        import xml.etree.ElementTree as ET

        main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
        try:
            with zipfile.ZipFile(self.path) as archive:
                book = ET.fromstring(archive.read("xl/workbook.xml"))
                rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ET.ParseError, zipfile.BadZipFile):
            return {}
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        result = {}
        for sheet in book.iter(f"{main}sheet"):
            target = targets.get(sheet.get(f"{rel_ns}id"), "")
            if target:
                target = target.lstrip("/")
                result[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
        return result

    def visible_sheets(self) -> list[str]:
        return [s.name for s in self.sheets if s.visible]

    # --- rows ---------------------------------------------------------------------------------------------
    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, tuple]]:
        """(row number as Excel shows it, values) for every non-empty, visible row of `sheet` (default: first; a
        text file has one sheet, whatever it is called)."""
        self.merged = []
        self.skipped = Skipped()
        if self.kind == "text":
            yield from self._text_rows()
        else:
            yield from self._sheet_rows(sheet)

    def _sheet_rows(self, sheet: str | None) -> Iterator[tuple[int, tuple]]:
        info = self._sheet_info(sheet)
        data = self._open_sheet(info)
        hidden_rows, hidden_cols = self._hidden(info) if not self.include_hidden else (set(), set())
        self.skipped.hidden_columns = sorted(hidden_cols)
        offset = data.start[1] if data.start else 0  # iter_rows starts at the first used column
        pad = ("",) * offset
        # a cell merged down over several rows (a department beside its people) holds its value in its first row
        # only: the rows below get it too, as the office reads the printed sheet
        down = {(r0, c0): r1 for r0, c0, r1, _c1 in self.merged if r1 > r0}
        filling: dict[int, tuple[int, object]] = {}  # column → (last row, value)
        for number, values in enumerate(data.iter_rows(), start=1):
            row = pad + tuple(nfc(v) for v in values)
            if down:
                row = self._fill_down(number, row, down, filling)
            row = self._shown(number, row, hidden_rows, hidden_cols)
            if row is not None:
                yield number, row

    def _shown(self, number: int, row: tuple, hidden_rows: set, hidden_cols: set) -> tuple | None:
        """The row as the office sees it: None when empty or hidden (counted), hidden columns blanked."""
        if not any(v != "" and v is not None for v in row):
            return None
        if number in hidden_rows:
            self.skipped.hidden_rows.append(number)
            return None
        if hidden_cols:
            row = tuple("" if i in hidden_cols else v for i, v in enumerate(row))
        return row

    def _sheet_info(self, sheet: str | None) -> SheetInfo:
        """The sheet asked for by name, else the first."""
        info = next((s for s in self.sheets if s.name == sheet), None) if sheet else self.sheets[0]
        if info is None:
            raise ImportFileError(
                f"Tệp {self.name} không có trang tính '{quoted(sheet)}' (có: {', '.join(self.visible_sheets())})."
            )
        return info

    def _open_sheet(self, info: SheetInfo):
        """The sheet's cells and merged ranges, refused above the row limit before a row is read."""
        workbook = self._open_workbook()
        try:
            data = workbook.get_sheet_by_name(info.name)
            self.merged = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
        except Exception as exc:
            raise ImportFileError(
                f"Tệp {self.name} bị hỏng: không đọc được trang '{info.name}' ({quoted(exc)})."
            ) from exc
        limit = max_rows()
        self.total = data.height
        if data.height > limit + 20:
            raise ImportFileError(
                f"Trang '{info.name}' của tệp {self.name} có {data.height:,} dòng, vượt giới hạn {limit:,} dòng "
                "một lần nhập. Hãy chia thành nhiều tệp.".replace(",", ".")
            )
        return data

    @staticmethod
    def _fill_down(number: int, row: tuple, down: dict, filling: dict) -> tuple:
        for column in [c for c, (last, _v) in filling.items() if last < number]:
            del filling[column]
        for column, (_last, value) in filling.items():
            if column < len(row) and (row[column] == "" or row[column] is None):
                row = (*row[:column], value, *row[column + 1 :])
        for (first, column), last in down.items():
            if first == number and column < len(row) and row[column] not in ("", None):
                filling[column] = (last, row[column])
        return row

    def _hidden(self, info: SheetInfo) -> tuple[set[int], set[int]]:
        """Hidden rows (1-based) and columns (0-based) of the sheet: calamine reads values only."""
        if self.kind == "xls":
            return self._hidden_xls(info.name)
        if self.kind == "ods":
            return self._hidden_ods(info.name)
        return self._hidden_parts.get(info.part, (set(), set()))

    def _hidden_xls(self, name: str) -> tuple[set[int], set[int]]:
        import xlrd

        try:
            book = xlrd.open_workbook(str(self.path), formatting_info=True, on_demand=True)
            sheet = book.sheet_by_name(name)
        except Exception:  # values were read by calamine; without formatting nothing is known to be hidden
            return set(), set()
        rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
        cols = {c for c, info in sheet.colinfo_map.items() if info.hidden}
        book.release_resources()
        return rows, cols

    def _hidden_ods(self, name: str) -> tuple[set[int], set[int]]:
        """From content.xml, streamed: rows and columns marked visibility="collapse" or "filter" (hidden by a
        filter), counting the repeats LibreOffice writes for runs of identical rows."""
        import xml.etree.ElementTree as ET

        table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
        tag = lambda local: f"{{{table_ns}}}{local}"  # noqa: E731
        rows: set[int] = set()
        cols: set[int] = set()
        row = col = 0
        inside = False
        with zipfile.ZipFile(self.path) as archive, archive.open("content.xml") as part:
            for event, element in ET.iterparse(part, events=("start", "end")):
                if element.tag == tag("table") and event == "start":
                    inside = element.get(tag("name")) == name
                elif element.tag == tag("table") and event == "end" and inside:
                    break
                elif inside and event == "start" and element.tag in (tag("table-row"), tag("table-column")):
                    is_row = element.tag == tag("table-row")
                    count = int(element.get(tag("number-rows-repeated" if is_row else "number-columns-repeated"), 1))
                    hidden = element.get(tag("visibility"), "visible") != "visible"
                    start = row if is_row else col
                    if hidden and count <= 10_000:
                        (rows if is_row else cols).update(
                            range(start + (1 if is_row else 0), start + count + (1 if is_row else 0))
                        )
                    if is_row:
                        row += count
                    else:
                        col += count
                if event == "end" and element.tag == tag("table-row"):
                    element.clear()
        return rows, cols

    # --- text files ----------------------------------------------------------------------------------------
    def _encoding(self, sample: bytes) -> str:
        if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"  # Excel's "Unicode Text"
        if sample.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if b"\x00" in sample:
            raise ImportFileError(f"Tệp {self.name} không phải tệp văn bản (CSV) hay bảng tính.")
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            sample.decode("cp1258")  # what Excel on a Vietnamese Windows writes for "CSV (Comma delimited)"
            return "cp1258"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"Tệp {self.name} không đọc được tiếng Việt (không phải UTF-8 hay Windows-1258). Trong Excel chọn "
                "Lưu thành → CSV UTF-8 (Comma delimited), hoặc lưu thành .xlsx."
            ) from exc

    def _delimiter(self, text_sample: str) -> str:
        """The separator that splits the sample's lines into the most columns, most consistently."""
        lines = [line for line in text_sample.splitlines()[:40] if line.strip()]
        if len(lines) > 1:
            lines = lines[:-1]  # the sample may end in the middle of a line
        best, best_score = ",", (0, 0)
        for delimiter in _DELIMITERS:
            score = _delimiter_score(lines, delimiter)
            if score > best_score:
                best, best_score = delimiter, score
        return best

    def _text_rows(self) -> Iterator[tuple[int, tuple]]:
        limit = max_rows()
        with self.path.open("rb") as raw:
            sample = raw.read(256 * 1024)
            self.encoding = self._encoding(sample)
            text_sample = sample.decode(self.encoding, errors="ignore")
            self.delimiter = self._delimiter(text_sample)
            raw.seek(0)
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            number = 0
            try:
                for number, values in enumerate(csv.reader(text, delimiter=self.delimiter), start=1):
                    if number > limit + 20:
                        raise ImportFileError(
                            f"Tệp {self.name} vượt giới hạn {limit:,} dòng một lần nhập. Hãy chia thành nhiều "
                            "tệp.".replace(",", ".")
                        )
                    if any(v.strip() for v in values):
                        yield number, tuple(nfc(v) for v in values)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"Tệp {self.name} lẫn nhiều kiểu mã hóa ký tự (dòng {number + 1} không đọc được). Hãy lưu lại "
                    "thành CSV UTF-8 hoặc .xlsx."
                ) from exc
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise ImportFileError(
                        f"Tệp {self.name} có một ô quá dài (dòng {number + 1}), vượt giới hạn "
                        f"{csv.field_size_limit():,} ký tự một ô; đây không phải danh sách nhân sự.".replace(",", ".")
                    ) from exc
                raise ImportFileError(f"Tệp CSV {self.name} sai cấu trúc ({quoted(exc)}).") from exc


def _delimiter_score(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(median width, how many lines agree) of the lines split into more than one column; (0, 0) when none is."""
    try:
        widths = sorted(w for w in (len(row) for row in csv.reader(lines, delimiter=delimiter)) if w > 1)
    except csv.Error:
        return (0, 0)
    return (widths[len(widths) // 2], len(widths)) if widths else (0, 0)
