"""The signed-in user's own account: changing one's password ("Đổi mật khẩu", linked next to the name in the header).

Django's PasswordChangeView (old password asked again, AUTH_PASSWORD_VALIDATORS applied, this session kept and the
user's other sessions ended through the session hash). Users are not in the audit log (audit/recorder.py); the change
is logged on `ketnap.security` with who and when only, never a password or its hash.
"""

import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

security_log = logging.getLogger("ketnap.security")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.info(
            "password changed by %s from %s", self.request.user.username, self.request.META.get("REMOTE_ADDR")
        )
        messages.success(self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."))
        return response
