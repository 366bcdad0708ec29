from pathlib import Path

import pytest

from crecer.norms import ProfileError, available_profiles, load_profile, profile_path


def test_peru_profile_loads_with_its_territory_levels():
    profile = load_profile("peru")
    assert profile.profile.country == "PE"
    assert profile.profile.default_language == "es"
    # INEI ubigeo: 2 digits per level, populated centers add 4 (see the profile's sources).
    assert [(lv.id, lv.code_length) for lv in profile.territory.levels] == [
        ("department", 2),
        ("province", 4),
        ("district", 6),
        ("populated_center", 10),
    ]
    assert profile.territory.level_of_code("050403").id == "district"
    assert profile.territory.level_of_code("05O403") is None
    assert profile.territory.level("province").name.get("es") == "Provincia"
    assert profile.territory.level("province").name.get("en-us") == "Province"


def test_peru_is_a_shipped_profile():
    assert "peru" in available_profiles()


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = profile_path("peru").read_text(encoding="utf-8")
    assert old in text
    variant = tmp_path / "variant.toml"
    variant.write_text(text.replace(old, new, 1), encoding="utf-8")
    return variant


def test_misspelled_key_is_named_with_a_suggestion(tmp_path):
    variant = write_variant(tmp_path, "code_length = 6", "code_lenght = 6")
    with pytest.raises(ProfileError) as caught:
        load_profile(variant)
    message = str(caught.value)
    assert str(variant) in message
    assert "territory.levels[2].code_lenght: unknown key (did you mean 'code_length'?)" in message
    assert "territory.levels[2].code_length: required key is missing" in message


def test_misspelled_top_level_key(tmp_path):
    variant = write_variant(tmp_path, "[profile]", "[profil]")
    with pytest.raises(ProfileError, match=r"profil: unknown key \(did you mean 'profile'\?\)"):
        load_profile(variant)


def test_wrong_type_names_key(tmp_path):
    variant = write_variant(tmp_path, 'currency = "PEN"', 'currency = "soles"')
    with pytest.raises(ProfileError, match=r"profile\.currency: String should match pattern"):
        load_profile(variant)


def test_default_language_must_be_offered(tmp_path):
    variant = write_variant(tmp_path, 'default_language = "es"', 'default_language = "qu"')
    with pytest.raises(ProfileError, match=r"default_language 'qu' is not in languages"):
        load_profile(variant)


def test_cited_source_must_exist(tmp_path):
    variant = write_variant(tmp_path, 'source = "inei_ccpp"', 'source = "nowhere"')
    with pytest.raises(ProfileError, match=r"territory\.levels\[3\]\.source cites 'nowhere'"):
        load_profile(variant)


def test_code_lengths_must_nest(tmp_path):
    variant = write_variant(tmp_path, "code_length = 4", "code_length = 8")
    with pytest.raises(ProfileError, match="code lengths must grow strictly"):
        load_profile(variant)


def test_broken_toml_and_missing_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[profile\nid = 1", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(broken)
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "absent.toml")
    with pytest.raises(ProfileError, match="no profile named 'atlantis'"):
        load_profile("atlantis")
