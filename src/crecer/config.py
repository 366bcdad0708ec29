"""Where Crecer keeps its files and how it reads its environment.

Kept apart from :mod:`crecer.settings` so that the CLI and tests can reason about the data folder
without configuring Django.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

import platformdirs

TRUE_WORDS = {"1", "true", "yes", "on"}
PRIVATE_DIR = 0o700  # the data folder: its owner only
PRIVATE_FILE = 0o600  # the database, its WAL and shared-memory files, the secret key
MIN_SECRET_KEY_LENGTH, MIN_SECRET_KEY_DISTINCT = 50, 5  # as Django's check --deploy


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable (1/true/yes/on, case-insensitive)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable; blanks are ignored."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable; a value that is not one stops with its name."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def data_dir() -> Path:
    """The folder that holds the SQLite database, the secret key and collected static files.

    ``CRECER_DATA_DIR`` wins; otherwise the per-user data folder of the operating system
    (e.g. ``~/.local/share/crecer`` on Linux, ``%LOCALAPPDATA%\\crecer`` on Windows).
    Created on first use, readable by its owner only (it holds personal data and the key); a
    folder that was readable by others is made private.
    """
    configured = os.environ.get("CRECER_DATA_DIR")
    path = Path(configured).expanduser() if configured else platformdirs.user_data_path("crecer")
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    restrict(path, PRIVATE_DIR)
    return path


def restrict(path: Path, mode: int) -> None:
    """Take away every permission beyond ``mode`` from a file or folder of the current user
    (POSIX; others' files, missing files and Windows are left alone)."""
    if os.name != "posix":
        return
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    if found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) & ~mode:
        path.chmod(stat.S_IMODE(found.st_mode) & mode)


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite database file readable by its owner only, before SQLite does with the
    umask's mode (644); SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the mode of
    the database file. An existing database and its companions are made private too."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for companion in ("", "-wal", "-shm", "-journal"):
        restrict(path.with_name(path.name + companion), PRIVATE_FILE)


def default_database_url(folder: Path) -> str:
    return f"sqlite:///{(folder / 'crecer.sqlite3').as_posix()}"


def secret_key_problem(key: str) -> str:
    """Why ``key`` is too weak to sign sessions in production ("" if it is not): Django's rule
    (``check --deploy``, security.W009): at least 50 characters, 5 of them different, not one of
    Django's ``django-insecure-`` keys."""
    if key.startswith("django-insecure-"):
        return "it is a key Django generated for development (django-insecure-…)"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it has {len(key)} characters, fewer than {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return f"it has fewer than {MIN_SECRET_KEY_DISTINCT} different characters"
    return ""


def secret_key(folder: Path) -> str:
    """``CRECER_SECRET_KEY`` if set, else a key generated once and kept in the data folder.

    The key never lives in the repository; the file is readable by its owner only.
    """
    configured = os.environ.get("CRECER_SECRET_KEY")
    if configured:
        return configured
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    # O_EXCL: if two processes start at once, the second reads the first one's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
