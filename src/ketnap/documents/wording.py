"""How the forms write things: dotted lines for what the register does not hold, dates, document numbers'
symbols, capitals, who signs, and the Party regulations cited."""

import datetime as dt

from ketnap.rules.dates import ddmmyyyy

DOTS = "…………"
# symbols added to a number entered as digits only (HD 36-HD/VPTW: “Số 12-NQ/ĐU”)
NQ_CB, NQ_DU, QD_DU = "-NQ/CB", "-NQ/ĐU", "-QĐ/ĐU"
BC_DU = "-BC/ĐU"  # report of the đảng ủy bộ phận (7-KNĐ, 14-KNĐ); the symbol is an assumption (forms' source)

SECRETARY, DEPUTY = "bi-thu", "pho-bi-thu"
SIGNERS = (SECRETARY, DEPUTY)


def signer_post(head: str, signer: str = SECRETARY) -> str:
    """The post under “T/M …”: the head (“BÍ THƯ”), or for a deputy “K/T BÍ THƯ” and, on the next line,
    “PHÓ BÍ THƯ” (docxtpl turns the line feed into a line break inside the paragraph)."""
    if signer == DEPUTY:
        return f"K/T {head}\nPHÓ {head}"
    return head


def fmt(day: dt.date | None) -> str:
    return ddmmyyyy(day) if day else DOTS


def long_date(day: dt.date | None) -> str:
    """“ngày 05 tháng 02 năm 2024”: a leading zero for days below 10 and for January and February."""
    if not day:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def capitals(text: str) -> str:
    """A heading's name in capitals; dotted lines stay as they are."""
    return text.upper() if text and text != DOTS else text


# (signing date, issuer, subject) of each edition in ketnap.rules.sources (rules.md §0); an edition added there but
# not here is cited by its number alone
EDITIONS = {
    "QĐ 29-QĐ/TW": ("Quy định số 29-QĐ/TW", "25/7/2016", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 24-QĐ/TW": ("Quy định số 24-QĐ/TW", "30/7/2021", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 232-QĐ/TW": ("Quy định số 232-QĐ/TW", "20/01/2025", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 294-QĐ/TW": ("Quy định số 294-QĐ/TW", "26/5/2025", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "HD 01-HD/TW (2016)": (
        "Hướng dẫn số 01-HD/TW",
        "20/9/2016",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    "HD 01-HD/TW (2021)": (
        "Hướng dẫn số 01-HD/TW",
        "28/9/2021",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    "HD 06-HD/TW": (
        "Hướng dẫn số 06-HD/TW",
        "09/6/2025",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
}


def cite(document: str) -> str:
    """“Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng”."""
    if document not in EDITIONS:
        return document
    number, signed, issuer, subject = EDITIONS[document]
    return f"{number} ngày {signed} của {issuer} {subject}"
