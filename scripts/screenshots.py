"""The README's screenshots, taken from the demo in a real browser (Debian chromium driven by Playwright).

    KETNAP_DATA_DIR=/tmp/shots .venv/bin/ketnap migrate && KETNAP_DATA_DIR=/tmp/shots .venv/bin/ketnap demo
    KETNAP_DATA_DIR=/tmp/shots .venv/bin/ketnap serve --port 8765 &
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8765

Writes docs/screenshots/*.png: a chi bộ secretary's due list and a candidate's page on a phone (390 × 844), and the
same candidate page at a desk (1366 × 768).
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for name, size in (("phone", (390, 844)), ("desk", (1366, 768))):
            page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
            page.goto(f"{base}/dang-nhap/")
            page.fill("#id_username", "bithu.noi")
            page.fill("#id_password", "ketnap-demo")
            page.click("button.primary")
            page.goto(f"{base}/viec-can-lam/")
            if name == "phone":
                page.screenshot(path=OUT / "phone-due-list.png")
            page.locator("main a[href*='/ung-vien/']").first.click()
            page.wait_for_load_state()
            page.screenshot(path=OUT / f"{name}-candidate.png")  # the first screen, as the user sees it
            page.close()
        browser.close()
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8765")
