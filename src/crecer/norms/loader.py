"""Reading a profile file and turning validation failures into messages people can act on."""

from __future__ import annotations

import difflib
import tomllib
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from crecer.norms.model import Profile

PROFILES_PACKAGE = "crecer.norms.profiles"


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file, the key and the problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid country profile {self.path}:\n{listed}")


def available_profiles() -> list[str]:
    """Names of the profiles shipped with Crecer."""
    folder = files(PROFILES_PACKAGE)
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".toml"))


def profile_path(name_or_path: str | Path) -> Path:
    """A shipped profile's path by name (``"peru"``), or the given path of a profile file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        return candidate
    shipped = Path(str(files(PROFILES_PACKAGE).joinpath(f"{name_or_path}.toml")))
    if not shipped.exists():
        raise ProfileError(
            shipped, [f"no profile named {name_or_path!r}; shipped: {available_profiles()}"]
        )
    return shipped


def load_profile(name_or_path: str | Path) -> Profile:
    """Load and validate a profile by name or path.

    Raises :class:`ProfileError` if the file is missing, is not TOML or breaks a rule.
    """
    path = profile_path(name_or_path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProfileError(path, [f"not valid TOML: {error}"]) from None
    try:
        return Profile.model_validate(raw)
    except ValidationError as error:
        raise ProfileError(path, [_describe(problem) for problem in error.errors()]) from None


def _describe(problem: ErrorDetails) -> str:
    key = _dotted(problem["loc"])
    if problem["type"] == "extra_forbidden":
        return f"{key}: unknown key{_suggestion(problem['loc'])}"
    if problem["type"] == "missing":
        return f"{key}: required key is missing"
    message = problem["msg"].removeprefix("Value error, ")
    return f"{key}: {message}" if key else message


def _dotted(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _suggestion(location: tuple) -> str:
    """' (did you mean 'x'?)' when the unknown key is close to a field of the same object."""
    model: type[BaseModel] | None = Profile
    for part in location[:-1]:
        if isinstance(part, int) or model is None:
            continue
        model = _nested_model(model, part)
    if model is None:
        return ""
    close = difflib.get_close_matches(str(location[-1]), list(model.model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _nested_model(model: type[BaseModel], field_name: str) -> type[BaseModel] | None:
    field = model.model_fields.get(field_name)
    if field is None:
        return None
    annotation = field.annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
