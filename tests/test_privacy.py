"""Personal data (issue #13): the CCCD masked on screens and revealed by a logged POST, the read log (who read whose
data) with its scope and retention, and downloads with names stamped with who downloaded them."""

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from ketnap.privacy import readlog
from ketnap.privacy.masking import mask_citizen_id
from ketnap.privacy.models import ReadEntry, ReadKind, ReadLogError
from ketnap.privacy.stamps import Stamp, stamp_docx, stamp_pdf


def _entries(**filters):
    return list(ReadEntry.objects.filter(**filters).order_by("id").values_list("user__username", "kind", "person_id"))


# --- 1. the CCCD on screen -------------------------------------------------------------------------------------------
def test_mask_keeps_the_last_three_digits():
    assert mask_citizen_id("022112345678") == "•••••••••678"
    assert mask_citizen_id("") == ""
    assert mask_citizen_id(None) == ""


def test_person_page_masks_the_citizen_id_and_the_button_reveals_it_logged(login, world, personas):
    client = login(personas.secretary_a1)
    full = world.an.citizen_id
    page = client.get(reverse("person_detail", kwargs={"pk": world.an.pk})).content.decode()
    assert full not in page
    assert mask_citizen_id(full) in page
    assert reverse("citizen_id_reveal", kwargs={"pk": world.an.pk}) in page
    assert _entries() == [("bithu.a1", ReadKind.PERSON, world.an.pk)]

    assert client.get(reverse("citizen_id_reveal", kwargs={"pk": world.an.pk})).status_code == 405  # POST only
    shown = client.post(reverse("citizen_id_reveal", kwargs={"pk": world.an.pk}))
    assert shown.status_code == 200
    assert full in shown.content.decode()
    assert _entries()[1:] == [("bithu.a1", ReadKind.CITIZEN_ID, world.an.pk)]


def test_revealing_an_outsiders_citizen_id_is_404_and_writes_nothing(login, world, personas):
    client = login(personas.secretary_a1)
    response = client.post(reverse("citizen_id_reveal", kwargs={"pk": world.outsider.pk}))
    assert response.status_code == 404
    assert world.outsider.citizen_id not in response.content.decode()
    assert _entries() == []


def test_the_edit_form_still_shows_the_citizen_id_to_who_edits(login, world, personas):
    client = login(personas.secretary_a1)
    assert world.an.citizen_id in client.get(reverse("person_edit", kwargs={"pk": world.an.pk})).content.decode()


# --- 2. the read log --------------------------------------------------------------------------------------------
def test_candidate_page_and_scan_are_logged(login, world, personas, pipeline_world):
    client = login(personas.secretary_a1)
    candidate = pipeline_world.bình
    assert client.get(reverse("candidate_detail", kwargs={"candidate_pk": candidate.pk})).status_code == 200
    scan = pipeline_world.scans[candidate.pk]
    response = client.get(reverse("candidate_scan", kwargs={"candidate_pk": candidate.pk, "doc_pk": scan.pk}))
    assert response.status_code == 200
    # consumed, not closed: close() sends request_finished, which ends the PostgreSQL test connection
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _entries() == [
        ("bithu.a1", ReadKind.CANDIDATE, world.binh.pk),
        ("bithu.a1", ReadKind.SCAN, world.binh.pk),
    ]


def test_reading_a_person_page_costs_one_insert_and_no_query_per_reader(login, world, personas):
    """Measured: 14 queries before the read log for an office user (audit readers); then + 1 INSERT + 1 SELECT for
    "Ai đã xem", whatever the number of readers. Issue #14: the change log and "Ai đã xem" read the person's own rows
    by their index, not through every person of the subtree (51 ms a page for a province office at scale 10), and
    person.membership (the buttons) shares the memberships listed: 15."""
    client = login(personas.office_a)
    url = reverse("person_detail", kwargs={"pk": world.an.pk})
    for user in (personas.secretary_a1, personas.admin_a, personas.superuser):
        readlog.record(user, ReadKind.PERSON, person_id=world.an.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) == 15
    assert [s.split()[0] for s in sql if "privacy_readentry" in s] == ["INSERT", "SELECT"]
    logs = [s for s in sql if s.startswith("SELECT") and ("privacy_readentry" in s or "audit_auditentry" in s)]
    assert len(logs) == 2 and not any("LIKE" in s for s in logs)  # no subtree of people to filter by
    assert page.count("bithu.a1") == 1 and "Ai đã xem" in page


