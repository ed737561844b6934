"""Key files made on first use (the secret key, the audit sealing key) are complete for every process that reads them,
even when several worker processes start at once on a fresh install (gunicorn starts 2–8)."""

import multiprocessing
import os
import subprocess
import sys

from ketnap.audit.sealing import load_key
from ketnap.envconfig import create_once, secret_key


def _race(args):
    kind, directory, barrier = args
    barrier.wait()
    if kind == "audit":
        return load_key(directory, create=True).decode()
    return secret_key(directory)


def _all_at_once(kind, directory, processes=8):
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            return pool.map(_race, [(kind, directory, barrier)] * processes)


def test_workers_starting_together_all_read_one_whole_audit_key(tmp_path, monkeypatch):
    monkeypatch.delenv("KETNAP_AUDIT_KEY", raising=False)
    for attempt in range(5):
        directory = tmp_path / str(attempt)
        keys = _all_at_once("audit", directory)
        assert len(set(keys)) == 1 and len(keys[0]) >= 60, keys
        assert (directory / "audit_key").stat().st_mode & 0o777 == 0o600
        assert os.listdir(directory) == ["audit_key"], "no temporary file is left behind"


def test_workers_starting_together_all_read_one_whole_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("KETNAP_SECRET_KEY", raising=False)
    for attempt in range(5):
        directory = tmp_path / str(attempt)
        directory.mkdir()  # settings make the data directory before asking for the key
        keys = _all_at_once("secret", directory)
        assert len(set(keys)) == 1 and len(keys[0]) >= 80, keys


def test_an_existing_key_file_is_never_replaced(tmp_path):
    path = tmp_path / "audit_key"
    path.write_text("kept")
    assert create_once(path, "new") == "kept"
    assert load_key(tmp_path, create=False) == b"kept"
    assert load_key(tmp_path / "empty", create=False) is None


def test_importing_the_settings_writes_nothing_and_the_start_makes_the_data_directory(tmp_path):
    """settings.py has no side effect; ketnap's start (ops.apps) makes the directory, its static/ and the secret key."""
    data_dir = tmp_path / "fresh"
    code = (
        "import importlib, os, django\n"
        "importlib.import_module('ketnap.settings')\n"
        f"print(os.path.exists({str(data_dir)!r}))\n"
        "django.setup()\n"
        f"print(sorted(os.listdir({str(data_dir)!r})))\n"
    )
    env = {**os.environ, "KETNAP_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ketnap.settings"}
    env.pop("KETNAP_SECRET_KEY", None)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == ["False", "['secret_key', 'static']"]
