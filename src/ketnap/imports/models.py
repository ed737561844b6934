"""What an organisation's own rosters call their columns, remembered for the next import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterKind(models.TextChoices):
    STAFF = "staff", _("Danh sách nhân sự")
    MEMBERS = "members", _("Danh sách đảng viên")


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