def test_an_office_reading_as_a_secretary_elsewhere_sees_no_trail_there(login, world, personas):
    """Office of hospital A and secretary of cell B1: B1's people are readable, their trail and readers are not (the
    person page asks Scope.audit_entries_about / read_entries_about, which keep what audit_entries() would)."""
    from ketnap.accounts.models import Role, RoleKind
    from ketnap.audit.models import AuditEntry

    Role.objects.create(user=personas.office_a, organization=world.cell_b1, kind=RoleKind.SECRETARY)
    readlog.record(personas.secretary_b1, ReadKind.PERSON, person_id=world.outsider.pk)
    readlog.record(personas.secretary_a1, ReadKind.PERSON, person_id=world.an.pk)
    client = login(personas.office_a)
    outside = client.get(reverse("person_detail", kwargs={"pk": world.outsider.pk}))
    assert outside.status_code == 200 and outside.context["readers"] == [] and outside.context["audit"] == []
    assert AuditEntry.objects.filter(person_id=world.outsider.pk).exists()  # there is a trail, not theirs to read
    own = client.get(reverse("person_detail", kwargs={"pk": world.an.pk}))
    assert [e.user for e in own.context["readers"]][-1:] == [personas.secretary_a1]


def test_secretaries_log_reads_without_seeing_the_log(login, world, personas):
    client = login(personas.secretary_a1)
    page = client.get(reverse("person_detail", kwargs={"pk": world.an.pk})).content.decode()
    assert "Ai đã xem" not in page
    assert client.get(reverse("read_log")).status_code == 404
    assert _entries() == [("bithu.a1", ReadKind.PERSON, world.an.pk)]


def test_read_log_page_scope_and_filters(login, world, personas):
    readlog.record(personas.secretary_a1, ReadKind.PERSON, person_id=world.an.pk)
    readlog.record(personas.secretary_b1, ReadKind.PERSON, person_id=world.outsider.pk)
    readlog.record(personas.secretary_a1, ReadKind.DOWNLOAD, what="Danh sách A (xlsx)", count=7)
    readlog.record(personas.secretary_b1, ReadKind.DOWNLOAD, what="Danh sách của B (csv)", count=3)
    old = readlog.record(personas.secretary_a1, ReadKind.PERSON, person_id=world.binh.pk)
    with connection.cursor() as cursor:  # the log refuses updates: an old read is made in SQL
        cursor.execute("UPDATE privacy_readentry SET at = %s WHERE id = %s", [dt.datetime(2025, 1, 5, 3), old.pk])
    client = login(personas.office_a)
    body = client.get(reverse("read_log")).content.decode()
    assert "Nguyễn Văn An" in body and "Danh sách A (xlsx)" in body and "Trần Thị Bình" in body
    assert world.outsider.full_name not in body and "Danh sách của B" not in body  # hospital B is not office A's
    narrowed = client.get(reverse("read_log"), {"nhan-su": world.an.pk}).content.decode()
    assert "Nguyễn Văn An" in narrowed and "Danh sách A" not in narrowed
    dated = client.get(reverse("read_log"), {"tu-ngay": "01/01/2025", "den-ngay": "31/01/2025"}).content.decode()
    assert "Trần Thị Bình" in dated and "Nguyễn Văn An" not in dated
    by_kind = client.get(reverse("read_log"), {"loai": ReadKind.DOWNLOAD}).content.decode()
    assert "Danh sách A (xlsx)" in by_kind and "Nguyễn Văn An" not in by_kind
    everything = login(personas.superuser).get(reverse("read_log")).content.decode()
    assert world.outsider.full_name in everything


