"""Running a roster check or import in the background, with its progress on a page that updates itself.

Why a thread in the web process, and not a task queue: ketnap runs on one hospital PC or LAN server with no
broker (no Redis, no RabbitMQ, no second service to install, start and watch), and `ketnap serve` is a few
processes with a pool of threads each. A check or import is one long job that touches only the database and a
temporary file, so a plain thread next to the request threads is enough: the upload request starts it and
returns, the browser polls a small JSON status (or refreshes the page without JavaScript), and the thread closes
its own database connection when it ends. The cost is the GIL: while a 100,000-row file is parsed (~30 s of
Python for the check, ~60 s for the import) the request threads of that process get a share of one core, so its
pages answer a little slower but still answer (the other processes are not held); and only one job per
organisation runs at a time (a partial unique constraint on ImportJob), so a hospital cannot pile up imports.

A job has nothing to resume after a crash: the import writes in ONE transaction (engine.Importer._write), and the
record says "done" inside that same transaction (Importer.on_written), so a job that never reached "done" wrote
nothing. Its heartbeat is refreshed while the file is checked; a job whose process is gone (server restarted) is
shown as failed, with "nothing was written", instead of spinning forever:
- a job run by this process is alive while its thread is registered here (the registry below);
- a job run by another process (another worker, or an earlier run of the server) is alive while its heartbeat is
  under STALE_AFTER; while it writes, under STALE_WRITING_AFTER: the write is one transaction, during which the
  record cannot move (SQLite has one writer, and it is that transaction), so its heartbeat stops until it commits.
Each process has its own RUNNER_ID, renewed in a forked child: `ketnap serve`'s workers are forked from a process
that imported this module, and would otherwise all claim each other's jobs as their own (and find no thread).

Small files feel instant: the request that starts a job waits for it up to KETNAP_IMPORT_WAIT seconds (1.5 by
default), so a roster of a few hundred rows lands on its preview at once, through the same code path and pages
as a large one; anything longer shows the progress page.
"""

import dataclasses
import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format

from ketnap.accounts.models import display_name
from ketnap.imports.engine import Options, Report
from ketnap.imports.errorfile import write_error_file
from ketnap.imports.kinds import make_importer
from ketnap.imports.models import ACTIVE_STATES, ImportJob, JobState

logger = logging.getLogger(__name__)

OPTION_NAMES = {f.name for f in dataclasses.fields(Options)}
PHASES = {"": "Đang chờ", "check": "Đang kiểm tra", "write": "Đang ghi"}
STALE_AFTER = 30  # seconds without a heartbeat from another process: that process is gone
STALE_WRITING_AFTER = 30 * 60  # the same while it writes (no heartbeat inside the write transaction)
SAVE_EVERY = 1.0  # seconds between two saves of the progress while checking
KEEP_DAYS = 7  # finished jobs (their reports name people) are deleted after this


def _runner_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


RUNNER_ID = _runner_id()


def _renew_runner_id() -> None:
    global RUNNER_ID
    RUNNER_ID = _runner_id()


if hasattr(os, "register_at_fork"):  # not on Windows, where nothing forks
    os.register_at_fork(after_in_child=_renew_runner_id)

_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}  # jobs of this process, from start() until their thread ends
_live: dict[int, tuple[str, int, int | None]] = {}  # the latest progress of those jobs, fresher than the record


class Busy(Exception):
    """Another check or import of the same organisation is running."""

    def __init__(self, job: ImportJob | None):
        super().__init__("busy")
        self.job = job


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def active_job(organization) -> ImportJob | None:
    """The organisation's running job, if its process is still there (stale ones are closed on the way)."""
    for job in ImportJob.objects.filter(organization=organization, state__in=ACTIVE_STATES).select_related("user"):
        if alive(job):
            return job
        ImportJob.objects.filter(pk=job.pk, state__in=ACTIVE_STATES).update(
            state=JobState.FAILED, message=stale_message(job), finished_at=timezone.now()
        )
    return None


def start(
    organization, user, *, kind: str, path: Path, name: str, upload: str, dry_run: bool, options: dict | None = None
) -> ImportJob:
    """Record a job and start its thread; Busy if the organisation already has one running."""
    running = active_job(organization)
    if running is not None:
        raise Busy(running)
    ImportJob.objects.filter(
        finished_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS), state__in=[JobState.DONE, JobState.FAILED]
    ).delete()
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                token=secrets.token_urlsafe(16),
                organization=organization,
                kind=kind,
                user=user,
                file_name=name,
                upload=upload,
                path=str(path),
                dry_run=dry_run,
                options=options or {},
                runner=RUNNER_ID,
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:  # another request started one between our check and our insert
        raise Busy(active_job(organization)) from None
    thread = threading.Thread(target=_run, args=(job.pk,), name=f"ketnap-import-{job.pk}", daemon=True)
    with _lock:
        _threads[job.pk] = thread
    transaction.on_commit(thread.start)  # the thread reads the job: only once it is committed
    return job


def wait(job: ImportJob, timeout: float | None = None) -> bool:
    """Wait for a job of this process to end (True), at most `timeout` seconds (False if still running)."""
    with _lock:
        thread = _threads.get(job.pk)
    if thread is None:
        return True
    if thread.ident is None:  # not started (its transaction has not committed)
        return False
    thread.join(timeout)
    return not thread.is_alive()


