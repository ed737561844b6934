"""The signed-in user's own account: changing one's password ("Đổi mật khẩu", linked next to the name in the header).

Django's PasswordChangeView (old password asked again, AUTH_PASSWORD_VALIDATORS applied, this session kept and the
user's other sessions ended through the session hash). Every write is audited: the change is an event in the audit
trail and a line on `ketnap.security`, with who and when only, never a password or its hash.
"""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry

security_log = logging.getLogger("ketnap.security")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = get_user_model().objects.get(pk=self.request.user.pk)  # the User itself, not the request's lazy proxy
        write_entry(AuditEntry.Action.EVENT, user, {}, note="Đổi mật khẩu")
        security_log.info(
            "password changed by %s from %s", self.request.user.username, self.request.META.get("REMOTE_ADDR")
        )
        messages.success(self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."))
        return response
