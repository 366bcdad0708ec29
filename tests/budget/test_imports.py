"""The three PAN imports: a small MEF execution extract, a goals file and a stock report with
good lines and one bad line for each quarantine reason; every line stored, quarantined with
its reason, or stored with a warning; unknown columns named (docs/budget.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from crecer.budget.imports import import_execution, import_goals, import_stock
from crecer.budget.models import ExecutingUnit, ExecutionRow, PhysicalGoal, StockRow
from crecer.territory.models import HealthFacility

pytestmark = pytest.mark.django_db

HEADER = (
    "ANO_EJE,MES_EJE,SEC_EJEC,EJECUTORA_NOMBRE,UBIGEO,PROGRAMA_PPTO,PRODUCTO_PROYECTO,"
    "ACTIVIDAD_ACCION_OBRA,ESPECIFICA_DET,MONTO_PIA,MONTO_PIM,MONTO_CERTIFICADO,"
    "MONTO_COMPROMETIDO_ANUAL,MONTO_DEVENGADO,MONTO_GIRADO,OBSERVACION\n"
)
UNIT = "001234,RED DE SALUD HUAMANGA,0501,0001"
EXTRACT = (
    HEADER
    # line 2: good (MEF's pages write thousands with commas)
    + f'2026,1,{UNIT},3033256,5000001,2.3.1.8.2.1,"100,000.00","120,000.00",50000,40000,'
    "30000,25000,M1\n"
    # line 3: good, the same key in February, with "S/ "
    + f'2026,2,{UNIT},3033256,5000001,2.3.1.8.2.1,0,0,0,0,"S/ 20,000.50",20000,M1\n'
    # line 4: accrued is not an amount
    + f"2026,3,{UNIT},3033256,5000001,2.3.1.8.2.1,0,0,0,0,abc,0,M1\n"
    # line 5: negative PIM
    + f"2026,4,{UNIT},3033256,5000001,2.3.1.8.2.1,0,-5,0,0,0,0,M1\n"
    # line 6: month 13
    + f"2026,13,{UNIT},3033256,5000001,2.3.1.8.2.1,0,0,0,0,0,0,M1\n"
    # line 7: a product the profile does not know
    + f"2026,5,{UNIT},3999999,5000001,2.3.1.8.2.1,0,0,0,0,0,0,M1\n"
    # line 8: another programme (0083, rural water)
    + "2026,5,001234,RED DE SALUD HUAMANGA,0501,0083,3033256,5000001,2.3,0,0,0,0,0,0,M1\n"
    # line 9: a year that is not one
    + f"20X6,5,{UNIT},3033256,5000001,2.3.1.8.2.1,0,0,0,0,0,0,M1\n"
    # line 10: the same key as line 2
    + f"2026,1,{UNIT},3033256,5000001,2.3.1.8.2.1,0,0,0,0,0,0,M1\n"
    # line 11: an ubigeo that does not exist
    + "2026,1,009999,UNIDAD X,999999,0001,3033256,5000001,2.3,0,0,0,0,0,0,M1\n"
    # line 12: the unit of line 2 in another territory
    + "2026,6,001234,RED DE SALUD HUAMANGA,0502,0001,3033256,5000001,2.3,0,0,0,0,0,0,M1\n"
    # line 13: good, but accrued (2,000) above the PIM (1,000): stored with a warning
    + f"2026,6,{UNIT},3033255,5000002,2.3.1.8.2.1,0,1000,0,0,2000,0,M2\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_execution_extract_good_and_bad_lines(tmp_path):
    run = import_execution(write(tmp_path, "siaf.csv", EXTRACT))
    assert (run.rows_read, run.created, run.quarantined) == (12, 3, 9)
    assert run.adds_up
    reasons = {
        row.line: [r.split("\x1f")[0] for r in row.reasons] for row in run.quarantined_rows.all()
    }
    assert reasons == {
        4: ["budget_bad_amount"],
        5: ["budget_negative"],
        6: ["budget_bad_month"],
        7: ["budget_unknown_product"],
        8: ["budget_other_program"],
        9: ["budget_bad_year"],
        10: ["budget_duplicate"],
        11: ["budget_unknown_territory"],
        12: ["budget_unit_territory_differs"],
    }
    assert run.ignored_columns == ["OBSERVACION"]
    assert [line for line, _text in run.warnings] == [13]
    unit = ExecutingUnit.objects.get()
    assert (unit.code, unit.name, unit.ubigeo) == ("001234", "RED DE SALUD HUAMANGA", "0501")
    january = ExecutionRow.objects.get(month=1)
    assert (january.product, january.pia, january.pim) == (
        "iron_supplement", Decimal("100000.00"), Decimal("120000.00"),
    )  # fmt: skip
    assert ExecutionRow.objects.get(month=2).accrued == Decimal("20000.50")
    again = import_execution(write(tmp_path, "siaf.csv", EXTRACT))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_consulta_amigable_words_and_code_name_cells(tmp_path):
    text = (
        "Año;Mes;Unidad Ejecutora;Departamento;Producto/Proyecto;PIA;PIM;Certificación;"
        "Compromiso Anual;Devengado;Girado\n"
        "2026;Marzo;000869: GOBIERNO REGIONAL AYACUCHO - SALUD;05;"
        "3033255: NIÑOS CON CRED COMPLETO SEGUN EDAD;0;159.143,00;127.864;127.864;127.864;127.864\n"
    )
    run = import_execution(write(tmp_path, "amigable.csv", text))
    assert (run.created, run.quarantined) == (1, 0), list(run.quarantined_rows.values("reasons"))
    row = ExecutionRow.objects.get()
    # The 2019 example of budget_pan.md: PIM 159,143, accrued 127,864 (80.3 %).
    assert (row.unit_id, row.month, row.product) == ("000869", 3, "cred_complete")
    assert (row.pim, row.accrued) == (Decimal("159143.00"), Decimal("127864.00"))
    assert round(float(row.accrued / row.pim) * 100, 1) == 80.3
    assert ExecutingUnit.objects.get().name == "GOBIERNO REGIONAL AYACUCHO - SALUD"


def test_a_regional_importer_cannot_load_another_regions_money(tmp_path, make_user):
    officer = make_user("ayacucho", "registry_officer", "05")
    text = HEADER + (
        f"2026,1,{UNIT},3033256,5000001,2.3,0,100,0,0,50,0,M\n"
        "2026,1,007777,RED DE SALUD CUSCO,0801,0001,3033256,5000001,2.3,0,100,0,0,50,0,M\n"
    )
    run = import_execution(write(tmp_path, "two.csv", text), user=officer)
    assert (run.created, run.quarantined) == (1, 1)
    assert run.quarantined_rows.get().reasons[0].startswith("budget_outside_scope")


def test_goals_file(tmp_path):
    text = (
        "ANO_EJE,SEC_EJEC,EJECUTORA_NOMBRE,UBIGEO,PRODUCTO_PROYECTO,META_FISICA,UNIDAD_MEDIDA\n"
        "2026,001234,RED DE SALUD HUAMANGA,0501,3033256,500,NIÑO\n"  # good
        # good, the product by Crecer's id
        '2026,001234,RED DE SALUD HUAMANGA,0501,pregnant_iron_folic,"1,200",GESTANTE\n'
        "2026,001234,RED DE SALUD HUAMANGA,0501,3033255,12.5,NIÑO\n"  # not whole
        "2026,001234,RED DE SALUD HUAMANGA,0501,3033254,-3,NIÑO\n"  # negative
        "2026,001234,RED DE SALUD HUAMANGA,0501,3033256,400,NIÑO\n"  # duplicate of line 2
        "2026,001235,NUEVA UNIDAD,,3033256,400,NIÑO\n"  # a new unit without territory
    )
    run = import_goals(write(tmp_path, "metas.csv", text))
    assert (run.created, run.quarantined) == (2, 4)
    reasons = {row.line: row.reasons[0].split("\x1f")[0] for row in run.quarantined_rows.all()}
    assert reasons == {
        4: "budget_bad_goal", 5: "budget_negative", 6: "budget_duplicate", 7: "budget_missing",
    }  # fmt: skip
    assert run.ignored_columns == ["UNIDAD_MEDIDA"]
    goals = dict(PhysicalGoal.objects.values_list("product", "units"))
    assert goals == {"iron_supplement": 500, "pregnant_iron_folic": 1200}


STOCK_HEADER = (
    "COD_EESS,NOMBRE_EESS,UBIGEO,AÑO,MES,MEDICAMENTO,SALDO_ANTERIOR,INGRESOS,CONSUMO,"
    "STOCK_FINAL,FECHA_VENCIMIENTO,LOTE\n"
)


def test_stock_report(tmp_path):
    HealthFacility.objects.create(renipress_code="00003452", name="PS HOME", district_id="050101")
    text = STOCK_HEADER + (
        "3452,PS HOME,,2026,10,SULFATO FERROSO GOTAS,10,20,15,15,31/12/2027,L1\n"  # good (padded)
        "3452,PS HOME,,2026,10,MICRONUTRIENTES,300,0,90,200,31/12/2027,L2\n"  # 210 ≠ 200: warning
        "3452,PS HOME,,2026,13,MICRONUTRIENTES,0,0,0,0,,L3\n"  # month 13
        "3452,PS HOME,,2026,10,PARACETAMOL,0,0,0,0,,L4\n"  # not a supply item of the profile
        "3452,PS HOME,,2026,9,JARABE,-1,0,0,5,,L5\n"  # negative opening
        "3452,PS HOME,,2026,9,JARABE,0,0,0,x,,L6\n"  # closing is not an amount
        "99999999,PS LEJOS,,2026,9,JARABE,0,0,0,5,,L7\n"  # unknown facility, no ubigeo
        "12345678,PS NUEVO,050403,2026,9,JARABE,0,5,0,5,2027-13-01,L8\n"  # bad expiry date
        "3452,PS HOME,,2026,10,HIERRO GOTAS,0,0,0,1,,L9\n"  # duplicate of line 2 (same item)
        "A-12,PS HOME,,2026,10,JARABE,0,0,0,1,,L10\n"  # not a RENIPRESS code
    )
    run = import_stock(write(tmp_path, "ici.csv", text))
    assert (run.created, run.quarantined) == (2, 8)
    reasons = {row.line: row.reasons[0].split("\x1f")[0] for row in run.quarantined_rows.all()}
    assert reasons == {
        4: "budget_bad_month", 5: "budget_unknown_item", 6: "budget_negative",
        7: "budget_bad_amount", 8: "budget_unknown_facility", 9: "budget_bad_date",
        10: "budget_duplicate", 11: "budget_bad_facility",
    }, reasons  # fmt: skip
    assert [line for line, _t in run.warnings] == [3]
    assert run.ignored_columns == ["LOTE"]
    drops = StockRow.objects.get(item="iron_drops")
    assert (drops.facility_code, drops.district_id, drops.month) == (
        "00003452", "050101", date(2026, 10, 1),
    )  # fmt: skip
    assert drops.expiry == date(2027, 12, 31)


def test_the_command_names_unknown_columns_and_imports(tmp_path):
    path = str(write(tmp_path, "e.csv", EXTRACT))
    with pytest.raises(CommandError, match="OBSERVACION"):
        call_command("import", "budget-execution", path, stdout=StringIO())
    call_command("import", "budget-execution", path, "--ignore-unknown-columns", stdout=StringIO())
    assert ExecutionRow.objects.count() == 3


def test_the_extract_as_it_comes_with_its_descriptive_columns(tmp_path):
    # MEF's open-data extract carries the names of its codes and classifications the PAN
    # pages do not use: known, so the file imports as it comes, with no flag.
    header = (
        "ANO_EJE,MES_EJE,NIVEL_GOBIERNO,NIVEL_GOBIERNO_NOMBRE,SEC_EJEC,EJECUTORA_NOMBRE,"
        "UBIGEO,PROGRAMA_PPTO,PROGRAMA_PPTO_NOMBRE,PRODUCTO_PROYECTO,PRODUCTO_PROYECTO_NOMBRE,"
        "ACTIVIDAD_ACCION_OBRA,FUNCION_NOMBRE,META,META_NOMBRE,ESPECIFICA_DET,MONTO_PIA,"
        "MONTO_PIM,MONTO_CERTIFICADO,MONTO_COMPROMETIDO_ANUAL,MONTO_DEVENGADO,MONTO_GIRADO\n"
    )
    line = (
        "2026,1,R,GOBIERNOS REGIONALES,001234,RED DE SALUD HUAMANGA,0501,0001,"
        "PROGRAMA ARTICULADO NUTRICIONAL,3033256,NIÑOS CON CRED COMPLETO PARA SU EDAD,5000001,"
        "SALUD,0012,ATENCION DEL NIÑO,2.3.1.8.2.1,100000,120000,50000,40000,30000,25000\n"
    )
    path = str(write(tmp_path, "mef.csv", header + line))
    call_command("import", "budget-execution", path, stdout=StringIO())
    assert ExecutionRow.objects.count() == 1
