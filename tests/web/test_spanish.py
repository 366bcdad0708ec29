"""Every page in Spanish. Each route (the URL resolver's) is visited by nobody logged in and by
a user of each role, over a district with a child who has growth checks, an Hb test, services,
a merge, outside-list links (one automatic), an import with quarantined rows and a refresh, and
with her mother pregnant again (services, a births import, a services import); the admin site
is visited by an administrator. A page fails when

- it looks up a message id that the compiled Spanish catalogue does not translate (every
  gettext, pgettext and ngettext call is recorded while the page renders, lazy ones included),
- its visible text holds an English sentence of the catalogue (a message shown without being
  translated, such as a reason stored in the database), or English words that never went
  through gettext at all.

The catalogue itself must be complete (nothing fuzzy or empty) and compiled."""

from __future__ import annotations

import ast
import gettext as gnu
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real
from tests.budget import probes as budget_probes
from tests.registry.factories import child_row, write_padron
from tests.surveys import probes as survey_probes

from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.linkage import services as linkage
from crecer.linkage.models import CandidatePair, LinkRun, OutsideRecord
from crecer.linkage.runs import _automatic_reason
from crecer.registry import services as registry
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility, PopulatedCenter

pytestmark = pytest.mark.django_db
HOME, CENTER, FACILITY = "050101", "0501010001", "00001234"  # Ayacucho (Huamanga)
DNI = "74000001"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
Lookup = tuple[str, str, str]  # (context, message id, plural id)


@dataclass
class World:
    child: Child  # imported, measured, merged with a duplicate, linked to two outside lists
    duplicate: Child  # merged into child
    gone: Child  # deactivated
    run: object  # the padrón import, with quarantined rows
    event_run: object
    pairs: list[CandidatePair]  # pending, one of two registry records and one outside record
    done: list[CandidatePair]  # decided: the merge, the links, one refused
    woman: object  # the child's mother, pregnant again, with services and an Hb test
    births_run: object  # a births import: one newborn registered, one row quarantined
    maternal_run: object  # a pregnancy-services import
    juntos: Juntos  # the mother's household, a sent cycle with a pending appeal, two imports


def padron(tmp_path: Path, born: date) -> Path:
    birth = born.strftime("%d/%m/%Y")
    rows = [
        child_row(dni=DNI, cnv="", ubigeo=HOME, birth_date=birth, insurance="", programs="",
                  populated_center_code=CENTER, given_names="ROSA"),
        child_row(dni="74000002", cnv="", ubigeo=HOME, birth_date=birth, given_names="ANA"),
        child_row(dni="123", cnv="", ubigeo=HOME, birth_date="31/02/2024"),  # quarantined
        child_row(dni="74000004", cnv="", ubigeo="999999", birth_date=birth),  # quarantined
    ]  # fmt: skip
    return write_padron(tmp_path / "padron.csv", rows)


def measured(child: Child, born: date) -> None:
    for day, kg, cm in [(60, 5.0, 57.0), (184, 7.2, 65.5), (365, 8.1, 70.0)]:
        GrowthCheck.objects.create(
            child=child, date=born + timedelta(days=day), weight_kg=kg, length_cm=cm, measure="l"
        )
    HemoglobinTest.objects.create(
        child=child, date=born + timedelta(days=190), hb_observed=9.8, altitude_m=2750
    )
    ServiceRecord.objects.create(child=child, date=born + timedelta(days=66), code="90722")


def merged_duplicate(child: Child, officer) -> tuple[Child, CandidatePair]:
    duplicate = Child(
        paternal_surname=child.paternal_surname, maternal_surname=child.maternal_surname,
        given_names=child.given_names, sex=child.sex, birth_date=child.birth_date,
        district_id=HOME, mother_document_number=child.mother_document_number,
    )  # fmt: skip
    registry.save_child(duplicate, officer, "")
    pair = CandidatePair.objects.create(
        run=LinkRun.objects.create(kind="dedupe"), left=child, right=duplicate, rule="model",
        match_weight=20.0, proposed="review",
    )  # fmt: skip
    linkage.merge(pair, officer, "la misma niña, registrada dos veces")
    return duplicate, pair


