"""`crecer migrate` and `crecer serve` as a user runs them: separate processes, a real SQLite
file, a real HTTP server."""

import socket
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
from tests.conftest import crecer_env, free_port, run_crecer, wait_until_up


def fetch(url: str, language: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if language:
        request.add_header("Accept-Language", language)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_serve_prints_its_url(served_site):
    assert served_site.url in served_site.banner


def test_home_answers_in_spanish_then_english(served_site):
    status, body = fetch(served_site.url)
    assert status == 200
    assert "Departamentos del Perú" in body
    status, body = fetch(served_site.url + "?lang=en")
    assert status == 200
    assert "Departments of Peru" in body


def test_static_files_are_served_without_a_cdn(served_site):
    status, body = fetch(served_site.url + "static/crecer/crecer.css")
    assert status == 200
    assert "Crecer" in body
    _status, home = fetch(served_site.url)
    assert "//cdn" not in home
    assert "https://" not in home


def test_migrations_apply_on_an_empty_sqlite_file_in_wal_mode(tmp_path):
    env = crecer_env(tmp_path)
    result = run_crecer(env, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "crecer.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM territory_district").fetchone()[0] == 1873
    assert (tmp_path / "secret_key").exists()


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = run_crecer(crecer_env(tmp_path), "serve", "--port", "1")
    assert result.returncode != 0
    assert "run `crecer migrate` first" in result.stderr


def test_deploy_check_passes_in_production_mode(tmp_path):
    env = crecer_env(tmp_path) | {
        "CRECER_HTTPS": "1",
        "CRECER_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
        "CRECER_ALLOWED_HOSTS": "crecer.example.org",
    }
    result = run_crecer(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def state(pid: int) -> str:
    """A process's state letter from /proc ("" once it is gone; "Z" while unreaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return ""


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="--processes needs Linux")
def test_several_processes_share_the_port_and_stop_together(tmp_path):
    """``--processes 2``: two server processes answer on one port; stopping the first stops
    the second, so no orphan keeps the port."""
    env = crecer_env(tmp_path)
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crecer", "serve", "--port", str(port), "--processes", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url + "healthz", server)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) == 1
        for _ in range(20):  # the kernel spreads the connections; every one is answered
            assert fetch(url + "healthz")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert state(int(workers[0])) in {"", "Z"}
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
