"""Every link the app shows, followed as every persona: no page and no download answers a server error.

A breadth-first walk from the home page through the links of each page (same site, GET only), for each persona,
bounded in pages; every download link seen on the way (an export, a form, a list, a calendar) is fetched too. New
pages and buttons are covered without naming them here: what the app shows is what is tried.
"""

import re
from collections import Counter
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from django.urls import Resolver404, resolve

from tests.conftest import PDF  # noqa: F401 (the pipeline world's scans)

HREF = re.compile(r'href="([^"#]+)"')
DOWNLOAD = re.compile(r"(xuat=|\.xlsx|\.csv|\.pdf|\.docx|\.zip|\.ics|mau\.xlsx|/tai-ve|/tai/|dinh-dang=|loi\.xlsx)")
SKIP = re.compile(r"^/(dang-xuat|logout|quan-tri|admin|static|api/docs|i18n)|/tien-do/|xuat=pdf|\.pdf|dinh-dang=pdf")
MAX_PAGES = 400  # per persona: the cap keeps a runaway crawl bounded
PER_KIND = 2  # pages of one kind (the same view, the same query keys) tried: the 2nd person page adds nothing


def _kind(url: str) -> tuple:
    parsed = urlparse(url)
    try:
        name = resolve(parsed.path).url_name
    except Resolver404:
        name = parsed.path
    return name, tuple(sorted(parse_qs(parsed.query)))


def _links(body: str, base: str) -> list[str]:
    found = []
    for href in HREF.findall(body):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parsed = urlparse(url)
        if parsed.netloc not in ("", "testserver") or not parsed.path.startswith("/"):
            continue
        found.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["office_a", "admin_a", "secretary_a1", "overseer"])
def test_every_link_and_download_answers_without_a_server_error(client, world, personas, pipeline_world, persona):
    client.force_login(getattr(personas, persona))
    seen, queue, downloads, failures, kinds = set(), ["/"], set(), [], Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or SKIP.search(url) or kinds[_kind(url)] >= PER_KIND:
            continue
        seen.add(url)
        kinds[_kind(url)] += 1
        response = client.get(url)
        if response.streaming:
            # consumed to the end: the test client's wrapper then closes the file without closing the database
            # connection (response.close() would send request_finished and, on PostgreSQL, end the test's connection)
            b"".join(response.streaming_content)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode(), url):
            if DOWNLOAD.search(link):
                downloads.add(link)
            elif link not in seen:
                queue.append(link)
    tried = Counter()
    for url in sorted(downloads):
        if SKIP.search(url) or tried[_kind(url)] >= PER_KIND:
            continue
        tried[_kind(url)] += 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
        if response.streaming:
            b"".join(response.streaming_content)  # a streamed export fails while it streams, not before
    assert failures == []
    assert len(seen) > 5 and (downloads or persona == "overseer")