def outside_pair(child: Child, source: str, key: str) -> CandidatePair:
    run = LinkRun.objects.create(kind=source, file_name=f"{source}.csv")
    record = OutsideRecord.objects.create(
        source=source, key=key, run=run, line=2, raw={"given_names": "ROSA"}, ubigeo=HOME
    )
    return CandidatePair.objects.create(
        run=run, left=child, outside=record, rule="model", match_weight=9.0, proposed="review"
    )


def pending_pairs(world_child: Child, other: Child) -> list[CandidatePair]:
    run = LinkRun.objects.create(kind="dedupe")
    explained = [{"field": "surnames", "level": "both equal", "weight": 9.2}]
    dedupe = CandidatePair.objects.create(
        run=run, left=world_child, right=other, rule="model", match_weight=4.0,
        proposed="review", explanation=explained,
    )  # fmt: skip
    return [dedupe, outside_pair(world_child, "cuna_mas", "C-1")]


def event_import(tmp_path: Path, worker):
    from tests.health.factories import own_row, write_events

    from crecer.health.importer import import_events

    rows = [own_row(dni=DNI, date="2025-09-01"), own_row(dni="79999999"), own_row(date="x")]
    return import_events(write_events(tmp_path / "eventos.csv", rows), user=worker)


@dataclass
class Maternal:
    woman: object
    births_run: object
    events_run: object


def maternal(tmp_path: Path, born: date) -> Maternal:
    """The child's mother (DNI 41234567, as in the padrón row), 20 weeks pregnant, and two
    imports: a birth of hers (a newborn registered from it) and her prenatal services."""
    import csv

    from crecer.maternal.births import import_births
    from crecer.maternal.events import import_maternal_events
    from crecer.maternal.models import Pregnancy, Woman

    woman = Woman.objects.create(
        document_type="DNI", document_number="41234567", paternal_surname="HUAMÁN",
        given_names="ROSA", district_id=HOME, care_facility="PS HOME",
    )  # fmt: skip
    today = timezone.localdate()
    Pregnancy.objects.create(woman=woman, lmp_date=today - timedelta(weeks=20))
    Pregnancy.objects.create(woman=woman, lmp_date=born - timedelta(days=280))
    births = tmp_path / "cnv.csv"
    with births.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "NU_CNV",
                "TIPO_DOC_MADRE",
                "NU_DOC_MADRE",
                "FE_NACIDO",
                "SEXO_NACIDO",
                "PESO_NACIDO",
                "SEMANA_GESTACION",
                "CO_UBIGEO",
            ]
        )
        writer.writerow(
            ["1000777001", "DNI", "41234567", born.strftime("%d/%m/%Y"), "2", "3150", "39", HOME]
        )
        writer.writerow(["1000777002", "DNI", "123", "31/02/2026", "2", "", "", HOME])
    events = tmp_path / "his_gestantes.csv"
    with events.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Fecha_Atencion",
                "Tipo_Doc_Paciente",
                "Numero_Documento_Paciente",
                "Codigo_Item",
                "Valor_Lab",
                "Codigo_Unico",
                "Hemoglobina",
            ]
        )
        day = (today - timedelta(weeks=8)).strftime("%d/%m/%Y")
        writer.writerow([day, "DNI", "41234567", "Z3491", "", FACILITY, ""])
        writer.writerow([day, "DNI", "41234567", "85018", "", FACILITY, "10.9"])
        writer.writerow([day, "DNI", "49999999", "Z3491", "", FACILITY, ""])  # no such woman
    return Maternal(woman, import_births(births), import_maternal_events(events))


@dataclass
class Juntos:
    household: object
    cycle: object  # the last bimester's, verified, approved and sent
    appeal: object  # pending
    cse_run: object
    school_run: object


