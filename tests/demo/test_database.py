"""``crecer generate`` against the real database: the fault-injected export goes through the
registry's real importer and quarantines exactly the lines the manifest lists, with the same
reasons; ``--into-db`` writes children (with history) and their events in bulk."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.ingest.models import ImportRun
from crecer.ingest.reasons import SEPARATOR
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter

from .frames import AS_OF

pytestmark = pytest.mark.django_db
# Huamanguilla (Ayacucho): in the bundled hierarchy; its population is not loaded in the test
# database, so the documented default (9,000 inhabitants, ~1,000 children) applies.
DISTRICT = "050403"


@pytest.fixture
def centers():
    """Two populated centers, so that children get real center codes (and the unknown-center
    fault has known ones to differ from)."""
    return [
        PopulatedCenter.objects.create(
            code=f"{DISTRICT}0001", district_id=DISTRICT, name="HUAMANGUILLA", area="U"
        ),
        PopulatedCenter.objects.create(
            code=f"{DISTRICT}0002", district_id=DISTRICT, name="MACACHACRA", area="R"
        ),
    ]


def generate(*args: str) -> None:
    call_command("generate", "--as-of", AS_OF.isoformat(), *args, stdout=StringIO())


def test_importer_quarantines_exactly_the_injected_faults(centers, tmp_path):
    generate("--scope", DISTRICT, "--factor", "2", "--faults", "0.06", "--out", str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    faults = manifest["faults"]
    run = import_padron(tmp_path / "padron.csv", today=AS_OF)
    assert (
        run.rows_read
        == faults["rows"]
        == manifest["counts"]["children"] + faults["by_fault"].get("duplicate", 0)
    )
    got = {
        row.line: [r.split(SEPARATOR) for r in row.reasons] for row in run.quarantined_rows.all()
    }
    expected = {entry["line"]: entry["reasons"] for entry in faults["lines"]}
    assert got == expected
    assert run.quarantined == faults["quarantined"] == len(expected)
    assert run.created == run.rows_read - run.quarantined
    assert run.adds_up
    # 6 % of ~2,000 rows ≈ 120 faults over 15 kinds: every kind is exercised.
    assert len(faults["by_fault"]) == 15


def test_into_db_writes_children_history_and_events(centers):
    generate("--scope", DISTRICT, "--into-db")
    run = ImportRun.objects.get(file_name__startswith="crecer-generate scope=050403")
    children = Child.objects.filter(district_id=DISTRICT)
    assert children.count() == run.created == run.rows_read > 500
    assert Child.history.filter(history_type="+").count() == children.count()
    assert children.filter(populated_center__isnull=False).count() == children.count()
    assert ServiceRecord.objects.filter(import_run=run).count() > 10 * children.count()
    assert GrowthCheck.objects.filter(import_run=run).exists()
    assert HemoglobinTest.objects.filter(import_run=run).exists()
    # The search name is folded as the registry's own save() folds it.
    child = children.first()
    assert child.search_name == child.folded_name()
    with translation.override("en"), pytest.raises(CommandError, match="already registered"):
        generate("--scope", DISTRICT, "--into-db", "--seed", "2")


def test_scopes_never_share_identifiers(centers):
    """Identifiers are laid out on the national list of districts: two neighbouring districts
    generated separately can both be stored (unique constraints hold)."""
    generate("--scope", DISTRICT, "--into-db")
    generate("--scope", "050404", "--into-db")
    assert Child.objects.filter(district_id="050404").count() > 500
