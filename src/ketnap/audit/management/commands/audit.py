"""`ketnap audit verify|anchor`: prove the change log intact, and anchor its head outside the database.

verify exits 0 when the trail checks (and then anchors the head it checked), 1 naming the first broken entry.
Run `ketnap audit anchor` daily from cron (README "Nhật ký thay đổi"), so that deleting the newest entries is told.
"""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from ketnap.audit import chain
from ketnap.rules.dates import ddmmyyyy_hhmm


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Kiểm tra nhật ký thay đổi còn nguyên vẹn (verify) và ghi mốc neo đầu chuỗi ra ngoài CSDL (anchor)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="Kiểm tra mã băm, chữ ký khóa và mốc neo; mã thoát 0 = nguyên vẹn.")
        verify.add_argument(
            "--khong-khoa",
            "--without-key",
            dest="without_key",
            action="store_true",
            help="khi đã mất khóa ký: chỉ kiểm tra mã băm và mốc neo",
        )
        verify.add_argument("--khong-neo", dest="no_anchor", action="store_true", help="không ghi mốc neo mới")
        actions.add_parser("anchor", help="Ghi mã băm đầu chuỗi kèm thời điểm vào DATA_DIR/audit-anchors.log.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _anchor(self, **_options):
        made = chain.anchor("anchor")
        if made is None:
            self.stdout.write("Nhật ký trống: chưa có gì để neo.")
            return
        self.stdout.write(f"Đã neo mục #{made.entry_id}, mã băm {made.hash}, vào {chain.anchors_path()}.")

    def _verify(self, without_key, no_anchor, **_options):
        report = chain.verify(check_key=not without_key)
        if not report.ok:
            when = ddmmyyyy_hhmm(timezone.localtime(report.broken_at), seconds=True) if report.broken_at else "?"
            self.stderr.write(
                f"NHẬT KÝ KHÔNG NGUYÊN VẸN: mục #{report.first_broken} (lúc {when}): {report.reason}.\n"
                f"Đã kiểm tra {_number(report.checked)} mục trước đó; đầu chuỗi hiện tại #{report.head_id} "
                f"{report.head or '(trống)'}."
            )
            sys.exit(1)
        self.stdout.write(
            f"Nhật ký nguyên vẹn: đã kiểm tra {_number(report.checked)} mục; "
            f"đầu chuỗi #{report.head_id} {report.head or '(trống)'}."
        )
        if report.sealed:
            self.stdout.write("Chữ ký khóa: khớp.")
        else:
            self.stdout.write("Chữ ký khóa: KHÔNG kiểm tra (--khong-khoa): chỉ mã băm và mốc neo được kiểm tra.")
        self.stdout.write(f"Mốc neo: {report.anchors} mốc, tất cả còn nguyên trong chuỗi.")
        for note in report.notes:
            self.stdout.write(f"Lưu ý: {note}")
        if not no_anchor:
            made = chain.anchor("verify")
            if made is not None:
                self.stdout.write(f"Đã ghi mốc neo mới (mục #{made.entry_id}) vào {chain.anchors_path()}.")
