"""`ketnap import staff|members|candidates|organizations FILE [--org CODE] [--dry-run] […]`.

Rosters of staff and members, the people already on the road to admission (candidates), and the party
organisation tree, from the files offices keep (kinds.py says which importer reads which).

The whole file is checked first; any error writes nothing, lists every error by row and column, and exits 1.
"""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ketnap.audit.context import SYSTEM
from ketnap.imports import matching
from ketnap.imports.columns import heading_key
from ketnap.imports.engine import Options, Report, catalogues_for
from ketnap.imports.errorfile import write_error_file
from ketnap.imports.kinds import COMMAND_NAMES, ROSTERS, make_importer
from ketnap.imports.models import RosterKind, save_mapping
from ketnap.registry.models import Organization


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class ProgressBar:
    """A one-line progress display on stderr (only on a terminal: logs and pipes get the summary alone)."""

    PHASES = {"check": "Kiểm tra", "write": "Ghi"}

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done != total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        label = self.PHASES.get(phase, phase)
        if total:
            width = 30
            filled = min(width, int(width * done / total))
            bar = "█" * filled + "·" * (width - filled)
            text = f"\r{label} [{bar}] {_n(done)}/{_n(total)} dòng ({_n(int(rate))} dòng/giây) "
        else:
            text = f"\r{label}: {_n(done)} dòng ({_n(int(rate))} dòng/giây) "
        self.stream.write(text)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _pair(text: str, what: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left.strip():
        raise CommandError(f"{what} {text!r} cần dạng 'A=B'.")
    return left.strip(), right.strip()


class Command(BaseCommand):
    help = (
        "Nhập danh sách nhân sự (staff) hoặc đảng viên (members) từ tệp .xlsx / .xls / .ods / .csv vào một tổ chức "
        "đảng. Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì và thoát với mã 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "what",
            choices=list(COMMAND_NAMES),
            help="staff: nhân sự; members: đảng viên; candidates: quần chúng đang trong quá trình phát triển đảng "
            "viên (các bước đã qua); organizations: cây tổ chức đảng và khoa/phòng phụ trách.",
        )
        parser.add_argument("file", help="Tệp .xlsx, .xls, .ods, .csv hoặc .txt (Unicode Text của Excel).")
        parser.add_argument(
            "--org",
            default="",
            help="Mã tổ chức đảng nhận danh sách (ví dụ mã đảng bộ cơ sở). Với organizations: tổ chức mà cây nhập vào "
            "phải nằm dưới (bỏ trống: quản trị máy chủ nhập cả tỉnh).",
        )
        parser.add_argument(
            "--user", default="", help="candidates: tên đăng nhập của người nhập (các bước được ghi nhận dưới tên này)."
        )
        parser.add_argument(
            "--reason",
            default="",
            help="candidates: lý do ghi nhận các bước đã qua mà quy định nay không cho (ghi vào từng bước và nhật ký).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ thêm/cập nhật bao nhiêu người."
        )
        parser.add_argument("--sheet", default="", help="Tên trang tính chứa danh sách (mặc định: trang đầu tiên có).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TIÊU ĐỀ=CỘT",
            help="Đọc một cột của tệp thành cột của ketnap, ví dụ --map 'Bộ phận=Khoa/phòng' (lưu cho tổ chức; "
            "'Tiêu đề=' để bỏ qua cột đó).",
        )
        parser.add_argument(
            "--map-value",
            action="append",
            default=[],
            metavar="CỘT:GIÁ TRỊ=MỤC",
            help="Một giá trị ketnap không tự nhận ra, ví dụ --map-value 'Khoa/phòng:Khoa Cấp cứu 115=Khoa Cấp cứu' "
            "(lưu cho tổ chức; 'MỤC' để trống = bỏ trống ô đó nếu cột không bắt buộc).",
        )
        parser.add_argument(
            "--accept-identity-changes",
            action="store_true",
            help="Đồng ý đổi họ tên, ngày sinh, giới tính của người đã có trong sổ (ketnap liệt kê từng người trước).",
        )
        parser.add_argument("--include-hidden", action="store_true", help="Nhập cả các dòng bị ẩn trong tệp.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Nhập các dòng hợp lệ, bỏ lại các dòng có lỗi (ghi vào tệp --errors-file). "
            "Mặc định: tất cả hoặc không.",
        )
        parser.add_argument(
            "--errors-file",
            default="",
            help="Ghi các dòng có lỗi, kèm cột lỗi, vào tệp .xlsx này (để sửa rồi nhập lại).",
        )

    def handle(self, *args, what: str, file: str, org: str, dry_run: bool, **options):
        kind = COMMAND_NAMES[what]
        organization = self._organization(kind, org)
        user = self._user(kind, options["user"])
        if kind in ROSTERS:
            self._save_choices(organization, ROSTERS[kind], options["map"], options["map_value"])
        stderr = getattr(self.stderr, "_out", sys.stderr)
        progress = ProgressBar(stderr)
        run_options = Options(
            sheet=options["sheet"],
            include_hidden=options["include_hidden"],
            accept_identity_changes=options["accept_identity_changes"],
            partial=options["partial"],
            reason=options["reason"],
        )
        importer = make_importer(
            kind, organization, file, dry_run=dry_run, progress=progress, options=run_options, user=user
        )
        report = importer.run()
        progress.finish()
        if kind in ROSTERS:
            self._print(report)
        else:
            self._print_other(kind, report)
        if options["errors_file"] and report.row_messages:
            count = write_error_file(file, report, options["errors_file"], only_rows=True)
            self.stdout.write(f"Đã ghi {_n(count)} dòng có lỗi vào {options['errors_file']}.")
        _exit_unless_ok(report)

    def _organization(self, kind: str, code: str):
        if not code:
            if kind == RosterKind.ORGANIZATIONS:
                return None  # the server's administrator imports a whole tree
            raise CommandError("Cần --org: mã tổ chức đảng nhận danh sách.")
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise CommandError(f"Không có tổ chức đảng mã {code!r}.")
        if not organization.active:
            raise CommandError(f"{organization.name} đã kết thúc hoạt động; không nhập vào.")
        return organization

    def _user(self, kind: str, username: str):
        if not username:
            if kind == RosterKind.CANDIDATES:
                # every step goes through the pipeline's one entry point, which records who recorded it
                raise CommandError("Cần --user: tên đăng nhập của người ghi nhận các bước (văn phòng đảng ủy).")
            return SYSTEM  # the server's administrator, at the server (accounts.grants.authorize lets it through)
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {username!r} (hoặc tài khoản đã bị khóa).")
        return user

    def _print_other(self, kind: str, report) -> None:
        """Candidates and the organisation tree: their own reports say it (kinds.REPORTS)."""
        out = self.stdout.write
        if not report.file_error:
            out(f"Tóm tắt: {report.summary()}.")
        for line in report.grouped_lines():
            self.stderr.write(line)
        if kind == RosterKind.ORGANIZATIONS:
            for line in report.lines():
                out(line)
            return
        if report.file_error or not report.ok:
            return
        out(self.style.SUCCESS("Chạy thử, chưa ghi gì." if report.dry_run else "Đã nhập."))
        for key, title in (("created", "Thêm"), ("accepted", "Ghi nhận kèm lý do")):
            for number, name, detail in report.samples.get(key, [])[:10]:
                out(f"  {title}: dòng {number}: {name}" + (f" ({detail})" if detail else ""))

    def _save_choices(self, organization, importer_class, columns: list[str], values: list[str]) -> None:
        """--map and --map-value: checked, then saved for the organisation like the choices made on the web."""
        if not columns and not values:
            return
        column_choices = {}
        for text in columns:
            heading, target = _pair(text, "--map")
            column_choices[heading_key(heading)] = _column(importer_class, target, text).field if target else ""
        value_choices: dict[str, dict[str, str]] = {}
        catalogues = catalogues_for(organization, importer_class)
        for text in values:
            field, key, target = _value_choice(importer_class, catalogues, text)
            value_choices.setdefault(field, {})[key] = target
        save_mapping(organization, importer_class.kind, columns=column_choices, values=value_choices)
        self.stdout.write(f"Đã lưu cách đọc cho {organization.name} (dùng cho cả trang nhập trên web).")

    def _print(self, report: Report) -> None:
        counts = (
            f"{_n(report.rows)} dòng: thêm mới {_n(report.created)}, cập nhật {_n(report.updated)}, "
            f"giữ nguyên {_n(report.unchanged)} người"
        )
        if not report.file_error:
            # the summary first: what the file holds and what stands in the way, before the details
            blockers = _blockers(report)
            self.stdout.write(f"Tóm tắt: {counts}" + (f"; {'; '.join(blockers)}." if blockers else "."))
        if report.header_row:
            self._print_columns(report)
        self._print_findings(report)
        if report.file_error or not report.ok:
            return
        self._print_done(report, counts)

    def _print_columns(self, report: Report) -> None:
        """Where the header was found and how each heading was read."""
        out = self.stdout.write
        sheet = f", trang '{report.sheet}'" if report.sheet and report.sheets else ""
        out(f"Tệp {report.file_name}{sheet}: dòng tiêu đề {report.header_row}; các cột nhận ra:")
        for heading, label in report.columns:
            out(f"  {heading} → {label}" if heading != label else f"  {heading}")
        if report.ignored_headers:
            out(f"  Bỏ qua các cột: {', '.join(report.ignored_headers)}")

    def _print_findings(self, report: Report) -> None:
        """Rows set aside and notices on stdout; identity changes to confirm and errors on stderr."""
        for line in report.skipped:
            self.stdout.write(line)
        for line in report.notices:
            self.stdout.write(f"Lưu ý: {line}")
        for change in report.identity_changes:
            details = "; ".join(f"{label}: {old or '∅'} → {new or '∅'}" for label, old, new in change["changes"])
            self.stderr.write(f"Dòng {change['row']}: {change['name']} — {details}")
        for line in report.grouped_lines():
            self.stderr.write(line)

    def _print_done(self, report: Report, counts: str) -> None:
        """What was written (or would be), and the first rows of each kind."""
        out = self.stdout.write
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        rejected = f"; bỏ lại {_n(report.rejected)} dòng có lỗi" if report.partial and report.rejected else ""
        if report.dry_run:
            out(self.style.SUCCESS(f"Chạy thử, chưa ghi gì. Nếu nhập thật: {counts}{rejected} ({seconds} giây)."))
        else:
            out(self.style.SUCCESS(f"Đã nhập {counts}{rejected} ({seconds} giây)."))
        for key, title in (("created", "Thêm mới"), ("updated", "Cập nhật")):
            for number, name, detail in report.samples[key][:10]:
                out(f"  {title}: dòng {number}: {name}" + (f" ({detail})" if detail else ""))


def _blockers(report: Report) -> list[str]:
    """What stands between the file and the register, counted."""
    blockers = []
    if report.unmatched:
        blockers.append(f"{_n(len(report.unmatched))} giá trị cần chọn mục trong danh mục")
    if report.error_count:
        blockers.append(f"{_n(report.error_count)} lỗi ở {_n(report.blocked_rows)} dòng")
    if report.needs_confirmation:
        blockers.append(f"{_n(report.identity_change_count)} người đổi nhân thân cần xác nhận")
    return blockers


def _known_column(importer_class, name: str):
    """One of the importer's columns, by its label (as headings are compared) or its field name."""
    by_label = {heading_key(c.label): c for c in importer_class.columns}
    known = {c.field: c for c in importer_class.columns}
    return by_label.get(heading_key(name)) or known.get(name.strip())


def _column(importer_class, target: str, text: str):
    column = _known_column(importer_class, target)
    if column is None:
        raise CommandError(f"--map {text!r}: ketnap không có cột '{target}'.")
    return column


def _value_choice(importer_class, catalogues: dict, text: str) -> tuple[str, str, str]:
    """--map-value 'Cột:giá trị=mục' as (field, the value's key, the entry's code or "" to leave it empty)."""
    left, target = _pair(text, "--map-value")
    label, sep, raw = left.partition(":")
    column = _known_column(importer_class, label)
    if not sep or column is None or column.field not in catalogues:
        names = ", ".join(sorted(c.label for c in importer_class.columns if c.field in catalogues))
        raise CommandError(f"--map-value {text!r}: cần dạng 'Cột:giá trị=mục', với cột là một trong: {names}.")
    catalogue = catalogues[column.field]
    if target:
        index = catalogue.by_reference(target)
        if index is None:
            raise CommandError(f"--map-value {text!r}: '{target}' không có trong {catalogue.title}.")
        target = catalogue.entries[index].code
    elif column.field == "work_unit":
        raise CommandError(f"--map-value {text!r}: Khoa/phòng không thể để trống.")
    return column.field, matching.key(raw), target


def _exit_unless_ok(report) -> None:
    """Exit with code 1 and the reason when nothing was (or would be) written."""
    if report.file_error:
        raise CommandError(f"{report.file_error} Không có gì được ghi.")
    if report.needs_confirmation:
        raise CommandError(
            f"Chưa nhập: {_n(report.identity_change_count)} người đã có trong sổ sẽ đổi họ tên, ngày sinh hoặc "
            "giới tính (liệt kê ở trên). Kiểm tra rồi chạy lại với --accept-identity-changes; không có gì được ghi."
        )
    if not report.ok:
        problems = []
        if report.unmatched:
            problems.append(f"{_n(len(report.unmatched))} giá trị chưa có trong danh mục (dùng --map-value)")
        if report.error_count:
            problems.append(f"{_n(report.error_count)} lỗi trong tệp")
        raise CommandError(f"Không nhập: {', '.join(problems) or 'không có dòng hợp lệ'}; không có gì được ghi.")
