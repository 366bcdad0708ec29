"""Two districts, a user of every role and scope kind in the first: nothing of the second
district's child reaches them, through any URL of the site or any API route.

``ROUTES`` says how each named URL is probed; a URL added without an entry fails
``test_every_url_is_covered``, so the check grows with the site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crecer.access.models import ApiToken
from crecer.access.policy import allowed_ubigeos
from crecer.ingest.models import ImportRun
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility, PopulatedCenter
from tests.budget import probes as budget_probes
from tests.registry.factories import child_row, write_padron
from tests.surveys import probes as survey_probes

pytestmark = pytest.mark.django_db

HOME, AWAY = "050101", "050403"  # Ayacucho (Huamanga) and Huamanguilla (Huanta)
# The away child: searched by DNI and surname (the page may echo the query), so what must never
# appear is the rest of the record: its given name, its page's address, the away import's row.
SECRET_DNI, SECRET_NAME, HIDDEN_NAME = "74000002", "ZZSECRETO", "ESCONDIDA"


@dataclass
class World:
    home_child: Child
    away_child: Child
    away_run: ImportRun


def make_child(dni: str, surname: str, district: str, **extra) -> Child:
    extra.setdefault("given_names", "ANA")
    child = Child(
        dni=dni,
        paternal_surname=surname,
        maternal_surname="QUISPE",
        sex="2",
        birth_date=date(2024, 5, 1),
        district_id=district,
        **extra,
    )
    child._change_reason = "test"
    child.save()
    return child


@pytest.fixture
def world(tmp_path: Path, make_user) -> World:
    PopulatedCenter.objects.create(code=HOME + "0001", district_id=HOME, name="HOME CENTER")
    HealthFacility.objects.create(renipress_code="00001234", name="PS HOME", district_id=HOME)
    home = make_child(
        "74000001",
        "HOMECHILD",
        HOME,
        populated_center_id=HOME + "0001",
        care_facility="PS HOME",
    )
    away = make_child(
        SECRET_DNI, SECRET_NAME, AWAY, care_facility="PS AWAY", given_names=HIDDEN_NAME
    )
    away_officer = make_user("away_officer", "registry_officer", AWAY)
    padron = write_padron(tmp_path / "secreto.csv", [child_row(dni="74000003", cnv="")])
    run = import_padron(padron, user=away_officer)
    make_away_woman()
    return World(home, away, run)


def make_away_woman() -> None:
    """A pregnant woman of the away district, named like the away child's hidden name."""
    from crecer.maternal.models import Pregnancy, Woman

    woman = Woman.objects.create(
        document_type="DNI",
        document_number="74000009",
        paternal_surname=SECRET_NAME,
        given_names=HIDDEN_NAME,
        district_id=AWAY,
        care_facility="PS AWAY",
    )
    Pregnancy.objects.create(woman=woman, lmp_date=date(2026, 3, 1))


# Every role, in every kind of scope that holds the home child but not the away one.
HOME_USERS = [
    ("registry_officer", HOME),
    ("registry_officer", "0501"),
    ("registry_officer", "centers:" + HOME + "0001"),
    ("health_worker", "facility:00001234"),
    ("health_worker", HOME),
    ("program_manager", "05" if AWAY[:2] != "05" else "0501"),
    ("analyst", "0501"),
    ("auditor", HOME),
]


@pytest.fixture(params=[*HOME_USERS, ("analyst+", "0501")], ids=lambda p: f"{p[0]}@{p[1]}")
def home_user(request, world, make_user):
    role, scope = request.param
    if role == "analyst+":
        return make_user("analyst_named", "analyst", scope, personal_data=True)
    return make_user(f"{role}_{scope.replace(':', '_')}", role, scope)


Probe = Callable[[Client, World], list]  # -> responses to check


def child_by_id(name: str, method: str = "get") -> Probe:
    def probe(client: Client, world: World) -> list:
        url = reverse(name, args=[world.away_child.pk])
        return [getattr(client, method)(url)]

    return probe


def api_child_by_id(client: Client, world: World) -> list:
    return [client.get(f"/api/children/{world.away_child.pk}")]


