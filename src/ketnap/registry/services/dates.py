import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketnap.rules.dates import DAY_FORMAT, ddmmyyyy


def today() -> dt.date:
    return timezone.localdate()


def not_in_future(on: dt.date, field: str = "on") -> None:
    if on > today():
        raise ValidationError({field: f"Ngày hiệu lực {ddmmyyyy(on)} chưa đến; chỉ ghi nhận thay đổi đã có hiệu lực."})


def command_day(raw: str) -> dt.date:
    """A day typed on a `ketnap` command line (dd/mm/yyyy), as argparse's `type=`: a clear error otherwise."""
    from django.core.management.base import CommandError

    try:
        return dt.datetime.strptime(raw, DAY_FORMAT).date()
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {raw!r}; nhập theo dạng dd/mm/yyyy.") from exc
