"""`ketnap report bieu2|bieu3|yearly …`: the statistical forms and the yearly report as files, the same bytes the web
gives (ketnap.stats.report builds both).

    ketnap report bieu2 --org BVA --from 01/01/2026 --to 30/06/2026 --format xlsx -o bieu2.xlsx
    ketnap report bieu3 --org BVA --date 30/06/2026 --format pdf --compiler "Nguyễn Thị Hường" --phone 0912345678
    ketnap report yearly --org BVA --year 2026
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ketnap.registry.models import Organization
from ketnap.registry.services.dates import today as today_
from ketnap.rules.dates import DAY_FORMAT
from ketnap.stats import report
from ketnap.stats.periods import Period


def _day(raw: str | None, option: str) -> dt.date:
    try:
        return dt.datetime.strptime((raw or "").strip(), DAY_FORMAT).date()
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ cho {option}: {raw!r}; nhập theo dạng dd/mm/yyyy.") from exc


def _footer(options: dict) -> dict:
    """Who compiled and who signs, where and when: the form's footer (ReportMeta's fields)."""
    footer = {
        "compiler": options["compiler"],
        "compiler_phone": options["phone"],
        "head": options["head"],
        "issued_on": _day(options["issued"], "--issued") if options["issued"] else today_(),
    }
    if options["head_title"]:
        footer["head_title"] = options["head_title"]
    if options["place"] is not None:
        footer["place"] = options["place"]
    return footer


class Command(BaseCommand):
    help = "Xuất biểu thống kê (biểu 2, biểu 3) và báo cáo năm về công tác phát triển đảng viên ra tệp."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="which", required=True, metavar="{bieu2,bieu3,yearly}")

        def common(p, formats, default):
            p.add_argument("--org", required=True, help="Mã tổ chức đảng (ví dụ BVA).")
            p.add_argument("--format", choices=formats, default=default, help=f"Định dạng tệp (mặc định {default}).")
            p.add_argument("-o", "--output", help="Tệp ghi ra (mặc định: tên theo biểu, trong thư mục hiện tại).")
            p.add_argument("--compiler", default="", help="Người lập biểu (họ tên).")
            p.add_argument("--phone", default="", help="Số điện thoại người lập biểu.")
            p.add_argument("--head", default="", help="Người ký (trưởng ban, bí thư…).")
            p.add_argument("--head-title", default=None, help="Chức danh người ký (mặc định TRƯỞNG BAN).")
            p.add_argument("--place", default=None, help="Địa danh ghi trước ngày tháng (ví dụ Quảng Ninh).")
            p.add_argument("--issued", default=None, help="Ngày lập, dd/mm/yyyy (mặc định hôm nay).")

        bieu2 = sub.add_parser("bieu2", help="Biểu 2-BTCTW: đảng viên mới kết nạp trong một kỳ.")
        common(bieu2, ["xlsx", "pdf", "csv"], "xlsx")
        bieu2.add_argument("--from", dest="start", required=True, help="Từ ngày, dd/mm/yyyy.")
        bieu2.add_argument("--to", dest="end", required=True, help="Đến ngày, dd/mm/yyyy.")
        bieu3 = sub.add_parser("bieu3", help="Biểu 3-BTCTW: đội ngũ đảng viên tại một ngày.")
        common(bieu3, ["xlsx", "pdf", "csv"], "xlsx")
        bieu3.add_argument("--date", required=True, help="Ngày báo cáo, dd/mm/yyyy.")
        yearly = sub.add_parser("yearly", help="Báo cáo năm về công tác phát triển đảng viên (PDF).")
        common(yearly, ["pdf"], "pdf")
        yearly.add_argument("--year", required=True, help="Năm báo cáo (ví dụ 2026).")

    def handle(self, *args, which: str, **options):
        from ketnap.stats.pdf import PdfUnavailable

        org = Organization.objects.filter(code=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"Không có tổ chức đảng mã {options['org']!r}.")
        footer = _footer(options)
        try:
            if which == "bieu2":
                content, name = self._bieu2(org, options, footer)
            elif which == "bieu3":
                content, name = self._bieu3(org, options, footer)
            else:
                content, name = self._yearly(org, options, footer)
        except PdfUnavailable as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["output"] or name)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Đã ghi {path} ({len(content):,} byte).".replace(",", "."))

    @staticmethod
    def _bieu2(org, options: dict, footer: dict) -> tuple[bytes, str]:
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if end < start:
            raise CommandError("Ngày kết thúc kỳ báo cáo (--to) phải sau ngày bắt đầu (--from).")
        period = Period(start, end)
        fmt = options["format"]
        return report.bieu2_file(org, period, fmt, **footer), report.bieu2_filename(org, period, fmt)

    @staticmethod
    def _bieu3(org, options: dict, footer: dict) -> tuple[bytes, str]:
        day = _day(options["date"], "--date")
        fmt = options["format"]
        return report.bieu3_file(org, day, fmt, **footer), report.bieu3_filename(org, day, fmt)

    def _yearly(self, org, options: dict, footer: dict) -> tuple[bytes, str]:
        year = self._year(options["year"])
        content = report.yearly_report(org, year, today=today_(), meta=report.yearly_meta(org, year, **footer))
        return content, report.yearly_filename(org, year)

    @staticmethod
    def _year(raw: str) -> int:
        if not (raw or "").strip().isdigit() or not 1930 <= int(raw) <= 2100:
            raise CommandError(f"Năm không hợp lệ: {raw!r}; nhập 4 chữ số, ví dụ 2026.")
        return int(raw)
