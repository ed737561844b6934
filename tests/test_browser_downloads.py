"""A PDF link says at once that the file is being made, takes no second click, and the download still arrives."""

import pytest
from django.core.signals import request_started
from playwright.sync_api import expect

from tests.test_browser_pipeline import log_in
from tests.test_documents import admit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def decided(world, personas, cell):
    """Trần Thị Bình with the admission decision of 20/07/2023 (6-KNĐ, 8-KNĐ, 9-KNĐ are written)."""
    return admit(world.binh, personas.office_a, cell)


def test_a_pdf_link_shows_it_is_busy_then_the_file_arrives(page, live_server, personas, decided, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # an empty document cache: LibreOffice really runs, for seconds
    log_in(page, live_server, "vp.a")
    page.goto(f"{live_server.url}/ung-vien/{decided.pk}/")
    pdf_path = f"/ung-vien/{decided.pk}/van-ban/6-knd.pdf"
    asked = []  # the requests for the PDF the server received (the live server runs in this process)

    def count(sender, environ, **kwargs):
        if environ.get("PATH_INFO") == pdf_path:
            asked.append(environ["PATH_INFO"])

    request_started.connect(count)
    link = page.locator(f'.documents a[href="{pdf_path}"]')
    with page.expect_download(timeout=120_000) as download:
        # clicked from the page's own script: Playwright's click() would wait for the download's response, and the
        # busy state is to be seen while LibreOffice works
        # the state is read in the same script turn as the click (on a loaded machine a separate round trip can
        # come after the file, when the link is already back), then an impatient second click: no second render
        state = link.evaluate(
            """a => {
                a.click();
                const state = [a.getAttribute("aria-busy"), a.innerText.trim(), a.querySelectorAll(".spinner").length];
                a.click();
                return state;
            }"""
        )
        assert state == ["true", "Đang tạo PDF… (có thể mất vài giây)", 1]  # at once, in the click's own handler
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    expect(link).not_to_have_attribute("aria-busy", "true", timeout=15_000)  # the link is back once the file came
    expect(link).to_have_text("PDF")
    request_started.disconnect(count)
    assert len(asked) == 1, asked  # the second click started no second render
