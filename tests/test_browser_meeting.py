"""Issue #15's journey in a real browser: a secretary prepares the month's meeting and records its votes."""

import pytest

from ketnap.pipeline.enums import Stage
from tests.test_browser_pipeline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_secretary_prepares_and_records_a_months_meeting(page, live_server, world, personas, meeting):
    log_in(page, live_server, "bithu.a1")
    page.goto(f"{live_server.url}/to-chuc/{world.cell_a1.code}/")
    page.click("a:has-text('Việc cần xét, thành phần biểu quyết, ghi kết quả')")
    # before: what the meeting decides, what each dossier lacks, the two thirds it takes
    assert "Hà Thị Lan" in page.locator("#ket-nap").inner_text()
    assert "Còn thiếu" in page.locator("#ket-nap li", has_text="Đỗ Văn Hùng").inner_text()
    assert "cần ít nhất 3 phiếu tán thành" in page.locator("#thanh-phan").inner_text()
    page.locator("#thanh-phan summary").click()
    assert page.locator("#thanh-phan ol li").count() == 5  # four official members and Bình, probationary
    # after: the votes of the evening, typed once on one page
    lan = meeting["Hà Thị Lan"]
    page.fill(f"#votes_{lan.pk}", "4")
    page.fill(f"input[name=so_{lan.pk}]", "15-NQ/CB")
    page.fill(f"#votes_{meeting['Trần Thị Bình'].pk}", "4")
    page.click("#ghi-bieu-quyet button.primary")
    results = page.locator("#ket-qua").inner_text()
    assert "Hà Thị Lan: đã ghi nghị quyết" in results and "Trần Thị Bình: đã ghi nghị quyết" in results
    lan.refresh_from_db()
    assert lan.stage == Stage.CELL_RESOLVED
    assert "Hà Thị Lan" not in page.locator("#ket-nap").inner_text()
