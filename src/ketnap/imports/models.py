"""What an organisation's own rosters call their columns, remembered for the next import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterKind(models.TextChoices):
    STAFF = "staff", _("Danh sách nhân sự")
    MEMBERS = "members", _("Danh sách đảng viên")
    CANDIDATES = "candidates", _("Quần chúng đang trong quá trình phát triển đảng viên")
    ORGANIZATIONS = "orgs", _("Cây tổ chức đảng (tổ chức, khoa/phòng phụ trách)")


class ColumnMapping(models.Model):
    """Heading (folded, see columns.heading_key) → ketnap field ("" = ignore), per organisation and roster kind.

    It wins over the built-in Vietnamese headings, so a hospital whose payroll export says "Bộ phận" for the
    department maps it once and every later import (UI or `ketnap import`) reads it the same way.
    """

    organization = models.ForeignKey(
        "registry.Organization", models.CASCADE, related_name="+", verbose_name=_("tổ chức đảng")
    )
    kind = models.CharField(_("loại danh sách"), max_length=10, choices=RosterKind.choices)
    mapping = models.JSONField(default=dict)
    # field → {matching.key(value as written) → catalogue code ("" = leave empty)}: "Khoa Cấp cứu 115" is the
    # hospital's "Khoa Cấp cứu", decided once by the office (imports.matching)
    values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="columnmapping_unique")]
        verbose_name = _("cách đọc cột khi nhập danh sách")
        verbose_name_plural = _("cách đọc cột khi nhập danh sách")

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_kind_display()}"


def saved_mapping(organization, kind: str) -> dict[str, str]:
    found = ColumnMapping.objects.filter(organization=organization, kind=kind).first()
    return dict(found.mapping) if found else {}


def saved_values(organization, kind: str) -> dict[str, dict[str, str]]:
    found = ColumnMapping.objects.filter(organization=organization, kind=kind).first()
    return {name: dict(values) for name, values in (found.values or {}).items()} if found else {}


def save_mapping(organization, kind: str, *, user=None, columns: dict | None = None, values: dict | None = None):
    """Merge column choices (heading key → field) and value choices (field → {value key → code}) into the
    organisation's saved mapping; a later choice for the same heading or value replaces the earlier one."""
    mapping, _ = ColumnMapping.objects.get_or_create(organization=organization, kind=kind)
    if columns:
        mapping.mapping = {**mapping.mapping, **columns}
    if values:
        merged = {name: dict(found) for name, found in (mapping.values or {}).items()}
        for name, choices in values.items():
            merged.setdefault(name, {}).update(choices)
        mapping.values = merged
    mapping.updated_by = user if user is not None and getattr(user, "is_authenticated", False) else None
    mapping.save()
    return mapping


class JobState(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    RUNNING = "running", _("đang chạy")
    DONE = "done", _("xong")
    FAILED = "failed", _("không thành công")


ACTIVE_STATES = [JobState.QUEUED, JobState.RUNNING]


class ImportJob(models.Model):
    """One check (dry run) or import of an uploaded roster, run in the background (see imports.runner).

    The progress fields are refreshed while the file is checked; the report (counts, samples, errors: what the
    preview shows) is stored as JSON when the job ends. `token` is the job's address (random: a job number in the
    URL would let anyone count the imports); `upload` is the upload's token in the user's session.
    """

    token = models.CharField(max_length=32, unique=True)
    organization = models.ForeignKey(
        "registry.Organization", models.CASCADE, related_name="+", verbose_name=_("tổ chức đảng")
    )
    kind = models.CharField(_("loại danh sách"), max_length=10, choices=RosterKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    upload = models.CharField(max_length=32)
    path = models.CharField(max_length=500)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=True)
    options = models.JSONField(default=dict, blank=True)  # engine.Options as chosen on the page
    state = models.CharField(_("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    phase = models.CharField(max_length=10, blank=True)  # "check" / "write", as the engine's progress calls them
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)  # None: the file does not say how many rows
    report = models.JSONField(null=True, blank=True)  # engine.Report.as_json()
    message = models.TextField(blank=True)  # why a job failed
    runner = models.CharField(max_length=100, blank=True)  # the process running it (runner.RUNNER_ID)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # one check or import at a time per organisation, even when two uploads arrive together
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(state__in=["queued", "running"]),
                name="importjob_one_active_per_organization",
            )
        ]
        verbose_name = _("lần nhập danh sách")
        verbose_name_plural = _("lần nhập danh sách")

    def __str__(self) -> str:
        return f"{self.organization} — {self.file_name} ({self.get_state_display()})"