def juntos(tmp_path: Path, make_user) -> Juntos:
    """The mother's household (affiliated), the last bimester's cycle verified, approved by
    a second manager and sent, an appeal of one of its checks waiting for a decision, and the
    SISFOH and school imports (one row matched, one quarantined)."""
    from crecer.juntos import cycles, payments
    from crecer.juntos.households import households_from_registry
    from crecer.juntos.imports import import_cse, import_school
    from crecer.juntos.models import Affiliation, Household, Status
    from crecer.norms import load_profile

    profile, today = load_profile("peru"), timezone.localdate()
    households_from_registry(today=today)
    Affiliation.objects.update(status=Status.AFFILIATED)
    household = Household.objects.get(members__woman__document_number="41234567")
    cse = tmp_path / "cse.csv"
    cse.write_text(f"CO_HOGAR,CSE,FECHA_CSE\n{household.code},POBRE,01/03/2026\n,RICO,x\n")
    school = tmp_path / "siagie.csv"
    school.write_text(
        "DNI_ESTUDIANTE,CODIGO_MODULAR,PERIODO,FECHA_INICIO,FECHA_FIN,MATRICULADO\n"
        "79999999,0456789,2026-III,01/09/2026,31/10/2026,SI\n"  # no such member
    )
    start, end = cycles.bimester(cycles.bimester(today)[0] - timedelta(days=1))
    preparer = make_user("gestor_juntos", "program_manager", HOME)
    approver = make_user("jefa_juntos", "program_manager", "05")
    cycle = cycles.open_cycle(HOME, start, end, end, preparer, profile)
    cycles.verify_cycle(cycle, preparer, profile)
    cycles.approve_cycle(cycle, approver, profile)
    payments.send_cycle(cycle, approver)
    checked = cycle.verifications.filter(household=household).first()
    appeal = payments.file_appeal(cycle, checked.pk, "control hecho, no digitado", "", preparer)
    return Juntos(household, cycle, appeal, import_cse(cse), import_school(school))


@pytest.fixture
def world(tmp_path: Path, make_user) -> World:
    from crecer.analytics.refresh import refresh
    from crecer.norms import load_profile

    PopulatedCenter.objects.create(code=CENTER, district_id=HOME, name="CENTRO HOME")
    HealthFacility.objects.create(renipress_code=FACILITY, name="PS HOME", district_id=HOME)
    officer = make_user("registrador", "registry_officer", HOME)
    born = timezone.localdate() - timedelta(days=400)
    run = import_padron(padron(tmp_path, born), user=officer)
    Child.objects.filter(dni=DNI).update(care_facility="PS HOME")  # a facility's work list
    child, gone = Child.objects.get(dni=DNI), Child.objects.get(dni="74000002")
    measured(child, born)
    duplicate, merge = merged_duplicate(child, officer)
    twin = make_unlinked_twin(child, officer)
    linked = outside_pair(child, "sis", "S-1")
    refused = CandidatePair.objects.create(  # refused when the record is linked to the child
        run=linked.run, left=twin, outside=linked.outside, rule="model", proposed="review"
    )
    linkage.accept(linked, officer, "confirmado con la madre")
    automatic = outside_pair(child, "juntos", "J-1")
    linkage.link_outside_in_bulk([automatic], None, _automatic_reason)
    registry.deactivate(gone, officer, "se mudó a otra región")
    pairs = pending_pairs(child, twin)
    event_run = event_import(tmp_path, make_user("digitador", "health_worker", HOME))
    mother = maternal(tmp_path, born)
    refresh(timezone.localdate().replace(day=1) - timedelta(days=1), "", load_profile("peru"))
    decided = [merge, linked, refused, automatic]
    return World(
        child, duplicate, gone, run, event_run, pairs, decided,
        mother.woman, mother.births_run, mother.events_run, juntos(tmp_path, make_user),
    )  # fmt: skip


def make_unlinked_twin(child: Child, officer) -> Child:
    twin = Child(
        paternal_surname=child.paternal_surname, maternal_surname=child.maternal_surname,
        given_names="ROSA MARIA", sex=child.sex, birth_date=child.birth_date, district_id=HOME,
    )  # fmt: skip
    return registry.save_child(twin, officer, "")


# --- routes -----------------------------------------------------------------------------------

Visit = tuple[str, dict[str, str]]  # (path, query)
Probe = Callable[[World], list[Visit]]


def by_pk(name: str, *extra: str) -> Probe:
    def probe(world: World) -> list[Visit]:
        children = (world.child, world.duplicate, world.gone)
        return [(reverse(name, args=[c.pk, *extra]), {}) for c in children]

    return probe


def each_kind(world: World) -> list[Visit]:
    return [
        (reverse("health:record", args=[world.child.pk, kind]), {})
        for kind in ("growth", "hb", "service")
    ]


