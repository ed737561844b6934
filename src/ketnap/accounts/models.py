import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ketnap.audit.recorder import write_entry
from ketnap.rules.dates import ddmmyyyy, ddmmyyyy_hhmm


class RoleKind(models.TextChoices):
    OFFICE = "office", _("Văn phòng đảng ủy")
    SECRETARY = "secretary", _("Bí thư / phó bí thư chi bộ")
    OVERSEER = "overseer", _("Cấp ủy cấp trên (chỉ xem số liệu tổng hợp)")
    ADMIN = "admin", _("Quản trị hệ thống")

    @classmethod
    def personal_data(cls) -> set[str]:
        """Roles that may read names and personal data within their subtree."""
        return {cls.OFFICE, cls.SECRETARY, cls.ADMIN}

    @classmethod
    def editing(cls) -> set[str]:
        return {cls.OFFICE, cls.SECRETARY, cls.ADMIN}


class Role(models.Model):
    """A user's role at an organisation node; its scope is that node's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        "registry.Organization", models.CASCADE, related_name="roles", verbose_name=_("tổ chức đảng")
    )
    kind = models.CharField(_("vai trò"), max_length=20, choices=RoleKind.choices)
    title = models.CharField(_("chức danh"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "kind"], name="role_unique")]
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} — {self.organization}"


def display_name(user) -> str:
    """How a user is named to people (forms' compiler, reminder greetings): their staff record's name if linked."""
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a user's calendar feed address (/lich-viec/<token>.ics): calendar apps cannot log in.

    Whoever holds the address reads the names and due dates of the user's scope, so it can be replaced at any
    time (rotate); the old address then answers 404. Rotating is audited (who, when), but the trail carries
    nothing of the secret, not even a fingerprint: the entry's note says what happened.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="feed_token")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("đường dẫn lịch việc cần làm")
        verbose_name_plural = _("đường dẫn lịch việc cần làm")

    def __str__(self) -> str:
        return f"{self.user} — {ddmmyyyy(self.created)}"

    @classmethod
    def for_user(cls, user) -> "FeedToken":
        return cls.objects.get_or_create(user=user)[0]

    def rotate(self) -> None:
        """A new secret; the old address stops working at once."""
        with transaction.atomic():
            self.token = new_feed_token()
            self.created = timezone.now()
            self.save(update_fields=["token", "created"])
            write_entry("update", self, {}, note="Tạo đường dẫn lịch việc cần làm mới; đường dẫn cũ hết hiệu lực.")


class AddressBlock(models.Model):
    """A client address refused at login for a while: it failed for too many different usernames (password spraying).

    Made and read by ketnap.accounts.throttle; in the database so that every server process refuses the same
    addresses. Never deleted: lifting one early (admin) only sets `lifted_at`, so the list also tells what happened.
    """

    address = models.GenericIPAddressField(gettext_lazy("địa chỉ IP"), db_index=True)
    started = models.DateTimeField(gettext_lazy("khóa từ"))
    until = models.DateTimeField(gettext_lazy("khóa đến"))
    usernames = models.PositiveIntegerField(gettext_lazy("số tên đăng nhập sai"))
    refused = models.PositiveIntegerField(gettext_lazy("số lần bị từ chối"), default=0)
    lifted_at = models.DateTimeField(gettext_lazy("mở khóa lúc"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("người mở khóa"),
    )

    class Meta:
        ordering = ["-started"]
        verbose_name = gettext_lazy("khóa đăng nhập theo địa chỉ")
        verbose_name_plural = gettext_lazy("khóa đăng nhập theo địa chỉ")

    def __str__(self) -> str:
        return f"{self.address} — {ddmmyyyy_hhmm(timezone.localtime(self.started))}"

    @property
    def ended(self):
        """When the block stopped (or will stop) refusing logins."""
        return self.lifted_at or self.until

    def is_active(self, now=None) -> bool:
        return self.lifted_at is None and self.until > (now or timezone.now())


class IssuedPassword(models.Model):
    """The user's password is one the office issued (ketnap.accounts.issuing: printed once in a sealed letter, never
    stored in clear): until they set their own, every page sends them to "Đổi mật khẩu" (web.middleware). The row goes
    when they do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="issued_password"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("mật khẩu dùng một lần")
        verbose_name_plural = gettext_lazy("mật khẩu dùng một lần")

    def __str__(self) -> str:
        return f"{self.user} — {ddmmyyyy_hhmm(timezone.localtime(self.issued_at))}"


def issued_password(user) -> bool:
    """Whether the user signs in with a password the office issued (read with the user by accounts.backends)."""
    try:
        user.issued_password  # noqa: B018
    except IssuedPassword.DoesNotExist:
        return False
    return True