def test_the_read_log_is_append_only_and_pruned_after_the_retention(settings, world, personas):
    settings.KETNAP_READ_LOG_MONTHS = 24
    entry = readlog.record(personas.office_a, ReadKind.PERSON, person_id=world.an.pk)
    entry.kind = ReadKind.SCAN
    with pytest.raises(ReadLogError):
        entry.save()
    with pytest.raises(ReadLogError):
        ReadEntry.objects.all().delete()
    with pytest.raises(ReadLogError):
        ReadEntry.objects.update(kind=ReadKind.SCAN)
    kept = readlog.record(personas.office_a, ReadKind.PERSON, person_id=world.binh.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_readentry SET at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(days=2 * 365 + 2), entry.pk],
        )
    now = timezone.localtime()
    assert readlog.retention_start(now).date() in {
        now.date().replace(year=now.year - 2, day=d) for d in range(min(now.day, 28), now.day + 1)
    }
    out = io.StringIO()
    call_command("prune-read-log", stdout=out)
    assert "Đã xóa 1 dòng" in out.getvalue()
    assert list(ReadEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_retention_start_clamps_to_the_end_of_the_month(settings):
    settings.KETNAP_READ_LOG_MONTHS = 1
    march_31 = timezone.make_aware(dt.datetime(2026, 3, 31, 10, 0))
    assert readlog.retention_start(march_31) == timezone.make_aware(dt.datetime(2026, 2, 28, 10, 0))


# --- 3. downloads with names: logged and stamped ------------------------------------------------------------------
def test_a_list_download_as_xlsx_is_stamped_and_logged(login, personas, pipeline_world):
    from openpyxl import load_workbook

    client = login(personas.secretary_a1)
    response = client.get(reverse("due_list"), {"xuat": "xlsx", "q": "binh"})
    workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)  # sent from a temporary file
    author = "bithu.a1"
    assert author in workbook.properties.creator and author in workbook.properties.lastModifiedBy
    assert "Tải bởi" in workbook.properties.description
    last = [row for row in workbook.active.iter_rows(values_only=True) if any(row)][-1]
    assert last[0].startswith("Tải bởi") and author in last[0] and "không chia sẻ" in last[0]
    entry = ReadEntry.objects.get()
    assert (entry.user, entry.kind, entry.person_id, entry.count) == (personas.secretary_a1, "download", None, 1)
    assert entry.what == "Việc cần làm (xlsx)" and entry.query == "q=binh"


def test_a_list_download_as_csv_stays_data_only_and_is_logged_when_sent(login, personas, pipeline_world):
    client = login(personas.secretary_a1)
    response = client.get(reverse("due_list"), {"xuat": "csv"})
    assert ReadEntry.objects.count() == 0  # nothing sent yet
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()  # to its end: the log is written
    assert "Tải bởi" not in "\n".join(lines) and len(lines) == 2  # the header and Bình: no stamp line to import
    entry = ReadEntry.objects.get()
    assert (entry.kind, entry.count, entry.what) == ("download", 1, "Việc cần làm (csv)")


def test_a_candidate_form_docx_carries_who_downloaded_it(login, personas, pipeline_world):
    from docx import Document

    from ketnap.documents.forms import FORMS

    candidate = pipeline_world.bình
    form = next(f for f in FORMS.values() if f.available(candidate) and not f.per_introduction)
    client = login(personas.secretary_a1)
    response = client.get(reverse("documents_docx", kwargs={"candidate_pk": candidate.pk, "form": form.slug}))
    document = Document(io.BytesIO(response.content))
    assert "bithu.a1" in document.core_properties.author and "Tải bởi" in document.core_properties.comments
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    assert "Tải bởi" in footer and "bithu.a1" in footer
    assert _entries() == [("bithu.a1", ReadKind.DOWNLOAD, candidate.person_id)]