def run_page(name: str, attribute: str) -> Probe:
    return lambda world: [(reverse(name, args=[getattr(world, attribute).pk]), {})]


def pair_pages(world: World) -> list[Visit]:
    return [(reverse("linkage:pair", args=[p.pk]), {}) for p in world.pairs + world.done]


def territory_query(name: str, **query: str) -> Probe:
    return lambda world: [(reverse(name), {"code": code, **query}) for code in (HOME, "05")]


def with_args(name: str, *args: str) -> Probe:
    return lambda world: [(reverse(name, args=args), {})]


def query(name: str, *queries: dict[str, str]) -> Probe:
    return lambda world: [(reverse(name), q) for q in queries or ({},)]


INDICATOR_CELLS = [
    {"indicator": indicator, "level": "district", "code": HOME, "part": part}
    for indicator in ("sis_u5", "anemia_6_35")
    for part in ("numerator", "denominator")
]
PROBES: dict[str, Probe] = {
    "registry:child": by_pk("registry:child"),
    "registry:edit": by_pk("registry:edit"),
    "registry:search": query(
        "registry:search", {}, {"q": "quispe rosa"}, {"q": DNI}, {"q": "zzzz"}
    ),
    "registry:export": territory_query("registry:export", format="csv"),
    "registry:circuit": territory_query("registry:circuit", list="no_dni"),
    "registry:quality": territory_query("registry:quality"),
    "registry:import_run": run_page("registry:import_run", "run"),
    "registry:import_run_csv": run_page("registry:import_run_csv", "run"),
    "health:child_events": by_pk("health:child_events"),
    "health:record": each_kind,
    "health:import_run": run_page("health:import_run", "event_run"),
    "health:import_run_csv": run_page("health:import_run_csv", "event_run"),
    "linkage:queue": query("linkage:queue", {}, {"kind": "sis"}, {"kind": "dedupe"}),
    "linkage:pair": pair_pages,
    "access:log": lambda world: [
        (reverse("access:log"), {}),
        (reverse("access:log"), {"child": str(world.child.pk)}),
    ],
    "analytics:children": query("analytics:children", *INDICATOR_CELLS),
    "analytics:worklist": query(
        "analytics:worklist", {}, {"code": HOME}, {"center": CENTER}, {"facility": "PS HOME"}
    ),
    "analytics:worklist_export": lambda world: [
        (reverse("analytics:worklist_export", args=[kind]), {"code": HOME})
        for kind in ("csv", "xlsx")
    ],
    "analytics:open_data_values": with_args("analytics:open_data_values", "csv"),
    "api:unit": with_args("api:unit", HOME),
    "api:child_by_number": with_args("api:child_by_number", DNI),
    "api:child_detail": lambda world: [(reverse("api:child_detail", args=[world.child.pk]), {})],
    "territory:unit": lambda world: [
        (reverse("territory:unit", args=[code]), {}) for code in ("05", "0501", HOME)
    ],
}
MATERNAL_INDICATORS = (
    "prenatal_6_deliveries", "first_check_first_trimester", "anemia_pregnancy",
    "institutional_delivery", "low_birth_weight_deliveries", "postnatal_2_checks",
)  # fmt: skip


def pregnancy_forms(world: World) -> list[Visit]:
    return [
        (reverse("maternal:record", args=[pregnancy.pk, kind]), {})
        for pregnancy in world.woman.pregnancies.all()  # type: ignore[attr-defined]
        for kind in ("service", "hb")
    ]


def women_behind(world: World) -> list[Visit]:
    country = [(reverse("maternal:women_country", args=[i]), {}) for i in MATERNAL_INDICATORS]
    return country + [(reverse("maternal:women", args=[i, HOME]), {}) for i in MATERNAL_INDICATORS]


PROBES |= {
    "maternal:woman": run_page("maternal:woman", "woman"),
    "maternal:new_pregnancy": run_page("maternal:new_pregnancy", "woman"),
    "maternal:record": pregnancy_forms,
    "maternal:import_run": run_page("maternal:import_run", "births_run"),
    "maternal:import_run_csv": run_page("maternal:import_run_csv", "births_run"),
    "maternal_events:import_run": run_page("maternal_events:import_run", "maternal_run"),
    "maternal_events:import_run_csv": run_page("maternal_events:import_run_csv", "maternal_run"),
    "maternal:women_country": women_behind,
    "maternal:women": lambda world: [],  # visited with women_country
    "maternal:indicators": query("maternal:indicators", {}, {"code": HOME}, {"code": "05"}),
    "maternal:pregnancies": query("maternal:pregnancies", {}, {"code": HOME}),
}


