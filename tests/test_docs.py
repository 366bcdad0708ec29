"""The README stays true: every command and setting Crecer defines is documented there."""

import re
from pathlib import Path

import crecer

SOURCE = Path(crecer.__file__).parent
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def crecer_commands() -> set[str]:
    return {
        path.stem
        for path in SOURCE.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def crecer_settings() -> set[str]:
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        names |= set(re.findall(r"\"(CRECER_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    return names


def test_every_command_is_documented():
    commands = crecer_commands()
    assert {"serve", "demo", "createuser", "territory"} <= commands
    for command in commands:
        assert f"`crecer {command}" in README, f"crecer {command} is not in the README"


def test_every_setting_is_documented():
    settings = crecer_settings()
    assert "CRECER_DATABASE_URL" in settings
    for name in settings:
        assert f"`{name}`" in README, f"{name} is not in the README's settings table"


def test_every_territory_file_kind_is_documented():
    from crecer.territory.models import LoadKind

    for kind in LoadKind.values:
        assert f"| `{kind}` |" in README, kind


INDICATORS_DOC = (Path(__file__).resolve().parent.parent / "docs" / "indicators.md").read_text(
    encoding="utf-8"
)


def test_every_indicator_is_documented():
    from crecer.norms import load_profile

    indicators = load_profile("peru").analytics.indicators
    assert len(indicators) > 20
    for indicator in indicators:
        assert f"| `{indicator.id}` |" in INDICATORS_DOC, (
            f"indicator {indicator.id} is not in docs/indicators.md"
        )


def test_every_status_column_is_documented():
    from crecer.norms import load_profile

    for column in load_profile("peru").status_schema():
        assert f"| `{column}` |" in INDICATORS_DOC, (
            f"status column {column} is not in docs/indicators.md"
        )