def test_stamped_docx_and_pdf_open_with_their_properties(world, personas):
    from docx import Document

    from ketnap.stats.pdf import html_to_pdf

    stamp = Stamp("Nguyễn Văn Ánh (vp.a)", timezone.make_aware(dt.datetime(2026, 3, 2, 9, 5)))
    assert stamp.line.startswith("Tải bởi Nguyễn Văn Ánh (vp.a) lúc 02/03/2026 09:05")
    blank = io.BytesIO()
    Document().save(blank)
    stamped = Document(io.BytesIO(stamp_docx(blank.getvalue(), stamp)))
    assert stamped.core_properties.last_modified_by == "Nguyễn Văn Ánh (vp.a)"
    try:  # a portrait page, then a landscape one: the line is made once per page size
        pdf = html_to_pdf(
            "<style>@page { size: A4 } @page wide { size: A4 landscape } .wide { page: wide }</style>"
            '<p>Danh sách</p><p class="wide">Bảng ngang</p>'
        )
    except Exception as exc:  # WeasyPrint's libraries missing on this machine
        pytest.skip(f"no PDF writer: {exc}")
    overlays = {}
    out = stamp_pdf(pdf, stamp, overlays)
    assert len(overlays) == 2
    info = subprocess.run(["pdfinfo", "-"], input=out, capture_output=True, check=True).stdout.decode()
    assert "Author:          Nguyễn Văn Ánh (vp.a)" in info and "Subject:         Tải bởi" in info
    text = subprocess.run(["pdftotext", "-", "-"], input=out, capture_output=True, check=True).stdout.decode()
    assert "Danh sách" in text and "Bảng ngang" in text
    reader = PdfReader(io.BytesIO(out))
    assert reader.metadata["/ModDate"] == "D:20260302090500+07'00'"
    for page in reader.pages:
        assert stamp.line in " ".join(page.extract_text().split())
        # printed in the bottom margin (the documents' is 20 mm), below the page number, not over the text
        assert 0 < _line_height(page) < 12 / 25.4 * 72
    # another file of the same download (a zip) reuses the lines made; a page turned by /Rotate gets it at the bottom
    # of the page as seen
    turned = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    turned.pages[0].rotate(90)
    written = io.BytesIO()
    turned.write(written)
    pages = PdfReader(io.BytesIO(stamp_pdf(written.getvalue(), stamp, overlays))).pages
    assert len(overlays) == 2
    assert [(p.rotation, round(float(p.mediabox.width))) for p in pages] == [(0, 842), (0, 842)]
    assert all(stamp.line in " ".join(p.extract_text().split()) and _line_height(p) < 34 for p in pages)


def _line_height(page) -> float:
    """How high above the page's bottom edge the stamp line is printed, in points."""
    heights = []

    def visit(text, cm, tm, *_):
        if "Tải bởi" in text:
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    assert heights
    return max(heights)


def test_a_list_of_names_docx_is_stamped_and_logged_with_its_size(login, personas, pipeline_world):
    from docx import Document

    client = login(personas.secretary_a1)
    response = client.get(reverse("documents_list_docx", kwargs={"form": "de-nghi-hoc-lop-nhan-thuc"}))
    document = Document(io.BytesIO(response.content))
    assert "bithu.a1" in document.core_properties.author
    assert "Trần Thị Bình" in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    entry = ReadEntry.objects.get()
    assert (entry.kind, entry.person_id, entry.count) == ("download", None, 1)
    assert entry.what.endswith(".docx")


# --- 4. PDFs with names: the line on every page, the downloader in the properties ---------------------------------
@pytest.fixture
def data_dir(settings, tmp_path):
    """A data directory of the test's own (an empty document cache, the imports' files)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.KETNAP_IMPORT_WAIT = 30  # as in test_imports: the job ends before the test's next request
    return settings.DATA_DIR


@pytest.fixture
def named(personas):
    """The office and the secretary with Vietnamese names: the stamps show them with their diacritics."""
    for user, (family, given) in (
        (personas.office_a, ("Nguyễn Thị", "Ánh")),
        (personas.secretary_a1, ("Đỗ Văn", "Hùng")),
    ):
        user.last_name, user.first_name = family, given
        user.save()
    return {"vp.a": "Nguyễn Thị Ánh (vp.a)", "bithu.a1": "Đỗ Văn Hùng (bithu.a1)"}


def _download(client, url, **params):
    """The response and the stamp lines it may carry: one per minute the request spanned."""
    before = timezone.localtime()
    response = client.get(url, params)
    after = timezone.localtime()
    return response, {f"lúc {t:%d/%m/%Y %H:%M} — tài liệu có dữ liệu cá nhân" for t in (before, after)}


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _assert_stamped(data: bytes, author: str, times: set[str]) -> None:
    """Every page shows "Tải bởi <author> lúc <time> — …", and the PDF's Author is the downloader."""
    pages = _pages(data)
    assert pages
    for text in pages:
        assert any(f"Tải bởi {author} {at}" in text for at in times), text[-300:]
        assert "chỉ dùng cho công tác đảng, không chia sẻ ra ngoài." in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.author == author and metadata.subject.startswith(f"Tải bởi {author} lúc ")


