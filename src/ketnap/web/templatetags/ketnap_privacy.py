from django import template

from ketnap.privacy.masking import mask_citizen_id

register = template.Library()


@register.filter
def masked_citizen_id(value):
    """A CCCD as screens show it: •••••••••234 (ketnap.privacy.masking says why the last 3)."""
    return mask_citizen_id(value)


@register.filter
def reader_name(user):
    """The reader as a log names them: Họ tên (tài khoản)."""
    from ketnap.accounts.models import display_name

    name = display_name(user)
    return name if name == user.get_username() else f"{name} ({user.get_username()})"
