"""The read log: who read whose personal data, one row per read (Luật Bảo vệ dữ liệu cá nhân 2025: party membership,
religion and ethnicity are sensitive data; the controller must be able to say who processed them).

Separate from the audit trail (ketnap.audit), which records changes and is kept for ever: reads are many times more
numerous, so a row is lean (no hash chain, no copy of names), writing one is a single INSERT, and rows older than
settings.KETNAP_READ_LOG_MONTHS are pruned (`ketnap prune-read-log`). Rows are never edited; the prune is the one way
they go (ReadQuerySet.delete refuses everything else), and ReadQuerySet.forget the one edit: when a person's retention
period runs out (ketnap.registry.services.retention), the file names and filters that carry their name, CCCD or
contacts are emptied; the row (who read, when, what kind, how many rows) stays."""

from urllib.parse import quote, quote_plus

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketnap.rules.dates import ddmmyyyy_hhmm
from ketnap.vietnamese import fold

SHORTEST = 5  # shorter values (a short staff code) would match other people's rows


class ReadLogError(Exception):
    pass


class ReadKind(models.TextChoices):
    PERSON = "person", _("Xem trang nhân sự")
    CANDIDATE = "candidate", _("Xem hồ sơ ứng viên")
    SCAN = "scan", _("Mở bản quét hồ sơ")
    CITIZEN_ID = "cccd", _("Hiện số CCCD")
    DOWNLOAD = "download", _("Tải tệp có tên người")


class ReadQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ReadLogError("Nhật ký truy cập không được sửa.")

    def delete(self):
        raise ReadLogError("Nhật ký truy cập chỉ được xóa khi hết thời hạn lưu (ketnap prune-read-log).")

    def prune(self, before) -> int:
        """Delete the rows read before `before` (the retention period's start): the one deletion allowed."""
        deleted, _counts = models.QuerySet.delete(self.filter(at__lt=before))
        return deleted

    def forget(self, values) -> int:
        """Empty `what` and `query` of the rows that hold one of `values` (a purged person's full name, CCCD, phone,
        e-mail, staff code) as typed, as a URL carries it (with or without diacritics) or as a file name does: the
        one edit allowed. The number of rows emptied. A fragment typed in a filter (a given name alone) is not
        found: the rows still go when the read log's own retention ends."""
        match = Q()
        for needle in _needles(values):
            match |= Q(what__icontains=needle) | Q(query__icontains=needle)
        if not match:
            return 0
        return models.QuerySet.update(self.filter(match), what="", query="")


def _needles(values) -> set[str]:
    needles = set()
    for value in values:
        text = " ".join(str(value or "").split())
        if len(text) < SHORTEST:
            continue
        folded = fold(text)
        for form in (text, folded):
            needles |= {form, quote_plus(form), quote(form), form.replace(" ", "-"), form.replace(" ", "_")}
    return needles


class ReadEntry(models.Model):
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người xem"))
    kind = models.CharField(_("loại"), max_length=10, choices=ReadKind.choices)
    # No database constraint: a person purged at the end of their retention (or merged) leaves the rows about who read
    # them, by number only, and the purge need not touch this high-volume table.
    person = models.ForeignKey(
        "registry.Person",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người được xem"),
    )
    what = models.CharField(_("nội dung"), max_length=200, blank=True)  # the list's title, the form, the scan
    query = models.CharField(_("bộ lọc"), max_length=500, blank=True)  # a download's filters, as in its URL
    count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)  # rows (people) in a download

    objects = ReadQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")

    def __str__(self) -> str:
        return f"{ddmmyyyy_hhmm(timezone.localtime(self.at))} {self.user_id} {self.kind} {self.person_id or self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReadLogError("Nhật ký truy cập không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReadLogError("Nhật ký truy cập chỉ được xóa khi hết thời hạn lưu (ketnap prune-read-log).")
