"""Benchmark: how long a person waits for a generated form (.docx, PDF) — the first time and again.

    python benchmarks/documents.py [--data-dir DIR] [--forms 6-knd,9-knd] [--repeat 3]
    KETNAP_DOCUMENT_CACHE_DAYS=0 python benchmarks/documents.py …   # the same without the document cache

Builds the demo (scale 1) in a fresh data directory unless --data-dir names one that has it, signs in as the
Bệnh viện Đa khoa tỉnh's office (vp.bvdk) and, for admitted candidates, times through Django's full stack:
the first .docx and PDF of a form (nothing cached: docxtpl fills the template, LibreOffice converts it), the
same document asked again (served from the document cache when there is one), the document after its record
changed (a different document: rendered again), and a batch .zip of PDFs for several people, first and again.
Every PDF download is stamped with who downloaded it (ketnap.privacy.stamps): to see what that costs, the cached PDF
is also read alone (the unstamped cache read, no HTTP) and stamped alone (the line rendered by WeasyPrint once per
page size, laid on every page by pypdf).
Figures go to benchmarks/results/documents.json and are appended to benchmarks/results/history.md (--results DIR:
elsewhere).
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", help="reuse a data directory holding the demo (default: a fresh one)")
    parser.add_argument("--forms", default="6-knd,9-knd", help="forms to time (slugs), comma separated")
    parser.add_argument("--repeat", type=int, default=3, help="candidates per form (a fresh one each time)")
    parser.add_argument("--results", default=str(RESULTS), help="folder for documents.json and history.md")
    args = parser.parse_args()
    results = Path(args.results)

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="ketnap-bench-docs-")
    os.environ["KETNAP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from ketnap.documents.forms import FORMS
    from ketnap.pipeline.enums import Stage
    from ketnap.registry.models import Organization
    from ketnap.scope import Scope

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("demo", verbosity=0)
    try:
        from ketnap.documents import cache
    except ImportError:  # before the document cache existed
        cache = None
    if cache is not None:
        cache.clear()
    from ketnap.documents import render as docs
    from ketnap.privacy import stamps
    from ketnap.web.views import documents as document_views

    user = User.objects.get(username="vp.bvdk")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host; the default "testserver" is not
    client.force_login(user)
    admitted = list(
        Scope(user)
        .candidates()
        .filter(stage__in=[Stage.PROBATION, Stage.OFFICIAL])
        .select_related("person")
        .order_by("pk")[: 2 * args.repeat + 4]
    )

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        b"".join(response) if response.streaming else response.content

    cases: dict[str, list[float]] = {}

    def record(name: str, value: float) -> None:
        cases.setdefault(name, []).append(round(value, 4))

    slugs = [s for s in args.forms.split(",") if s]
    for number, slug in enumerate(slugs):
        form = FORMS[slug]
        chosen = [c for c in admitted if form.available(c)][number * args.repeat : (number + 1) * args.repeat]
        for candidate in chosen:
            base = f"/ung-vien/{candidate.pk}/van-ban/{slug}"
            record(f"{slug}.docx first", seconds(lambda b=base: get(f"{b}.docx")))
            record(f"{slug}.docx again", seconds(lambda b=base: get(f"{b}.docx")))
            record(f"{slug}.pdf first", seconds(lambda b=base: get(f"{b}.pdf")))
            record(f"{slug}.pdf again", seconds(lambda b=base: get(f"{b}.pdf")))
            # the same download in its two parts: the cached PDF read as made, then stamped for this user
            job = document_views._job(form, candidate)  # the cache slot the page's link uses
            record(f"{slug}.pdf again: cache read alone (unstamped)", seconds(lambda j=job: docs.document(j, "pdf")))
            pdf = docs.document(job, "pdf")
            stamp = stamps.stamp_for(user)
            record(f"{slug}.pdf again: stamping alone", seconds(lambda d=pdf, s=stamp: stamps.stamp_pdf(d, s)))
            person = candidate.person
            original = person.given_name
            person.given_name = original + "a"  # an edit of the record (put back below)
            person.save()
            record(f"{slug}.pdf after an edit", seconds(lambda b=base: get(f"{b}.pdf")))
            person.given_name = original
            person.save()
    decided = [c for c in admitted if FORMS["9-knd"].available(c)][:4]
    if len(decided) >= 2:
        if cache is not None:
            cache.clear()  # the batch's people were timed one by one above: start it cold
        query = "&".join(f"ids={c.pk}" for c in decided)
        url = f"/van-ban/hang-loat/9-knd.zip?{query}&dinh-dang=pdf"
        record(f"batch zip of {len(decided)} PDFs (9-knd) first", seconds(lambda: get(url)))
        record(f"batch zip of {len(decided)} PDFs (9-knd) again", seconds(lambda: get(url)))

    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average": round(os.getloadavg()[0], 1),
        "document_cache": cache is not None and cache.enabled(),
        "cases": {
            name: {"median_s": round(statistics.median(v), 4), "min_s": min(v), "max_s": max(v), "runs": len(v)}
            for name, v in cases.items()
        },
    }
    if cache is not None:
        result["cache"] = cache.usage()
    results.mkdir(parents=True, exist_ok=True)
    (results / "documents.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"\n## Documents · {result['when']} · demo scale 1 · document cache "
        f"{'on' if result['document_cache'] else 'off'} · load average {result['load_average']} at start\n",
        "| case | median s | min | max | runs |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} | {c['median_s']} | {c['min_s']} | {c['max_s']} | {c['runs']} |" for n, c in result["cases"].items()
    ]
    with (results / "history.md").open("a") as history:
        history.write("\n".join(lines) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
