import os
import stat

from crecer.config import data_dir, env_flag, env_list, secret_key
from crecer.settings import _database_settings


def test_sqlite_url_gets_wal_and_waits_for_locks(tmp_path):
    config = _database_settings(f"sqlite:///{tmp_path}/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_url_switches_engine():
    config = _database_settings("postgresql://crecer@db.example:5433/crecer")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "crecer")


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("CRECER_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    monkeypatch.setenv("CRECER_SECRET_KEY", "from-env")
    assert secret_key(tmp_path) == "from-env"


def test_data_dir_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("CRECER_DATA_DIR", str(tmp_path / "new" / "folder"))
    assert data_dir().is_dir()


def test_environment_readers(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_LIST", "a.org, b.org,,")
    assert env_flag("X_FLAG") is True
    assert env_flag("X_ABSENT") is False
    assert env_list("X_LIST", []) == ["a.org", "b.org"]


def test_debug_is_off_by_default():
    from django.conf import settings

    assert os.environ.get("CRECER_DEBUG") or settings.DEBUG is False
