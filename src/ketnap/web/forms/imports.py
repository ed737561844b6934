"""The roster upload form (the import itself: ketnap.imports)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ketnap.imports.models import RosterKind

REASON_HELP = _(
    "Chỉ với danh sách quần chúng đang trong quá trình: lý do ghi nhận các bước đã qua mà quy định nay không cho "
    "(ví dụ: hồ sơ giấy đã được cấp trên duyệt năm 2023). Ghi vào từng bước và nhật ký."
)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại danh sách"), choices=RosterKind.choices, initial=RosterKind.STAFF)
    file = forms.FileField(label=_("Tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV"))
    include_hidden = forms.BooleanField(
        label=_("Nhập cả các dòng bị ẩn (mặc định bỏ qua: thường là người đã nghỉ)"), required=False
    )
    reason = forms.CharField(label=_("Lý do ghi nhận"), required=False, max_length=500, help_text=REASON_HELP)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KETNAP_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB. Hãy chia thành nhiều tệp.")
                % {"size": f"{upload.size / 2**20:.1f}".replace(".", ","), "limit": limit // 2**20}
            )
        return upload
