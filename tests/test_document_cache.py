"""Generated documents are kept (documents/cache.py) until their record changes, and slow links show they are busy.

Whether a document came from the cache is seen from outside: once LibreOffice is off the PATH, only a document made
before can still be served as PDF; a changed record needs LibreOffice again (503), so it was not served stale.
"""

import io
import os
import re
import shutil
import subprocess
import time
import zipfile

import pytest

from ketnap.documents import cache
from tests.test_documents import admit, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(world, personas, cell):
    """Trần Thị Bình with the admission decision of 20/07/2023 (6-KNĐ, 8-KNĐ, 9-KNĐ are written)."""
    return admit(world.binh, personas.office_a, cell)


@pytest.fixture
def data_dir(settings, tmp_path):
    """A data directory of the test's own: an empty document cache."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def libreoffice():
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice or pdftotext is missing on CI: install libreoffice-writer-nogui, poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


def without_libreoffice(monkeypatch, tmp_path):
    """From now on the server finds no soffice: a PDF can only come from the cache."""
    empty = tmp_path / "no-programs"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def cached_files(data_dir, candidate) -> list[str]:
    folder = data_dir / "cache" / "documents" / f"ung-vien-{candidate.pk}"
    if not folder.is_dir():
        return []
    return sorted(".".join(p.name.split(".")[::2]) for p in folder.iterdir())  # slot.key.ext → slot.ext


def pdf_text(data: bytes) -> str:
    return " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode().split()
    )


def unstamped(data: bytes) -> str:
    """A PDF's text without the line saying who downloaded it (ketnap.privacy.stamps): each download has its own.
    Read with pypdf: pdftotext is off the PATH with LibreOffice."""
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"Tải bởi .*? ra ngoài\.", "", text)


@pytest.mark.slow
def test_a_second_pdf_comes_from_the_cache_until_the_record_changes(
    client, personas, decided, data_dir, libreoffice, monkeypatch, tmp_path
):
    client.force_login(personas.office_a)
    url = f"/ung-vien/{decided.pk}/van-ban/6-knd.pdf"
    started = time.monotonic()
    first = client.get(url)
    first_seconds = time.monotonic() - started
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert cached_files(data_dir, decided) == ["6-knd-bi-thu.docx", "6-knd-bi-thu.pdf"]
    path = os.environ["PATH"]
    without_libreoffice(monkeypatch, tmp_path)
    started = time.monotonic()
    again = client.get(url)
    again_seconds = time.monotonic() - started
    assert again.status_code == 200 and unstamped(again.content) == unstamped(first.content)  # no LibreOffice ran
    # another signer is another document: not in the cache, so LibreOffice would be needed
    assert client.get(f"{url}?nguoi-ky=pho-bi-thu").status_code == 503
    # the record changes (the name corrected): the key changes, the old PDF is never served again
    person = decided.person
    person.given_name = "Bính"
    person.save()
    refused = client.get(url)
    assert refused.status_code == 503 and "LibreOffice" in refused.content.decode()
    docx = client.get(f"/ung-vien/{decided.pk}/van-ban/6-knd.docx")
    assert "Trần Thị Bính" in text_of(docx.content)
    assert cached_files(data_dir, decided).count("6-knd-bi-thu.docx") == 1  # the new version replaced the old one
    monkeypatch.setenv("PATH", path)
    fresh = client.get(url)
    assert fresh.status_code == 200 and "Trần Thị Bính" in pdf_text(fresh.content)
    # one version per document: the secretary's 6-KNĐ (new), the deputy's .docx made on the way
    assert cached_files(data_dir, decided) == ["6-knd-bi-thu.docx", "6-knd-bi-thu.pdf", "6-knd-pho-bi-thu.docx"]
    print(f"6-KNĐ PDF: first {first_seconds:.2f} s, again {again_seconds * 1000:.0f} ms")


@pytest.mark.slow
def test_a_batch_and_the_candidates_pages_share_the_cache(
    client, world, personas, cell, data_dir, libreoffice, monkeypatch, tmp_path
):
    from tests import factories as f

    office = personas.office_a
    people = [f.person(world.dept_a1, name) for name in ("Ngô Thị Hạnh", "Lý Văn Lộc")]
    admitted = [admit(p, office, cell) for p in people]
    client.force_login(office)
    query = "&".join(f"ids={c.pk}" for c in admitted)
    batch = client.get(f"/van-ban/hang-loat/9-knd.zip?{query}&dinh-dang=pdf")
    assert batch.status_code == 200
    without_libreoffice(monkeypatch, tmp_path)
    for candidate in admitted:
        alone = client.get(f"/ung-vien/{candidate.pk}/van-ban/9-knd.pdf")
        assert alone.status_code == 200 and alone.content.startswith(b"%PDF")
    again = client.get(f"/van-ban/hang-loat/9-knd.zip?{query}&dinh-dang=pdf")
    assert again.status_code == 200
    with zipfile.ZipFile(io.BytesIO(again.content)) as archive:
        assert len(archive.namelist()) == 2 and all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


@pytest.mark.slow
def test_a_list_pdf_is_kept_too(client, personas, pipeline_world, data_dir, libreoffice, monkeypatch, tmp_path):
    client.force_login(personas.office_a)
    first = client.get("/van-ban/danh-sach/cam-tinh-dang.pdf")
    assert first.status_code == 200
    without_libreoffice(monkeypatch, tmp_path)
    assert unstamped(client.get("/van-ban/danh-sach/cam-tinh-dang.pdf").content) == unstamped(first.content)


def test_old_entries_go_and_the_cache_stays_bounded(data_dir, settings):
    settings.KETNAP_DOCUMENT_CACHE_DAYS = 30
    cache.put("ung-vien-1", "6-knd.bi-thu", "a" * 64, "pdf", b"old")
    month_ago = time.time() - 31 * 86400
    [old] = (data_dir / "cache" / "documents" / "ung-vien-1").iterdir()
    os.utime(old, (month_ago, month_ago))
    assert cache.get("ung-vien-1", "6-knd.bi-thu", "a" * 64, "pdf") is None  # past its age: never served
    cache.put("ung-vien-2", "6-knd.bi-thu", "b" * 64, "pdf", b"x")
    [kept] = (data_dir / "cache" / "documents" / "ung-vien-2").iterdir()
    os.utime(kept, (month_ago, month_ago))
    assert cache.prune() == 1 and cache.usage()["entries"] == 0
    # the size bound: the oldest go first
    settings.KETNAP_DOCUMENT_CACHE_MB = 1
    for n in range(3):
        cache.put(f"ung-vien-{n}", "9-knd.bi-thu", f"{n}" * 64, "pdf", b"x" * 600_000)
        made = time.time() - 100 + n
        for p in (data_dir / "cache" / "documents" / f"ung-vien-{n}").iterdir():
            os.utime(p, (made, made))
    cache.prune()
    assert sorted(p.parent.name for p in (data_dir / "cache" / "documents").rglob("*.pdf")) == ["ung-vien-2"]
    # the folders are private to the server's user
    assert (data_dir / "cache" / "documents" / "ung-vien-2").stat().st_mode & 0o077 == 0


def test_deleting_a_candidate_deletes_their_documents(client, personas, decided, data_dir):
    client.force_login(personas.office_a)
    assert client.get(f"/ung-vien/{decided.pk}/van-ban/9-knd.docx").status_code == 200
    folder = data_dir / "cache" / "documents" / f"ung-vien-{decided.pk}"
    assert folder.is_dir()
    decided.delete()
    assert not folder.exists()


def test_no_cache_when_turned_off(client, personas, decided, data_dir, settings):
    settings.KETNAP_DOCUMENT_CACHE_DAYS = 0
    client.force_login(personas.office_a)
    assert client.get(f"/ung-vien/{decided.pk}/van-ban/9-knd.docx").status_code == 200
    assert not (data_dir / "cache").exists()


# -- "Đang tạo PDF…": the links and the signal that the file has arrived -----------------------------------
def test_pdf_links_say_they_take_a_while(client, personas, decided):
    client.force_login(personas.office_a)
    page = client.get(f"/ung-vien/{decided.pk}/").content.decode()
    assert 'data-busy="Đang tạo PDF… (có thể mất vài giây)"' in page
    assert "/static/ketnap/downloads.js" in page
    batches = client.get("/van-ban/hang-loat/").content.decode()
    assert batches.count("data-busy=") >= 3  # the lists' PDFs (and each batch's .zip of PDFs)
    stats = client.get(f"/thong-ke/{personas.office_a.roles.get().organization.code}/").content.decode()
    assert "data-busy=" in stats and "Báo cáo năm" in stats


def test_a_file_answer_tells_the_page_it_arrived(client, personas, decided):
    client.force_login(personas.office_a)
    client.cookies["ketnap_download"] = "k3x9abc"
    response = client.get(f"/ung-vien/{decided.pk}/van-ban/9-knd.docx")
    assert response.cookies["ketnap_downloaded"].value == "k3x9abc"
    assert "ketnap_downloaded" not in client.get(f"/ung-vien/{decided.pk}/").cookies  # a page is not a file
    client.cookies["ketnap_download"] = "<script>"
    assert "ketnap_downloaded" not in client.get(f"/ung-vien/{decided.pk}/van-ban/9-knd.docx").cookies