def juntos_run(name: str, attribute: str) -> Probe:
    return lambda world: [(reverse(name, args=[getattr(world.juntos, attribute).pk]), {})]


PROBES |= {
    "juntos:cycle": juntos_run("juntos:cycle", "cycle"),
    "juntos:payroll": lambda world: [
        (reverse("juntos:payroll", args=[world.juntos.cycle.pk, kind]), {})
        for kind in ("csv", "xlsx")
    ],
    "juntos:household": juntos_run("juntos:household", "household"),
    "juntos:appeal": lambda world: [
        (reverse("juntos:appeal", args=[world.juntos.household.pk, v.pk]), {})
        for v in world.juntos.cycle.verifications.filter(household=world.juntos.household)[:1]
    ],
    "juntos:decide": juntos_run("juntos:decide", "appeal"),
    "juntos:reconcile": juntos_run("juntos:reconcile", "cycle"),
    "juntos:edit_household": juntos_run("juntos:edit_household", "household"),
    "juntos:edit_member": lambda world: [
        (reverse("juntos:edit_member", args=[world.juntos.household.members.first().pk]), {})
    ],
    "juntos_cse:import_run": juntos_run("juntos_cse:import_run", "cse_run"),
    "juntos_cse:import_run_csv": juntos_run("juntos_cse:import_run_csv", "cse_run"),
    "juntos_school:import_run": juntos_run("juntos_school:import_run", "school_run"),
    "juntos_school:import_run_csv": juntos_run("juntos_school:import_run_csv", "school_run"),
}


def community_center(name: str) -> Probe:
    """A center of the child's populated center with a meeting and a decision pending."""

    def probe(world: World) -> list[Visit]:
        from crecer.community.models import Decision, Meeting, MonitoringCenter

        center = MonitoringCenter.objects.filter(name="CPVC HOME").first()
        if center is None:
            center = MonitoringCenter.objects.create(
                name="CPVC HOME", district_id=HOME, populated_center_id=CENTER
            )
            center.covers.set([CENTER])
            last_month = timezone.localdate() - timedelta(days=30)
            meeting = Meeting.objects.create(center=center, date=last_month)
            Decision.objects.create(meeting=meeting, what="Visitar a ROSA", who="ACS")
        return [(reverse(name, args=[center.pk]), {})]

    return probe


def visit_runs(name: str) -> Probe:
    """A home-visit import of the child's district: one visit stored, one row quarantined."""

    def probe(world: World) -> list[Visit]:
        import tempfile

        from crecer.community.imports import import_visits

        path = Path(tempfile.mkdtemp()) / "visitas.csv"
        day = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
        path.write_text(
            f"Número de Documento;Fecha de Intervención\n{DNI};{day}\n123;{day}\n",
            encoding="utf-8",
        )
        return [(reverse(name, args=[import_visits(path).pk]), {})]

    return probe


def daycare(name: str) -> Probe:
    """A day-care center of the district with the child enrolled and a day recorded."""

    def probe(world: World) -> list[Visit]:
        from crecer.community.models import DayAttendance, DayCareCenter, Enrollment

        center = DayCareCenter.objects.filter(name="CIAI HOME").first()
        day = timezone.localdate() - timedelta(days=1)
        if center is None:
            center = DayCareCenter.objects.create(name="CIAI HOME", district_id=HOME)
            enrolled = Enrollment.objects.create(
                center=center, child=world.child, enrolled_on=day - timedelta(days=10)
            )
            DayAttendance.objects.create(enrollment=enrolled, date=day, present=True, meals=3)
        return [(reverse(name, args=[center.pk]), {"date": day.isoformat()})]

    return probe