def wait_briefly(job: ImportJob) -> bool:
    return wait(job, settings.KETNAP_IMPORT_WAIT)


def alive(job: ImportJob) -> bool:
    if job.state not in ACTIVE_STATES:
        return False
    if job.runner == RUNNER_ID:
        with _lock:
            return job.pk in _threads
    beat = job.heartbeat_at or job.created_at
    return (timezone.now() - beat).total_seconds() < (STALE_WRITING_AFTER if job.phase == "write" else STALE_AFTER)


def stale_message(job: ImportJob) -> str:
    what = "Việc kiểm tra" if job.dry_run else "Việc nhập"
    return (
        f"{what} tệp {job.file_name} đã dừng giữa chừng (máy chủ ketnap có thể đã khởi động lại). "
        "Không có gì được ghi. Hãy tải tệp lên lại."
    )


def busy_message(job: ImportJob | None, organization) -> str:
    if job is None:
        return f"Đang có một lần nhập danh sách khác cho {organization.name}. Hãy đợi xong rồi thử lại."
    what = "kiểm tra" if job.dry_run else "nhập"
    who = display_name(job.user) if job.user else "một người dùng"
    started = date_format(timezone.localtime(job.created_at), "H:i")
    return (
        f"Đang {what} tệp {job.file_name} cho {organization.name} ({who} bắt đầu lúc {started}, "
        f"{status(job)['text']}). Mỗi tổ chức chỉ nhập một tệp một lúc: hãy đợi xong rồi thử lại."
    )


def status(job: ImportJob) -> dict:
    """What the progress page and its JSON show."""
    state, message = job.state, job.message
    phase, done, total = job.phase, job.done, job.total
    with _lock:
        live = _live.get(job.pk)
    if live and state in ACTIVE_STATES:
        phase, done, total = live
    if state in ACTIVE_STATES and not alive(job):
        state, message = JobState.FAILED, stale_message(job)
    percent = min(100, done * 100 // total) if total else None
    if state == JobState.DONE:
        percent = 100
    text = f"{_n(done)} / {_n(total)} dòng ({percent}%)" if total else f"{_n(done)} dòng"
    return {
        "state": str(state),
        "finished": state in (JobState.DONE, JobState.FAILED),
        "phase": phase,
        "label": PHASES.get(phase, phase) if state in ACTIVE_STATES else JobState(state).label.capitalize(),
        "done": done,
        "total": total,
        "percent": percent,
        "text": text,
        "message": message,
    }


class _Progress:
    """The engine's progress callback: kept in memory at once, saved to the record (the heartbeat) every second.

    Inside the write transaction nothing is saved: it would only become visible when the rows do.
    """

    def __init__(self, pk: int):
        self.pk = pk
        self.phase = None
        self.saved = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        with _lock:
            _live[self.pk] = (phase, done, total)
        now = time.monotonic()
        if connection.in_atomic_block or (phase == self.phase and now - self.saved < SAVE_EVERY):
            return
        self.phase, self.saved = phase, now
        ImportJob.objects.filter(pk=self.pk).update(phase=phase, done=done, total=total, heartbeat_at=timezone.now())


def _run(pk: int) -> None:
    try:
        _execute(pk)
    except Exception:  # the record could not even be read or saved: the database is gone; say so in the log
        logger.exception("Lần nhập danh sách %s không chạy được", pk)
    finally:
        connection.close()  # this thread's own connection (a PostgreSQL test database can then be dropped)
        with _lock:
            _threads.pop(pk, None)
            _live.pop(pk, None)


def _execute(pk: int) -> None:
    job = ImportJob.objects.select_related("organization", "user").get(pk=pk)
    now = timezone.now()
    ImportJob.objects.filter(pk=pk).update(state=JobState.RUNNING, phase="check", started_at=now, heartbeat_at=now)

    def written(report: Report) -> None:  # inside the import's transaction: "done" commits with the rows
        ImportJob.objects.filter(pk=pk).update(state=JobState.DONE, report=report.as_json(), finished_at=timezone.now())

    path = Path(job.path)
    try:
        importer = make_importer(
            job.kind,
            job.organization,
            path,
            name=job.file_name,
            user=job.user,
            dry_run=job.dry_run,
            progress=_Progress(pk),
            on_written=written,
            options=Options(**{k: v for k, v in job.options.items() if k in OPTION_NAMES}),
        )
        report = importer.run()
        if report.written and report.partial and report.rejected:
            # the rows left out, handed back with their errors (imports.views.job_errors serves it)
            write_error_file(path, report, path.parent / f"{job.token}-tra-lai.xlsx", only_rows=True)
    except Exception as exc:  # the transaction was rolled back: nothing was written
        logger.exception("Lần nhập danh sách %s (%s) không thành công", pk, job.file_name)
        ImportJob.objects.filter(pk=pk).update(
            state=JobState.FAILED,
            message=f"Lỗi khi đọc hoặc ghi tệp {job.file_name}: {exc}. Không có gì được ghi.",
            finished_at=timezone.now(),
        )
        return
    with _lock:
        phase, done, total = _live.get(pk, ("check", 0, None))
    ImportJob.objects.filter(pk=pk).update(
        state=JobState.DONE,
        report=report.as_json(),
        phase=phase,
        done=done,
        total=total,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if report.written or (report.file_error and not report.headings):
        path.unlink(missing_ok=True)  # spent, or nothing on it to correct: the session's entry is left dangling