def _libreoffice():
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice or pdftotext is missing on CI: install libreoffice-writer-nogui, poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


@pytest.mark.slow
def test_a_candidate_form_pdf_shows_who_downloaded_it_on_every_page(login, world, personas, cell, named, data_dir):
    from tests.test_documents import admit

    _libreoffice()
    decided = admit(world.binh, personas.office_a, cell)
    client = login(personas.office_a)
    for form in ("6-knd", "9-knd"):
        response, times = _download(client, f"/ung-vien/{decided.pk}/van-ban/{form}.pdf")
        assert response.status_code == 200
        _assert_stamped(response.content, named["vp.a"], times)
        assert "Trần Thị Bình" in " ".join(_pages(response.content))
    assert [e[1:] for e in _entries()] == [(ReadKind.DOWNLOAD, world.binh.pk)] * 2


@pytest.mark.slow
def test_a_cached_pdf_carries_the_stamp_of_each_user_who_downloads_it(
    login, world, personas, cell, named, data_dir, monkeypatch, tmp_path
):
    from tests.test_documents import admit

    _libreoffice()
    decided = admit(world.binh, personas.office_a, cell)
    url = f"/ung-vien/{decided.pk}/van-ban/9-knd.pdf"
    first, first_times = _download(login(personas.office_a), url)
    _assert_stamped(first.content, named["vp.a"], first_times)
    [cached] = (data_dir / "cache" / "documents" / f"ung-vien-{decided.pk}").glob("9-knd*.pdf")
    assert "Tải bởi" not in " ".join(_pages(cached.read_bytes()))  # the cache keeps the document as it was made
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # from now on a PDF can only come from the cache
    client = login(personas.secretary_a1)
    second, second_times = _download(client, url)
    assert second.status_code == 200
    _assert_stamped(second.content, named["bithu.a1"], second_times)
    assert "Nguyễn Thị Ánh" not in " ".join(_pages(second.content))
    batch, batch_times = _download(client, "/van-ban/hang-loat/9-knd.zip", ids=decided.pk, **{"dinh-dang": "pdf"})
    assert batch.status_code == 200
    with zipfile.ZipFile(io.BytesIO(batch.content)) as archive:
        [name] = archive.namelist()
        _assert_stamped(archive.read(name), named["bithu.a1"], batch_times)
    assert "Tải bởi" not in " ".join(_pages(cached.read_bytes()))
    assert [e[0] for e in _entries()] == ["vp.a", "bithu.a1", "bithu.a1"]
    # without WeasyPrint the line cannot be written: the PDF does not leave unstamped
    from ketnap.stats import pdf

    def unavailable(html):
        raise pdf.PdfUnavailable("thiếu Pango")

    monkeypatch.setattr(pdf, "html_to_pdf", unavailable)
    refused = client.get(url)
    assert refused.status_code == 503 and "không ghi được người tải" in refused.content.decode()
    assert len(_entries()) == 3