PROBES |= {
    "community:center": community_center("community:center"),
    "community:pack": community_center("community:pack"),
    "community:new_meeting": community_center("community:new_meeting"),
    "community:import_run": visit_runs("community:import_run"),
    "community:import_run_csv": visit_runs("community:import_run_csv"),
    "community:daycare": daycare("community:daycare"),
    "community:attendance": daycare("community:attendance"),
    "community:daycare_indicators": lambda world: [
        daycare("community:daycare")(world)
        and (reverse("community:daycare_indicators"), {"code": code})
        for code in (HOME, "05")
    ],
    "community:new_visit": lambda world: [
        (reverse("community:new_visit"), {"child": str(world.child.pk)}),
        (reverse("community:new_visit"), {"woman": str(world.woman.pk)}),  # type: ignore[attr-defined]
    ],
}

PROBES |= {name: budget_probes.spanish_probe(name, HOME) for name in budget_probes.ROUTE_NAMES}
PROBES |= {name: survey_probes.spanish_probe(name, HOME) for name in survey_probes.ROUTE_NAMES}


# Not visited: what they show is another route's page.
SKIPPED = {
    "logout": "ends the session; it answers with the login page",
    "registry:deactivate": "a form's POST target; it answers with the child page",
    "linkage:undo": "a form's POST target; it answers with the pair page",
    "juntos:step": "a form's POST target; it answers with the cycle page",
    "juntos:standing": "a form's POST target; it answers with the household page",
    "community:offline_worker": "a script (the offline page's service worker), not a page",
    "community:offline_sync": "the JSON the offline page posts its queue to",
}


def routes(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, bool]:
    """Every named route outside the admin site → whether it takes arguments."""
    found = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[f"{namespace}{pattern.name}"] = bool(pattern.pattern.regex.groups)
    return found


def visits(world: World) -> Iterator[Visit]:
    for name, has_arguments in sorted(routes().items()):
        if name in SKIPPED:
            continue
        if name in PROBES:
            yield from PROBES[name](world)
        elif not has_arguments:
            yield reverse(name), {}


# --- what a page looked up, and what it shows -------------------------------------------------


@contextmanager
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Lookup]]:
    """Every message id looked up inside the block (through django.utils.translation)."""
    seen: set[Lookup] = set()

    def gettext(message: str) -> str:
        seen.add(("", str(message), ""))
        return trans_real.gettext(message)

    def pgettext(context: str, message: str) -> str:
        seen.add((str(context), str(message), ""))
        return trans_real.pgettext(context, message)

    def ngettext(singular: str, plural: str, number: int) -> str:
        seen.add(("", str(singular), str(plural)))
        return trans_real.ngettext(singular, plural, number)

    def npgettext(context: str, singular: str, plural: str, number: int) -> str:
        seen.add((str(context), str(singular), str(plural)))
        return trans_real.npgettext(context, singular, plural, number)

    with monkeypatch.context() as patch:
        for function in (gettext, pgettext, ngettext, npgettext):
            patch.setattr(translation._trans, function.__name__, function, raising=False)
        yield seen


def untranslated(seen: set[Lookup]) -> list[str]:
    """The message ids the Spanish catalogue (Crecer's, Django's and the apps') leaves alone."""
    catalog = trans_real.translation("es")._catalog
    spanish = {value for _key, value in catalog.items()}
    missing = []
    for context, singular, plural in seen:
        if not singular.strip() or PLACEHOLDER.fullmatch(singular.strip()):
            continue
        if singular in spanish:  # a translation translated again (Django's language names)
            continue
        key = f"{context}\x04{singular}" if context else singular
        if not catalog.get((key, 0) if plural else key):
            missing.append(f"{context}|{singular}" if context else singular)
    return sorted(missing)


def english_sentences() -> re.Pattern[str]:
    """Crecer's English messages of three words or more (the parts between placeholders) that
    their Spanish does not repeat: none may show on a Spanish page."""
    with CATALOGUE.open("rb") as file:
        ours = gnu.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    sentences = set()
    for key, spanish in ours.items():
        english = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
        for piece in PLACEHOLDER.split(english):
            piece = " ".join(piece.split()).strip(" ,.;:()#")
            if len(piece.split()) >= 3 and piece not in spanish:
                sentences.add(piece)
    longest_first = sorted(sentences, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in longest_first))


