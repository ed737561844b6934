"""API tokens: a secret per client script, of which only a hash is stored.

The token is shown once, when `ketnap api-token create` makes it; the database keeps its SHA-256 so a copy of the
database (a backup, the audit trail) does not hand out access. A plain hash, not a password hash: the secret is 256
random bits, so nobody can guess it from the hash, and lookups stay one indexed query per request.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "ketnap_"  # recognisable in a leaked file or a secret scanner's report
DEFAULT_DAYS = 365  # a yearly report script gets through a year; `--days` for shorter, `--no-expiry` to opt out


def digest(token: str) -> str:
    # "replace": a header that needs it is no token of ours, and must not raise
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, help_text=_("Dùng cho chương trình nào, của ai"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    last_used = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    revoked = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # a forgotten script's token stops working by itself (personal data); None = until revoked, chosen explicitly
    expires = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-created"]
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.user} — {self.name}"

    @classmethod
    def issue(cls, user, name: str, *, days: int | None = DEFAULT_DAYS) -> tuple["ApiToken", str]:
        """A new token for `user`, valid `days` days (None: until revoked): the row and the secret, which is not
        stored and cannot be shown again."""
        secret = PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        expires = now + dt.timedelta(days=days) if days is not None else None
        token = cls.objects.create(user=user, name=name, key_hash=digest(secret), created=now, expires=expires)
        return token, secret

    @classmethod
    def user_for(cls, secret: str):
        """The active user behind a valid, unrevoked token, or None."""
        now = timezone.now()
        found = (
            cls.objects.select_related("user")
            .filter(key_hash=digest(secret), revoked__isnull=True, user__is_active=True)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now))
            .first()
        )
        if found is None:
            return None
        # a queryset update: no audit entry per request, and at most one write a minute per token
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            cls.objects.filter(pk=found.pk).update(last_used=now)
        return found.user

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])
