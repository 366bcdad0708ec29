import io
import os
import sqlite3
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import crecer_env, run_crecer


def test_crecer_help_lists_our_commands(tmp_path):
    result = run_crecer(crecer_env(tmp_path), "help")
    assert result.returncode == 0
    for command in ("demo", "serve", "createuser", "territory", "migrate"):
        assert command in result.stdout


@pytest.mark.django_db
def test_createuser_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a sturdy passphrase 2026\n"))
    out = io.StringIO()
    call_command("createuser", "rosa", "--admin", "--password-stdin", stdout=out)
    user = get_user_model().objects.get(username="rosa")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password("a sturdy passphrase 2026")
    assert "Created administrator 'rosa'" in out.getvalue()


@pytest.mark.django_db
def test_createuser_refuses_weak_password_and_duplicates(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match=r"8 (caracteres|characters)"):
        call_command("createuser", "ana", "--role", "analyst", "--password-stdin")
    get_user_model().objects.create_user("ana", password="x")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "ana", "--role", "analyst", "--password-stdin")


@pytest.mark.django_db
def test_demo_prepares_the_data_without_serving(reference, tmp_path):
    env = crecer_env(tmp_path)
    folder = tmp_path / "small"
    folder.mkdir()
    # A one-file folder keeps this quick; the full folder is covered in tests/territory.
    (folder / "district_attributes.csv").write_bytes(
        (reference / "district_attributes.csv").read_bytes()
    )
    result = run_crecer(
        env, "demo", "--reference-dir", str(folder), "--scope", "050403", "--no-serve"
    )
    assert result.returncode == 0, result.stderr
    # The demo speaks the site's language (Spanish by default): the numbers say what happened.
    # The bundled hierarchy's 1,873 districts, then the folder's file: 1,892 rows, 19 of them
    # districts created since 2017 (reference README); nothing else loaded from the bundle, as
    # the folder was given.
    assert ": 1873 " in result.stdout
    assert "district_attributes.csv: 1892 " in result.stdout
    with sqlite3.connect(tmp_path / "crecer.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM territory_district").fetchone()[0] == 1892
        assert db.execute("SELECT COUNT(*) FROM territory_populatedcenter").fetchone()[0] == 0
    # One demo user per role, with credentials printed.
    for username in ("demo_admin", "demo_registry", "demo_health", "demo_analyst"):
        assert username in result.stdout


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_data_folder_and_the_database_are_private(tmp_path):
    """The SQLite file and its WAL hold every child's record: readable by their owner only, in
    a folder only its owner may enter (the secret key already was 600)."""
    folder = tmp_path / "data"
    env = crecer_env(folder)
    env.pop("CRECER_DATABASE_URL")  # the default: crecer.sqlite3 in the data folder
    old_umask = os.umask(0o022)  # what most systems use: files 644, folders 755
    try:
        result = run_crecer(env, "migrate", "--no-input")
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(folder / "crecer.sqlite3") as db:  # SQLite itself makes the WAL
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE probe (x)")
    finally:
        os.umask(old_umask)
    assert mode(folder) == 0o700
    assert mode(folder / "crecer.sqlite3") == 0o600
    assert mode(folder / "secret_key") == 0o600
    for companion in ("crecer.sqlite3-wal", "crecer.sqlite3-shm"):
        if (folder / companion).exists():
            assert mode(folder / companion) == 0o600, companion


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_existing_data_folder_readable_by_others_is_made_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    for name in ("crecer.sqlite3", "crecer.sqlite3-wal", "crecer.sqlite3-shm"):
        (folder / name).touch()
        (folder / name).chmod(0o644)
    env = crecer_env(folder)
    result = run_crecer(env, "check")
    assert result.returncode == 0, result.stderr
    assert mode(folder) == 0o700
    for name in ("crecer.sqlite3", "crecer.sqlite3-wal", "crecer.sqlite3-shm"):
        assert mode(folder / name) == 0o600, name


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("short", "5 characters, fewer than 50"),
        ("ab" * 40, "fewer than 5 different characters"),
        ("django-insecure-" + "q7#Zk" * 10, "django-insecure"),
    ],
)
def test_a_weak_secret_key_stops_crecer_in_production(tmp_path, key, why):
    """A guessable key lets anyone forge a session: outside debug mode it is an error, said in
    one line (no traceback), not a warning of `check --deploy`."""
    env = crecer_env(tmp_path) | {"CRECER_SECRET_KEY": key}
    result = run_crecer(env, "check")
    assert result.returncode != 0
    assert why in result.stderr
    assert "CRECER_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_weak_secret_key_is_allowed_in_debug_mode_and_a_strong_one_always(tmp_path):
    debug = crecer_env(tmp_path) | {"CRECER_SECRET_KEY": "short", "CRECER_DEBUG": "1"}
    assert run_crecer(debug, "check").returncode == 0
    strong = crecer_env(tmp_path) | {"CRECER_SECRET_KEY": "Zx9-" + "a1B2c3D4e5" * 5}
    result = run_crecer(strong, "check")
    assert result.returncode == 0, result.stderr
    generated = crecer_env(tmp_path)  # no CRECER_SECRET_KEY: the one kept in the data folder
    assert run_crecer(generated, "check").returncode == 0


@pytest.mark.django_db
def test_createuser_without_a_terminal_says_how_to_give_the_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe, a cron job, CI: no terminal
    with pytest.raises(CommandError, match=r"no terminal.*--password-stdin"):
        call_command("createuser", "ana", "--role", "analyst")
    with pytest.raises(CommandError, match="standard input is empty"):
        call_command("createuser", "ana", "--role", "analyst", "--password-stdin")
    assert not get_user_model().objects.filter(username="ana").exists()


def test_crecer_createuser_without_a_terminal_ends_in_one_line_not_a_traceback(tmp_path):
    env = crecer_env(tmp_path)
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    result = run_crecer(env, "createuser", "ana", "--role", "analyst", stdin="")
    assert result.returncode != 0
    assert "no terminal" in result.stderr
    assert "--password-stdin" in result.stderr
    assert "Traceback" not in result.stderr
    assert "EOFError" not in result.stderr