# English words that no Spanish sentence holds: text that never went through gettext.
ENGLISH_WORDS = re.compile(r"\b(?:the|and|with|of|to|for|from|is|are|was|this|which)\b")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    """A page's text as a reader meets it: its elements' text and the attributes read out or
    shown on hover, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._hidden += tag in ("script", "style")
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def problems_of(
    client: Client,
    visit: Visit,
    monkeypatch,
    english: re.Pattern[str],
    tolerated: re.Pattern[str] | None = None,
) -> list:
    """``tolerated``: parts of the page's HTML left out of the English checks."""
    path, params = visit
    with recorded(monkeypatch) as seen:
        response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="es")
        body = b"".join(response.streaming_content) if response.streaming else response.content
    found = [("untranslated", msgid) for msgid in untranslated(seen)]
    if response.status_code >= 500:
        found.append(("status", str(response.status_code)))
    if "html" in response.get("Content-Type", ""):
        html = body.decode("utf-8", errors="replace")
        text = VisibleText.of(tolerated.sub(" ", html) if tolerated else html)
        found += [("English", match) for match in sorted(set(english.findall(text)))]
        found += [("English words", around(text, m)) for m in ENGLISH_WORDS.finditer(text)]
    return [(path, kind, what) for kind, what in found]


def around(text: str, found: re.Match[str]) -> str:
    return text[max(0, found.start() - 40) : found.end() + 40]


USERS = [
    ("", ""),  # nobody logged in: the public pages and the login page
    ("administrator", "PE"),
    ("registry_officer", HOME),
    ("registry_officer", "centers:" + CENTER),
    ("health_worker", "facility:" + FACILITY),
    ("health_worker", HOME),
    ("program_manager", "05"),
    ("analyst", "0501"),
    ("analyst+", "0501"),  # with personal data
    ("auditor", HOME),
]


@pytest.mark.parametrize(("role", "scope"), USERS, ids=lambda value: value or "anonymous")
def test_every_page_is_in_spanish(world, make_user, monkeypatch, role, scope):
    client = Client()
    if role:
        name = f"{role.rstrip('+')}_{scope.replace(':', '_')}{'_named' * role.endswith('+')}"
        user = make_user(name, role.rstrip("+"), scope, personal_data=role.endswith("+"))
        client.force_login(user)
    english = english_sentences()
    problems = [
        p for visit in visits(world) for p in problems_of(client, visit, monkeypatch, english)
    ]
    assert problems == [], "\n".join(" · ".join(problem) for problem in problems)


def test_every_route_with_arguments_is_visited():
    needing = {name for name, has_arguments in routes().items() if has_arguments}
    assert needing - set(PROBES) - set(SKIPPED) == set(), "add a probe to PROBES"
    assert set(PROBES) | set(SKIPPED) <= set(routes()), "PROBES names a route that is gone"


# --- the checks themselves fail -----------------------------------------------------------------


def test_a_message_missing_from_the_catalogue_is_reported(monkeypatch):
    template = Template("{% load i18n %}{% trans 'Open data' %} {% trans 'Xyzzy plugh' %}")
    with translation.override("es"), recorded(monkeypatch) as seen:
        html = template.render(Context())
    assert html == "Datos abiertos Xyzzy plugh"
    assert untranslated(seen) == ["Xyzzy plugh"]


def test_an_english_reason_shown_as_stored_is_reported():
    english = english_sentences()
    shown = VisibleText.of("<td>merge: #5 is a duplicate of #2 (la misma niña)</td>")
    assert english.findall(shown) == ["is a duplicate of"]
    assert english.findall(VisibleText.of("<td>fusión: #5 es un duplicado de #2</td>")) == []


def admin_visits(world: World) -> Iterator[Visit]:
    """The admin site's index, each model's list and add form, and the child's change and
    history pages."""
    from django.contrib import admin

    yield reverse("admin:index"), {}
    for model in admin.site._registry:
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {}
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), {}
    for page in ("change", "history"):
        yield reverse(f"admin:registry_child_{page}", args=[world.child.pk]), {}


# Django stores permission names in English ("Can view …", as the models are migrated), and
# django-axes names its log entries in English ("Access Log for … @ …"): neither comes from a
# message id, so no catalogue can give them in Spanish.
ADMIN_TOLERATED = re.compile(
    r'<select name="permissions".*?</select>|<select name="user_permissions".*?</select>'
    r"|Access Log for [^<]*|Attempted Access: [^<]*|Failed access: [^<]*",
    re.DOTALL,
)


