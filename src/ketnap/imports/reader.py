"""Opening a roster (.xlsx or .csv) and streaming its rows, with a clear Vietnamese error for a bad file.

The file type is decided from the content, not the name: an old .xls, a renamed .txt or a zip that is not a
workbook are refused before any row is read. .xlsx is read with openpyxl in read-only mode (one row in memory
at a time; normal mode needs ~800 MiB for 100,000 rows). Formulas: the workbook is opened with
data_only=False, so a formula cell arrives as its text "=…" and the import refuses it. Reading cached values
instead (data_only=True) would silently take an empty or stale value from files saved by tools that do not
compute formulas; ketnap wants values, so the user pastes values (Dán đặc biệt → Giá trị) and imports again.
"""

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other old Office files
ZIP = b"PK\x03\x04"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


class ImportFileError(Exception):
    """The file cannot be read as a roster; the message says why, in Vietnamese."""


def max_rows() -> int:
    return settings.KETNAP_IMPORT_MAX_ROWS


class Roster:
    """The rows of a roster file, streamed. `total` is the row count when the file announces it (progress)."""

    def __init__(self, path: Path, name: str = ""):
        self.path = Path(path)
        self.name = name or self.path.name
        self.total: int | None = None
        self.merged: list[tuple[int, int, str]] = []  # (first row, last row, "A1:C1")
        self.kind = self._detect()

    def _detect(self) -> str:
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                head = handle.read(8)
        except OSError as exc:
            raise ImportFileError(f"Không mở được tệp {self.name}.") from exc
        suffix = Path(self.name).suffix.lower()
        if size == 0:
            raise ImportFileError(f"Tệp {self.name} trống (0 byte).")
        if head.startswith(OLE2):
            raise ImportFileError(
                f"Tệp {self.name} là bảng tính Excel 97–2003 (.xls). Hãy mở bằng Excel, chọn Lưu thành "
                "(Save As) → Excel Workbook (.xlsx), rồi nhập lại."
            )
        if head.startswith(ZIP):
            self._check_workbook()
            return "xlsx"
        if suffix == ".csv":
            return "csv"
        if suffix in {".xlsx", ".xlsm"}:
            raise ImportFileError(
                f"Tệp {self.name} có đuôi {suffix} nhưng không phải bảng tính Excel (có thể là tệp văn bản "
                "được đổi tên). Hãy mở bằng Excel và lưu lại thành .xlsx."
            )
        raise ImportFileError(f"Tệp {self.name} không phải .xlsx hoặc .csv; ketnap chỉ nhận hai loại tệp này.")

    def _check_workbook(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names:
                    if "content.xml" in names:
                        raise ImportFileError(
                            f"Tệp {self.name} là bảng tính OpenDocument (.ods). Hãy lưu lại thành .xlsx."
                        )
                    raise ImportFileError(f"Tệp {self.name} là tệp nén (zip) nhưng không phải bảng tính Excel .xlsx.")
                bad = archive.testzip()
                if bad is not None:
                    raise ImportFileError(f"Tệp {self.name} bị hỏng (phần {bad} đọc không được).")
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise ImportFileError(f"Tệp {self.name} bị hỏng: không giải nén được (tải lên chưa hết?).") from exc

    def _scan_merged(self, sheet_part: str) -> None:
        """Merged ranges of the sheet. Read-only openpyxl does not expose them, so the sheet XML is scanned
        (decompressed in chunks, nothing kept): a merged heading makes the columns ambiguous."""
        tail = b""
        with zipfile.ZipFile(self.path) as archive, archive.open(sheet_part) as part:
            while chunk := part.read(1 << 20):
                data = tail + chunk
                for match in _MERGE.finditer(data):
                    first_col, first_row, last_col, last_row = match.groups()
                    first, last = int(first_row), int(last_row or first_row)
                    ref = f"{first_col.decode()}{first}" + (f":{last_col.decode()}{last}" if last_col else "")
                    self.merged.append((first, last, ref))
                tail = data[-200:] if not data.endswith(b">") else b""
                if tail:
                    # keep only an unfinished tag so a match is never counted twice
                    cut = tail.rfind(b"<")
                    tail = tail[cut:] if cut >= 0 and b">" not in tail[cut:] else b""

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number as Excel shows it, values) for every row; empty rows are skipped."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self) -> Iterator[tuple[int, tuple]]:
        import openpyxl

        limit = max_rows()
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores: irrelevant to the values
            warnings.simplefilter("ignore")
            try:
                workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
            except Exception as exc:  # openpyxl raises many kinds for broken parts (KeyError, XML errors …)
                raise ImportFileError(f"Tệp {self.name} bị hỏng hoặc không đúng định dạng .xlsx ({exc}).") from exc
            try:
                sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
                if not sheets:
                    raise ImportFileError(f"Tệp {self.name} không có trang tính nào.")
                sheet = sheets[0]
                announced = sheet._max_row  # from the file's <dimension>, if it has one
                if announced and announced > limit + 20:
                    raise ImportFileError(
                        f"Tệp {self.name} có {announced:,} dòng, vượt giới hạn {limit:,} dòng một lần nhập. "
                        "Hãy chia thành nhiều tệp.".replace(",", ".")
                    )
                self.total = announced
                # a wrong <dimension> (some generators write "A1") would cut rows and columns short
                sheet.reset_dimensions()
                self._scan_merged(sheet._worksheet_path)
                number = 0
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    if number > limit + 20:
                        raise ImportFileError(
                            f"Tệp {self.name} vượt giới hạn {limit:,} dòng một lần nhập. Hãy chia thành nhiều "
                            "tệp.".replace(",", ".")
                        )
                    if any(v is not None and v != "" for v in values):
                        yield number, values
            except ImportFileError:
                raise
            except Exception as exc:
                raise ImportFileError(f"Tệp {self.name} bị hỏng: không đọc được nội dung ({exc}).") from exc
            finally:
                workbook.close()

    def _csv_rows(self) -> Iterator[tuple[int, tuple]]:
        limit = max_rows()
        with self.path.open("rb") as raw:
            sample = raw.read(64 * 1024)
            raw.seek(0)
            if b"\x00" in sample:
                raise ImportFileError(f"Tệp {self.name} không phải tệp văn bản CSV.")
            try:
                text_sample = sample.decode("utf-8-sig", errors="strict")
            except UnicodeDecodeError:
                # a multi-byte character cut at the sample's end is fine; anything else is not UTF-8
                try:
                    codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
                except UnicodeDecodeError as exc:
                    raise ImportFileError(_not_utf8(self.name)) from exc
                text_sample = sample.decode("utf-8-sig", errors="ignore")
            try:
                dialect = csv.Sniffer().sniff(text_sample.split("\n", 20)[0] if text_sample else ",", ",;\t")
                delimiter = dialect.delimiter
            except csv.Error:
                delimiter = ","
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            self.total = None
            try:
                for number, values in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                    if number > limit + 20:
                        raise ImportFileError(
                            f"Tệp {self.name} vượt giới hạn {limit:,} dòng một lần nhập. Hãy chia thành nhiều "
                            "tệp.".replace(",", ".")
                        )
                    if any(v.strip() for v in values):
                        yield number, tuple(values)
            except UnicodeDecodeError as exc:
                raise ImportFileError(_not_utf8(self.name)) from exc
            except csv.Error as exc:
                raise ImportFileError(f"Tệp CSV {self.name} sai cấu trúc ({exc}).") from exc


def _not_utf8(name: str) -> str:
    return (
        f"Tệp {name} không ở dạng UTF-8, tiếng Việt sẽ bị lỗi font. Trong Excel chọn Lưu thành → "
        "CSV UTF-8 (Comma delimited), hoặc lưu thành .xlsx."
    )