def search(client: Client, world: World) -> list:
    url = reverse("registry:search")
    return [client.get(url, {"q": SECRET_DNI}), client.get(url, {"q": SECRET_NAME.lower()})]


def api_by_number(client: Client, world: World) -> list:
    return [client.get(f"/api/children/by-number/{SECRET_DNI}")]


def territory_list(name: str, **params: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        url = reverse(name)
        return [
            client.get(url, {"code": AWAY, **params}),
            client.get(url, {"code": AWAY[:4], **params}),
            client.get(url, {"code": "05", **params}),  # broader: only the home side
        ]

    return probe


def api_list(client: Client, world: World) -> list:
    return [
        client.get("/api/children/", {"territory": AWAY}),
        client.get("/api/children/"),
        client.get("/api/children/", {"territory": "05"}),
    ]


def import_runs(name: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        return [client.get(reverse(name, args=[world.away_run.pk]))]

    return probe


def plain(name: str, *args: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        return [client.get(reverse(name, args=args))]

    return probe


def access_log(client: Client, world: World) -> list:
    url = reverse("access:log")
    return [client.get(url, {"child": world.away_child.pk}), client.get(url)]


def indicator_lists(client: Client, world: World) -> list:
    """The children behind an indicator of the away district, and of the whole country."""
    from crecer.analytics.refresh import refresh
    from crecer.norms import load_profile

    refresh(date(2026, 6, 30), "", load_profile("peru"))
    url = reverse("analytics:children")
    cells = [("district", AWAY), ("province", AWAY[:4]), ("country", "PE")]
    return [
        client.get(url, {"indicator": "sis_u5", "level": level, "code": code, "part": part})
        for level, code in cells
        for part in ("numerator", "denominator")
    ]


def worklists(client: Client, world: World) -> list:
    """The work list of the away district, its province, the whole scope and an away center."""
    from crecer.analytics.refresh import refresh
    from crecer.norms import load_profile

    refresh(date(2026, 6, 30), "", load_profile("peru"))
    url = reverse("analytics:worklist")
    return [
        client.get(url, {"code": AWAY}),
        client.get(url, {"code": AWAY[:4]}),
        client.get(url),
        client.get(url, {"code": "05"}),
        client.get(url, {"center": AWAY + "0001"}),
        client.get(url, {"facility": "PS AWAY"}),
    ]


def worklist_exports(client: Client, world: World) -> list:
    from crecer.analytics.refresh import refresh
    from crecer.norms import load_profile

    refresh(date(2026, 6, 30), "", load_profile("peru"))
    responses = []
    for kind in ("csv", "xlsx"):
        url = reverse("analytics:worklist_export", args=[kind])
        responses += [
            client.get(url, {"code": AWAY}),
            client.get(url),
            client.get(url, {"facility": "PS AWAY"}),
        ]
    return responses


def api_path(path: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        return [client.get(path)]

    return probe


def record_event(client: Client, world: World) -> list:
    """Each event form of the away child, read and posted."""
    responses = []
    for kind in ("growth", "hb", "service"):
        url = reverse("health:record", args=[world.away_child.pk, kind])
        responses += [client.get(url), client.post(url, {"date": "2024-09-01", "code": "99381"})]
    return responses


def event_runs(name: str) -> Probe:
    """An event import of the away district (by its own health worker), seen from home."""

    def probe(client: Client, world: World) -> list:
        import tempfile

        from django.contrib.auth import get_user_model

        from crecer.access.scopes import parse_scope
        from crecer.access.services import assign
        from crecer.health.importer import import_events
        from tests.health.factories import own_row, write_events

        worker, created = get_user_model().objects.get_or_create(username="away_worker")
        if created:
            assign(worker, "health_worker", parse_scope(AWAY), personal_data=False)
        folder = Path(tempfile.mkdtemp())
        rows = [own_row(dni=SECRET_DNI, date="2024-09-01"), own_row(dni="74000003")]
        run = import_events(write_events(folder / "secreto.csv", rows), user=worker)
        return [client.get(reverse(name, args=[run.pk]))]

    return probe


def away_woman():
    from crecer.maternal.models import Woman

    return Woman.objects.get(document_number="74000009")


def woman_by_id(name: str, method: str = "get") -> Probe:
    def probe(client: Client, world: World) -> list:
        url = reverse(name, args=[away_woman().pk])
        return [getattr(client, method)(url, {"lmp_date": "2026-05-01"})]

    return probe


def record_pregnancy_event(client: Client, world: World) -> list:
    pregnancy = away_woman().pregnancies.get()
    responses = []
    for kind in ("service", "hb"):
        url = reverse("maternal:record", args=[pregnancy.pk, kind])
        data = {"date": "2026-04-01", "code": "Z3491", "hb": "11"}
        responses += [client.get(url), client.post(url, data)]
    return responses


def maternal_indicators(client: Client, world: World) -> list:
    from crecer.analytics.refresh import refresh
    from crecer.norms import load_profile

    refresh(date(2026, 6, 30), "", load_profile("peru"))
    url = reverse("maternal:indicators")
    return [client.get(url, {"code": code}) for code in (AWAY, AWAY[:4], "05", "")]


def maternal_women(name: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        from crecer.analytics.refresh import refresh
        from crecer.norms import load_profile

        refresh(date(2026, 6, 30), "", load_profile("peru"))
        if name == "maternal:women_country":
            return [client.get(reverse(name, args=["anemia_pregnancy"]))]
        return [
            client.get(reverse(name, args=["first_check_first_trimester", code]))
            for code in (AWAY, AWAY[:4], "05")
        ]

    return probe


def maternal_runs(name: str) -> Probe:
    """A births or pregnancy-services import of the away district, seen from home."""

    def probe(client: Client, world: World) -> list:
        import csv
        import tempfile

        from django.contrib.auth import get_user_model

        from crecer.access.scopes import parse_scope
        from crecer.access.services import assign
        from crecer.maternal.births import import_births
        from crecer.maternal.events import import_maternal_events

        worker, created = get_user_model().objects.get_or_create(username="away_midwife")
        if created:
            assign(worker, "health_worker", parse_scope(AWAY), personal_data=False)
        folder = Path(tempfile.mkdtemp())
        if name.startswith("maternal_events:"):
            path = folder / "his.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["Fecha_Atencion", "Numero_Documento_Paciente", "Codigo_Item"])
                writer.writerow(["01/04/2026", "74000009", "Z3491"])
                writer.writerow(["01/04/2026", "74000003", "Z3491"])
            run = import_maternal_events(path, user=worker)
        else:
            path = folder / "cnv.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["NU_CNV", "NU_DOC_MADRE", "FE_NACIDO", "SEXO_NACIDO", "CO_UBIGEO"])
                writer.writerow(["1000999001", "74000003", "01/04/2026", "2", AWAY])
                writer.writerow(["12", "74000009", "01/04/2026", "2", AWAY])
            run = import_births(path, user=worker)
        return [client.get(reverse(name, args=[run.pk]))]

    return probe


def away_pairs(world: World) -> list:
    """A duplicate pair across the two districts and an outside record of the away child: a
    home user may decide neither (the away child is in both)."""
    from crecer.linkage.models import CandidatePair, LinkRun, OutsideRecord

    run = LinkRun.objects.create(kind="sis", file_name="sis.csv")
    record, _ = OutsideRecord.objects.get_or_create(
        source="sis", key="S-AWAY", defaults={"run": run, "line": 2, "raw": {}, "ubigeo": AWAY}
    )
    left, right = sorted([world.home_child, world.away_child], key=lambda c: c.pk)
    duplicate, _ = CandidatePair.objects.get_or_create(
        left=left, right=right, defaults={"run": run, "rule": "model", "proposed": "review"}
    )
    outside, _ = CandidatePair.objects.get_or_create(
        left=world.away_child,
        outside=record,
        defaults={"run": run, "rule": "model", "proposed": "review"},
    )
    return [duplicate, outside]


def linkage_pair(name: str, method: str = "get") -> Probe:
    def probe(client: Client, world: World) -> list:
        return [
            getattr(client, method)(reverse(name, args=[pair.pk]), {"reason": "x"})
            for pair in away_pairs(world)
        ]

    return probe


def linkage_queue(client: Client, world: World) -> list:
    away_pairs(world)
    url = reverse("linkage:queue")
    return [client.get(url), client.get(url, {"kind": "sis"}), client.get(url, {"kind": "dedupe"})]


def away_household():
    """A JUNTOS household of the away district (the away woman and the away child), its
    cycle (territory: the away district), an appeal, and imports by an away officer."""
    from django.contrib.auth import get_user_model

    from crecer.juntos.models import (
        Affiliation,
        Appeal,
        Cycle,
        Household,
        Member,
        MemberRole,
        Verification,
    )
    from crecer.registry.models import Child

    found = Household.objects.filter(code="H-AWAY").first()
    if found is not None:
        return found
    household = Household.objects.create(code="H-AWAY", district_id=AWAY, care_facility="PS AWAY")
    Affiliation.objects.create(household=household, status="affiliated", since=date(2026, 1, 1))
    Member.objects.create(
        household=household, role=MemberRole.TITULAR, woman=away_woman(), names=SECRET_NAME
    )
    child = Child.objects.get(dni=SECRET_DNI)
    member = Member.objects.create(
        household=household,
        role=MemberRole.CHILD,
        child=child,
        names=child.full_name,
        document_number=SECRET_DNI,
    )
    cycle = Cycle.objects.create(
        territory_code=AWAY,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 4, 30),
        cutoff=date(2026, 4, 30),
        stage="sent",
        snapshot_hash="x",
    )
    checked = Verification.objects.create(
        cycle=cycle,
        member=member,
        household=household,
        condition="cred",
        status="not_complied",
        required=2,
        done=1,
    )
    filer, _ = get_user_model().objects.get_or_create(username="away_manager")
    Appeal.objects.create(
        cycle=cycle, household=household, verification=checked, reason="x", filed_by=filer
    )
    return household


def juntos_by_household(name: str, method: str = "get") -> Probe:
    def probe(client: Client, world: World) -> list:
        from crecer.juntos.models import Appeal, Cycle, Verification

        household = away_household()
        cycle = Cycle.objects.get(territory_code=AWAY)
        args = {
            "juntos:cycle": [cycle.pk],
            "juntos:step": [cycle.pk, "verify"],
            "juntos:payroll": [cycle.pk, "csv"],
            "juntos:household": [household.pk],
            "juntos:appeal": [household.pk, Verification.objects.get(household=household).pk],
            "juntos:decide": [Appeal.objects.get(household=household).pk],
            "juntos:reconcile": [cycle.pk],
            "juntos:standing": [household.pk],
            "juntos:edit_household": [household.pk],
            "juntos:edit_member": [household.members.first().pk],
        }[name]
        url = reverse(name, args=args)
        return [client.get(url), client.post(url, {"decision": "accept", "reason": "x"})]

    return probe


def juntos_runs(name: str) -> Probe:
    """A CSE or school-records import by an officer of the away district, seen from home."""

    def probe(client: Client, world: World) -> list:
        import tempfile

        from django.contrib.auth import get_user_model

        from crecer.access.scopes import parse_scope
        from crecer.access.services import assign
        from crecer.juntos.imports import import_cse, import_school

        away_household()
        officer, created = get_user_model().objects.get_or_create(username="away_juntos")
        if created:
            assign(officer, "registry_officer", parse_scope(AWAY), personal_data=False)
        path = Path(tempfile.mkdtemp()) / "file.csv"
        if name.startswith("juntos_cse:"):
            path.write_text("CO_HOGAR,CSE,FECHA_CSE\nH-AWAY,POBRE,01/03/2026\n", encoding="utf-8")
            run = import_cse(path, user=officer)
        else:
            path.write_text(
                "DNI_ESTUDIANTE,CODIGO_MODULAR,FECHA_INICIO,FECHA_FIN\n"
                f"{SECRET_DNI},0456789,01/03/2026,30/04/2026\n",
                encoding="utf-8",
            )
            run = import_school(path, user=officer)
        return [client.get(reverse(name, args=[run.pk]))]

    return probe


def away_center():
    """A community monitoring center of the away district, named like the away child's
    hidden name, with a meeting (its pack names the away woman's populated center's people)."""
    from crecer.community.models import Meeting, MonitoringCenter

    found = MonitoringCenter.objects.filter(district_id=AWAY).first()
    if found is None:
        found = MonitoringCenter.objects.create(
            name=f"CPVC {HIDDEN_NAME}", district_id=AWAY, care_facility="PS AWAY"
        )
        Meeting.objects.create(center=found, date=date(2026, 3, 1), notes=HIDDEN_NAME)
    return found


def community_runs(name: str) -> Probe:
    """A home-visit import of the away district (the away child visited), seen from home."""

    def probe(client: Client, world: World) -> list:
        import tempfile

        from django.contrib.auth import get_user_model

        from crecer.access.scopes import parse_scope
        from crecer.access.services import assign
        from crecer.community.imports import import_visits

        agent, created = get_user_model().objects.get_or_create(username="away_visitor")
        if created:
            assign(agent, "health_worker", parse_scope(AWAY), personal_data=False)
        path = Path(tempfile.mkdtemp()) / "visitas.csv"
        path.write_text(
            "Número de Documento;Fecha de Intervención;Actor Social\n"
            f"{SECRET_DNI};01/04/2026;{HIDDEN_NAME}\n74000003;01/04/2026;{HIDDEN_NAME}\n",
            encoding="utf-8",
        )
        run = import_visits(path, user=agent)
        return [client.get(reverse(name, args=[run.pk]))]

    return probe


def away_daycare(name: str) -> Probe:
    """A Cuna Más day-care center of the away district with the away child enrolled."""

    def probe(client: Client, world: World) -> list:
        from crecer.community.models import DayCareCenter, Enrollment

        center = DayCareCenter.objects.filter(district_id=AWAY).first()
        if center is None:
            center = DayCareCenter.objects.create(name=f"CIAI {HIDDEN_NAME}", district_id=AWAY)
            Enrollment.objects.create(
                center=center, child=world.away_child, enrolled_on=date(2026, 1, 5)
            )
        url = reverse(name, args=[center.pk])
        return [
            client.get(url, {"date": "2026-02-02"}),
            client.post(url, {"date": "2026-02-02", "document": SECRET_DNI}),
        ]

    return probe


def community_center(name: str) -> Probe:
    def probe(client: Client, world: World) -> list:
        url = reverse(name, args=[away_center().pk])
        return [client.get(url), client.post(url, {"date": "2026-04-01"})]

    return probe


# Probes of a specific child must answer 404 to everyone in the home district; the others may
# also refuse the whole page (403) to a role without the right, but never show the away child.
MUST_BE_404 = {
    "registry:child",
    "registry:edit",
    "registry:deactivate",
    "registry:import_run",
    "registry:import_run_csv",
    "api:child_detail",
    "api:child_by_number",
    "health:child_events",
    "health:record",
    "health:import_run",
    "health:import_run_csv",
    "maternal:woman",
    "maternal:new_pregnancy",
    "maternal:record",
    "maternal:women",
    "maternal:import_run",
    "maternal:import_run_csv",
    "maternal_events:import_run",
    "maternal_events:import_run_csv",
    "linkage:pair",
    "linkage:undo",
    # The cycle pages refuse (403) a role without the right to manage transfers, whatever
    # the cycle; a manager of another territory gets 404 (tests/juntos/test_cycles.py).
    "juntos:household",
    "juntos_cse:import_run",
    "juntos_cse:import_run_csv",
    "juntos_school:import_run",
    "juntos_school:import_run_csv",
    "community:center",
    "community:pack",
    "community:new_meeting",
    "community:import_run",
    "community:import_run_csv",
    "community:daycare",
    "community:attendance",
    "community:new_visit",
}
MUST_BE_404 |= budget_probes.MUST_BE_404
MUST_BE_404 |= survey_probes.MUST_BE_404
ROUTES: dict[str, Probe] = {
    "registry:child": child_by_id("registry:child"),
    "registry:edit": child_by_id("registry:edit"),
    "registry:deactivate": child_by_id("registry:deactivate", "post"),
    "registry:search": search,
    "registry:add": plain("registry:add"),
    "registry:export": territory_list("registry:export", format="csv"),
    "registry:circuit": territory_list("registry:circuit", list="no_dni"),
    "registry:quality": territory_list("registry:quality"),
    "registry:import": plain("registry:import"),
    "registry:import_run": import_runs("registry:import_run"),
    "registry:import_run_csv": import_runs("registry:import_run_csv"),
    "access:log": access_log,
    "linkage:queue": linkage_queue,
    "linkage:pair": linkage_pair("linkage:pair"),
    "linkage:undo": linkage_pair("linkage:undo", "post"),
    "maternal:pregnancies": plain("maternal:pregnancies"),
    "maternal:woman": woman_by_id("maternal:woman"),
    "maternal:new_pregnancy": woman_by_id("maternal:new_pregnancy", "post"),
    "maternal:record": record_pregnancy_event,
    "maternal:indicators": maternal_indicators,
    "maternal:women": maternal_women("maternal:women"),
    "maternal:women_country": maternal_women("maternal:women_country"),
    "maternal:import": plain("maternal:import"),
    "maternal:import_run": maternal_runs("maternal:import_run"),
    "maternal:import_run_csv": maternal_runs("maternal:import_run_csv"),
    "maternal_events:import": plain("maternal_events:import"),
    "maternal_events:import_run": maternal_runs("maternal_events:import_run"),
    "maternal_events:import_run_csv": maternal_runs("maternal_events:import_run_csv"),
    "juntos:cycles": plain("juntos:cycles"),
    "juntos:eligible": plain("juntos:eligible"),
    "juntos:at_risk": lambda client, world: [
        client.get(reverse("juntos:at_risk")),
        client.get(reverse("juntos:at_risk"), {"format": "csv"}),
    ],
    "juntos:dashboard": lambda client, world: [
        client.get(reverse("juntos:dashboard")),
        client.get(reverse("juntos:dashboard"), {"code": AWAY}),
        client.get(reverse("juntos:dashboard"), {"code": "05"}),
    ],
    "juntos:households": lambda client, world: [
        away_household() and client.get(reverse("juntos:households"), {"code": AWAY}),
        client.get(reverse("juntos:households"), {"code": HOME}),
    ],
    "juntos:cycle": juntos_by_household("juntos:cycle"),
    "juntos:step": juntos_by_household("juntos:step"),
    "juntos:payroll": juntos_by_household("juntos:payroll"),
    "juntos:household": juntos_by_household("juntos:household"),
    "juntos:appeal": juntos_by_household("juntos:appeal"),
    "juntos:decide": juntos_by_household("juntos:decide"),
    "juntos:reconcile": juntos_by_household("juntos:reconcile"),
    "juntos:standing": juntos_by_household("juntos:standing"),
    "juntos:edit_household": juntos_by_household("juntos:edit_household"),
    "juntos:edit_member": juntos_by_household("juntos:edit_member"),
    "juntos:waivers": plain("juntos:waivers"),
    "juntos_cse:import": plain("juntos_cse:import"),
    "juntos_cse:import_run": juntos_runs("juntos_cse:import_run"),
    "juntos_cse:import_run_csv": juntos_runs("juntos_cse:import_run_csv"),
    "juntos_school:import": plain("juntos_school:import"),
    "juntos_school:import_run": juntos_runs("juntos_school:import_run"),
    "juntos_school:import_run_csv": juntos_runs("juntos_school:import_run_csv"),
    "community:centers": lambda client, world: [
        away_center() and client.get(reverse("community:centers"))
    ],
    "community:center": community_center("community:center"),
    "community:pack": community_center("community:pack"),
    "community:new_meeting": community_center("community:new_meeting"),
    "community:import": plain("community:import"),
    "community:daycares": lambda client, world: [
        away_daycare("community:daycare")(client, world)
        and client.get(reverse("community:daycares"))
    ],
    "community:daycare": away_daycare("community:daycare"),
    "community:offline": plain("community:offline"),
    "community:offline_worker": plain("community:offline_worker"),
    "community:offline_sync": lambda client, world: [
        client.post(
            reverse("community:offline_sync"),
            {"visits": [{"id": "x", "document": SECRET_DNI, "date": "2026-04-01"}]},
            content_type="application/json",
        )
    ],
    "community:daycare_indicators": lambda client, world: [
        away_daycare("community:daycare")(client, world)
        and client.get(reverse("community:daycare_indicators"), {"code": code})
        for code in (AWAY, AWAY[:4], "")
    ],
    "community:attendance": away_daycare("community:attendance"),
    "community:new_visit": lambda client, world: [
        client.get(reverse("community:new_visit"), {"child": world.away_child.pk}),
        client.post(
            reverse("community:new_visit") + f"?child={world.away_child.pk}",
            {"date": "2026-04-01", "agent_name": "x", "result": "found"},
        ),
    ],
    "community:import_run": community_runs("community:import_run"),
    "community:import_run_csv": community_runs("community:import_run_csv"),
    "health:child_events": child_by_id("health:child_events"),
    "health:record": record_event,
    "health:import": plain("health:import"),
    "health:import_run": event_runs("health:import_run"),
    "health:import_run_csv": event_runs("health:import_run_csv"),
    "analytics:children": indicator_lists,
    "analytics:worklist": worklists,
    "analytics:worklist_export": worklist_exports,
    "analytics:open_data": plain("analytics:open_data"),
    "analytics:open_data_indicators": plain("analytics:open_data_indicators"),
    "analytics:open_data_values": plain("analytics:open_data_values", "csv"),
    "api:child_detail": api_child_by_id,
    "api:child_by_number": api_by_number,
    "api:child_list": api_list,
    "api:departments": api_path("/api/territory/"),
    "api:unit": api_path(f"/api/territory/{AWAY}"),
    "api:openapi-json": api_path("/api/openapi.json"),
    "api:openapi-view": api_path("/api/docs"),
    "api:api-root": api_path("/api/"),
    "web:home": plain("web:home"),
    "web:health": plain("web:health"),
    "territory:unit": plain("territory:unit", AWAY),
    "login": plain("login"),
    "logout": lambda client, world: [client.post(reverse("logout"))],
}
ROUTES |= {
    name: budget_probes.scope_probe(name, AWAY, HIDDEN_NAME) for name in budget_probes.ROUTE_NAMES
}
ROUTES |= {name: survey_probes.scope_probe(name) for name in survey_probes.ROUTE_NAMES}
# The admin site is for administrators (national, staff): nobody else passes its login.
ADMIN_PREFIX = "admin:"


def every_url_name(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= every_url_name(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_covered():
    names = {name for name in every_url_name() if not name.startswith(ADMIN_PREFIX)}
    assert names - set(ROUTES) == set(), "add these URLs to ROUTES in tests/access/test_scope.py"
    assert set(ROUTES) - names == set(), "ROUTES names URLs that no longer exist"


def leaks(response, world: World) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    page = reverse("registry:child", args=[world.away_child.pk])
    return HIDDEN_NAME in text.upper() or page in text or "74000003" in text


def test_a_home_user_never_sees_the_away_child(home_user, world, client):
    """Every route, for one user (one test per user keeps the suite quick; the failures name
    the routes)."""
    client.force_login(home_user)
    failures = []
    for name, probe in sorted(ROUTES.items(), key=lambda item: item[0] == "logout"):
        for response in probe(client, world):
            status = response.status_code
            if status >= 500 or leaks(response, world):
                failures.append((name, status, "leak or error"))
            elif name in MUST_BE_404 and status != 404:
                failures.append((name, status, "should be 404"))
    assert failures == []


def test_out_of_scope_lookups_are_404_for_those_who_may_see_children(world, client, make_user):
    client.force_login(make_user("officer", "registry_officer", HOME))
    for name in sorted(MUST_BE_404):
        statuses = {response.status_code for response in ROUTES[name](client, world)}
        assert statuses == {404}, (name, statuses)
    by_dni = client.get(reverse("registry:search"), {"q": SECRET_DNI})
    assert by_dni.status_code == 404


@pytest.mark.parametrize("kind", ["export", "circuit", "api"])
def test_another_districts_list_is_404(kind, world, client, make_user):
    client.force_login(make_user("officer", "registry_officer", HOME))
    if kind == "api":
        response = client.get("/api/children/", {"territory": AWAY})
    else:
        response = client.get(reverse(f"registry:{kind}"), {"code": AWAY, "format": "csv"})
    assert response.status_code == 404


def test_the_home_child_is_seen_where_the_away_one_is_not(world, client, make_user):
    """The positive side, so that the 404s above are not an empty site."""
    client.force_login(make_user("officer", "registry_officer", HOME))
    assert client.get(reverse("registry:child", args=[world.home_child.pk])).status_code == 200
    export = client.get(reverse("registry:export"), {"code": "05", "format": "csv"})
    assert export.status_code == 200
    assert "74000001" in export.content.decode("utf-8-sig")
    assert not leaks(export, world)
    listed = client.get("/api/children/").json()
    assert [item["dni"] for item in listed["items"]] == ["74000001"]


def test_a_token_sees_the_same_scope_as_its_user(world, client, make_user):
    user = make_user("integration", "program_manager", HOME)
    _token, key = ApiToken.issue(user, "test")
    headers = {"Authorization": f"Bearer {key}"}
    own = client.get(f"/api/children/{world.home_child.pk}", headers=headers)
    other = client.get(f"/api/children/{world.away_child.pk}", headers=headers)
    assert (own.status_code, other.status_code) == (200, 404)
    assert own.json()["dni"] == "74000001"
    assert (
        client.get("/api/children/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    )


def test_revoked_token_is_refused(world, client, make_user):
    user = make_user("integration", "program_manager", HOME)
    token, key = ApiToken.issue(user, "test")
    token.revoked = True
    token.save()
    response = client.get("/api/children/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/admin/", "/admin/registry/child/", "/admin/access/accesslog/"])
def test_the_admin_site_is_closed_to_scoped_users(path, world, client, make_user):
    client.force_login(make_user("officer", "registry_officer", HOME))
    response = client.get(path)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_import_quarantines_rows_outside_the_scope(tmp_path, world, make_user):
    officer = make_user("officer", "registry_officer", HOME)
    rows = [
        child_row(dni="74000010", cnv="", ubigeo=HOME),
        child_row(dni="74000011", cnv="", ubigeo=AWAY),  # another district
        child_row(dni=SECRET_DNI, cnv="", ubigeo=HOME),  # the away child, "moved" here
    ]
    run = import_padron(
        write_padron(tmp_path / "p.csv", rows), user=officer, allowed=allowed_ubigeos(officer)
    )
    reasons = {row.line: row.reasons for row in run.quarantined_rows.all()}
    assert (run.created, run.quarantined) == (1, 2)
    assert reasons[3][0].startswith("outside_scope")
    assert reasons[4] == ["child_outside_scope"]
    assert Child.objects.get(dni=SECRET_DNI).district_id == AWAY


def test_a_scoped_importer_is_not_told_where_a_taken_identifier_is(
    tmp_path, world, client, make_user
):
    """Issue 19: "registered outside your territory" told a scoped officer that the DNI was
    in another district; the officer reads only that it is in a record they cannot see."""
    officer = make_user("officer", "registry_officer", HOME)
    rows = [child_row(dni=SECRET_DNI, cnv="", ubigeo=HOME)]
    run = import_padron(
        write_padron(tmp_path / "p.csv", rows), user=officer, allowed=allowed_ubigeos(officer)
    )
    client.force_login(officer)
    client.get("/?lang=en")
    shown = client.get(reverse("registry:import_run", args=[run.pk])).content.decode()
    report = client.get(reverse("registry:import_run_csv", args=[run.pk])).content.decode()
    for text in (shown, report):
        assert "in a record you cannot see" in text
        assert "outside your territory" not in text


@pytest.mark.parametrize(("role", "scope"), HOME_USERS, ids=lambda v: str(v))
def test_each_home_user_sees_the_home_child_if_their_role_may(
    role, scope, world, client, make_user
):
    """Scopes by district, province, facility (care facility by name) and populated centers all
    hold the home child; only the analyst without personal-data rights does not open it."""
    client.force_login(make_user("someone", role, scope))
    response = client.get(reverse("registry:child", args=[world.home_child.pk]))
    assert response.status_code == (404 if role == "analyst" else 200)