def test_the_admin_site_is_in_spanish(world, make_user, monkeypatch):
    user = make_user("administrador", "administrator", "PE")
    user.is_staff = user.is_superuser = True  # as crecer createuser makes an administrator
    user.save()
    client = Client()
    client.force_login(user)
    english = english_sentences()
    problems = [
        p
        for visit in admin_visits(world)
        for p in problems_of(client, visit, monkeypatch, english, ADMIN_TOLERATED)
    ]
    assert problems == [], "\n".join(" · ".join(problem) for problem in problems)


@pytest.mark.parametrize(
    ("stored", "spanish", "english"),
    [
        ("registered", "registrado", "registered"),
        (
            "linked to outside list run #3",
            "vinculado por la lista externa de la ejecución #3",
            None,
        ),
        (
            "merge: #5 is a duplicate of #2 (misma niña)",
            "fusión: #5 es un duplicado de #2 (misma niña)",
            None,
        ),
        ("automatic: match weight 12.3", "automático: peso de coincidencia 12.3", None),
        ("la madre trajo el DNI", "la madre trajo el DNI", None),  # a person's words, as typed
        ("import del padrón", "importación de del padrón", None),
    ],
)
def test_a_stored_reason_reads_in_each_language(stored, spanish, english):
    from crecer.registry.history_reasons import shown

    with translation.override("es"):
        assert shown(stored) == spanish
    with translation.override("en"):
        assert shown(stored) == (english or stored)


def test_a_reason_cut_by_the_history_column_is_still_recognised():
    from crecer.registry.history_reasons import STORED_LENGTH, shown

    stored = f"merge: #5 is a duplicate of #2 ({'x' * 200})"[:STORED_LENGTH]
    with translation.override("es"):
        assert shown(stored).startswith("fusión: #5 es un duplicado de #2 (xxx")
    assert shown("tested (adm") == "tested (adm"  # short: never taken for a cut reason
    typed = "la madre trajo el DNI " * 5  # a person's words, as long as the column holds
    assert shown(typed[:STORED_LENGTH]) == typed[:STORED_LENGTH]


# --- the catalogue itself ---------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    translations: list[str]
    fuzzy: bool


def po_entries(path: Path) -> list[Entry]:
    """The entries of a .po file as makemessages writes it: blocks apart by a blank line, each
    its comments (``#, fuzzy``) and then its quoted fields."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        field = ""
        for line in block.splitlines():
            if line.startswith(("msgctxt ", "msgid", "msgstr")):
                field, _space, quoted = line.partition(" ")
                fields[field] = ast.literal_eval(quoted)
            elif line.startswith('"') and field:
                fields[field] += ast.literal_eval(line)
        if fields.get("msgid"):  # not the header
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
            translations = [text for name, text in fields.items() if name.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], translations, fuzzy))
    return entries


def test_the_catalogue_is_complete_and_compiled():
    """Every message id in the .po has a Spanish text, none is left fuzzy (a fuzzy one is not
    used), and the compiled .mo holds them all (compilemessages was run)."""
    entries = po_entries(CATALOGUE.with_suffix(".po"))
    assert len(entries) > 500
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if not all(e.translations)] == []
    with CATALOGUE.open("rb") as file:
        compiled = gnu.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    ids = {(key[0] if isinstance(key, tuple) else key).split("\x04")[-1] for key in compiled}
    assert [e.msgid for e in entries if e.msgid not in ids] == []


@pytest.mark.parametrize("status", [403, 404, 500])
def test_the_error_pages_are_in_spanish(status, monkeypatch, rf):
    """The pages Django answers with when a view fails (500 included: no view renders it)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    handler = get_resolver().resolve_error_handler(status)
    request = rf.get("/anywhere/", HTTP_ACCEPT_LANGUAGE="es")
    exception = {403: PermissionDenied(), 404: Http404()}.get(status)
    with translation.override("es"), recorded(monkeypatch) as seen:
        response = handler(request) if exception is None else handler(request, exception)
    assert response.status_code == status
    assert '<html lang="es">' in response.content.decode()
    assert untranslated(seen) == []
    text = VisibleText.of(response.content.decode())
    assert english_sentences().findall(text) == []
    assert ENGLISH_WORDS.findall(text) == []