@pytest.mark.slow
def test_statistics_pdfs_with_names_are_stamped_and_logged_figures_alone_are_not(login, world, personas, named):
    client = login(personas.office_a)
    try:
        response, times = _download(client, reverse("target_overview", kwargs={"code": "BVA"}), xuat="pdf")
    except Exception as exc:  # WeasyPrint's libraries missing on this machine
        pytest.skip(f"no PDF writer: {exc}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Danh sách đã kết nạp" in " ".join(_pages(response.content))  # the office reads the names
    _assert_stamped(response.content, named["vp.a"], times)
    entry = ReadEntry.objects.get()
    assert (entry.user, entry.kind) == (personas.office_a, "download")
    assert entry.what.startswith("chi-tieu-BVA-") and entry.what.endswith(".pdf")
    assert entry.query == ""
    # the overseer's copy holds figures only, and so does the dashboard's: neither stamped nor logged
    figures = login(personas.overseer).get(reverse("target_overview", kwargs={"code": "BVA"}), {"xuat": "pdf"})
    dashboard = client.get(reverse("stats_dashboard", kwargs={"code": "BVA"}), {"xuat": "pdf"})
    for response in (figures, dashboard):
        assert response.status_code == 200
        assert "Tải bởi" not in " ".join(_pages(response.content))
        assert PdfReader(io.BytesIO(response.content)).metadata.author != named["vp.a"]
    assert ReadEntry.objects.count() == 1


@pytest.mark.slow
def test_the_personal_data_export_pdf_is_stamped_on_every_page(login, world, personas, named):
    client = login(personas.office_a)
    response, times = _download(client, f"/nhan-su/{world.binh.pk}/du-lieu-ca-nhan.pdf")
    assert response.status_code == 200, response.content[:300]
    assert len(_pages(response.content)) > 1
    _assert_stamped(response.content, named["vp.a"], times)


# --- 5. the import's rows with errors: stamped where the importer does not read, and logged ------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_error_files_are_stamped_outside_the_cells_and_logged(world, personas, login, named, data_dir):
    import openpyxl

    from tests.test_import_decisions import HEAD, people
    from tests.test_imports import _finished, _job_urls, _post_file, run, write_xlsx

    rows = people(
        ["Lò Văn Một", "01/01/1990", "Nam", "001190000801", "Khoa Nội", ""],
        ["Lò Văn Hai", "01/01/2990", "Nam", "001190000802", "Khoa Nội", ""],
    )
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, write_xlsx(data_dir / "e.xlsx", rows, HEAD)))
    checked = client.get(reverse("import_job_errors", kwargs={"code": "BVA", "token": job.token}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(checked.streaming_content)))
    assert book.properties.creator == named["vp.a"] and book.properties.lastModifiedBy == named["vp.a"]
    assert book.properties.description.startswith("Tải bởi Nguyễn Thị Ánh (vp.a) lúc ")
    assert book.active.oddFooter.center.text.startswith("Tải bởi Nguyễn Thị Ánh (vp.a) lúc ")
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert "Tải bởi" not in repr(cells) and [r[1] for r in cells[-2:]] == ["Lò Văn Một", "Lò Văn Hai"]
    entry = ReadEntry.objects.get()
    assert (entry.user, entry.kind, entry.count, entry.what) == (personas.office_a, "download", 2, "e-kem-loi.xlsx")

    token = preview.context["token"]
    job2, _done = _finished(client, client.post(_job_urls(job)[0], {"token": token, "partial": "1"}))
    rejected = login(personas.admin_a).get(reverse("import_job_errors", kwargs={"code": "BVA", "token": job2.token}))
    content = b"".join(rejected.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.properties.creator == "quantri.a (quantri.a)"
    assert book.active.oddFooter.center.text.startswith("Tải bởi quantri.a (quantri.a) lúc ")
    stored = openpyxl.load_workbook(data_dir / "imports" / f"{job2.token}-tra-lai.xlsx")
    assert stored.properties.creator != book.properties.creator  # the kept file is stamped per download only
    entry = ReadEntry.objects.order_by("id").last()
    assert (entry.user, entry.count, entry.what) == (personas.admin_a, 1, "e-dong-chua-nhap.xlsx")
    # the office corrects the file and imports it again: the stamp adds no row to read
    corrected = data_dir / "sua.xlsx"
    corrected.write_bytes(content)
    _code, out, err = run("staff", corrected, "--org", "BVA", "--dry-run")
    assert out.startswith("Tóm tắt: 1 dòng"), out + err
