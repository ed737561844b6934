"""How a CCCD shows on a screen: the last 3 digits only.

A CCCD's first 6 digits are not secret from whoever reads a person page: 3 for the province where the birth was
registered, 1 for sex and century, 2 for the year of birth (Thông tư 59/2021/TT-BCA) — the page shows birth date and
sex beside it. The 6 digits after them are the random part. Showing 3 of them tells two people with the same name
apart and lets a clerk check a paper against the screen, while leaving 1,000 guesses per province; showing 4 (as card
numbers do) would leave 100."""

SHOWN_DIGITS = 3
DOT = "•"


def mask_citizen_id(value: str | None) -> str:
    if not value:
        return ""
    return DOT * max(len(value) - SHOWN_DIGITS, 0) + value[-SHOWN_DIGITS:]
