"""Accounts: changing one's password ("Đổi mật khẩu", linked next to the name in the header), and the office issuing
accounts to the register's members and candidates in bulk, as sealed letters (issue #15, accounts.issuing).


Django's PasswordChangeView (old password asked again, AUTH_PASSWORD_VALIDATORS applied, this session kept and the
user's other sessions ended through the session hash). Every write is audited: the change is an event in the audit
trail and a line on `ketnap.security`, with who and when only, never a password or its hash.
"""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.accounts import issuing
from ketnap.accounts.models import IssuedPassword, issued_password
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate
from ketnap.privacy import readlog
from ketnap.privacy.models import ReadKind
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import Person
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.stats.pdf import PdfUnavailable
from ketnap.web.exporting import PDF, file_response

security_log = logging.getLogger("ketnap.security")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "issued": issued_password(self.request.user)}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = get_user_model().objects.get(pk=self.request.user.pk)  # the User itself, not the request's lazy proxy
        write_entry(AuditEntry.Action.EVENT, user, {}, note="Đổi mật khẩu")
        IssuedPassword.objects.filter(user=user).delete()  # their own now: the one-time password is spent
        security_log.info(
            "password changed by %s from %s", self.request.user.username, self.request.META.get("REMOTE_ADDR")
        )
        messages.success(self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."))
        return response


def _register_people(org):
    """The current staff of the organisation's subtree who are members or on the road to the Party (the register's
    people an account is for), with their login and its roles, in name order."""
    open_road = Candidate.objects.filter(person=OuterRef("pk")).exclude(stage__in=Stage.terminal())
    return (
        Person.objects.current()
        .filter(organization__path__startswith=org.path)
        .filter(Q(memberships__status__in=MembershipStatus.active()) | Exists(open_road))
        .distinct()
        .select_related("user", "work_unit", "organization")
        .prefetch_related("user__roles")
        .order_by("sort_key", "pk")
    )


def _chosen(request, people: list) -> list:
    """The people ticked (?ids=…), among those the page lists: an id from elsewhere is ignored."""
    wanted = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
    return [p for p in people if p.pk in wanted]


def _letters(request, org, chosen: list):
    """The letters' PDF for the people chosen, their accounts issued; None (the reason in the messages) when nothing
    was issued."""
    try:
        with transaction.atomic():  # no letter, no account: the letters are the passwords' only copy
            letters = issuing.issue(chosen, actor=request.user)
            pdf = issuing.letters_pdf(
                letters, organization=org.name, address=request.build_absolute_uri("/"), issued_on=today()
            )
    except ValueError as exc:
        messages.error(request, _("Chưa cấp tài khoản nào: %(why)s") % {"why": exc})
    except IntegrityError:  # a username taken meanwhile by another office's letters: nothing was written
        taken = _("Chưa cấp tài khoản nào: một tên đăng nhập vừa được cấp ở nơi khác; bấm lại.")
        messages.error(request, taken)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
    else:
        filename = f"thu-tai-khoan-{org.code}-{today():%Y-%m-%d}.pdf"
        readlog.record(request.user, ReadKind.DOWNLOAD, what=filename, count=len(letters))
        return file_response(pdf, filename, PDF)
    return None


@require_http_methods(["GET", "POST"])
def issue_accounts(request, code):
    """Tài khoản cho đảng viên, người vào Đảng: tick the people, get one PDF of sealed letters (the passwords exist
    nowhere else); the office or an administrator of the organisation."""
    scope = scope_for(request)
    org = get_object_or_404(scope.personal_organizations(), code=code)
    if not scope.can_manage_within(org) or not org.active:
        raise PermissionDenied
    people = list(_register_people(org))
    if request.method == "POST":
        chosen = _chosen(request, people)
        if not chosen:
            messages.error(request, _("Chưa chọn ai: đánh dấu những người cần thư cấp tài khoản."))
        elif (letters := _letters(request, org, chosen)) is not None:
            return letters
    rows = [(p, issuing.refusal(p)) for p in people]
    return render(request, "web/issue_accounts.html", {"org": org, "rows": rows})
