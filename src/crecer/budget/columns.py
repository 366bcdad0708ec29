"""The columns of the three files the PAN pages read, with the headers the public extracts
give them (docs/budget.md lists them and says which layouts are confirmed).

- budget execution: MEF's open-data execution extract (ANO_EJE, MES_EJE, SEC_EJEC,
  PROGRAMA_PPTO, PRODUCTO_PROYECTO, ACTIVIDAD_ACCION_OBRA, ESPECIFICA_DET, MONTO_PIA…) and the
  "Consulta Amigable" query tool's words (Año, Mes, Unidad Ejecutora, Producto/Proyecto,
  PIA, PIM, Certificación, Compromiso Anual, Devengado, Girado). budget_pan.md confirms the
  meanings, ANO_EJE and PROGRAMA_PPTO; the other headers are an assumption.
- physical goals: a programming file per unit and product (layout not in the notes).
- facility stock: the medicine-supply system's monthly report (SISMED / ICI-like: saldo
  anterior, ingresos, consumo, stock final, fecha de vencimiento; layout not in the notes).

Headers are compared folded, as for every import (:mod:`crecer.ingest.columns`)."""

from __future__ import annotations

from crecer.ingest.columns import Columns

UNIT = {
    "unit": ["SEC_EJEC", "EJECUTORA", "Unidad Ejecutora", "Código ejecutora", "UE"],
    "unit_name": ["EJECUTORA_NOMBRE", "Nombre ejecutora", "Nombre de la unidad ejecutora"],
    "ubigeo": ["UBIGEO", "UBIGEO_EJECUTORA", "Ubigeo de la ejecutora"],
    "department": ["DEPARTAMENTO_EJECUTORA", "Departamento", "COD_DEPARTAMENTO"],
}
YEAR = ["ANO_EJE", "AÑO", "Año", "ANIO", "ANNO", "Año de ejecución"]

# The MEF extract's descriptive columns: the names of the codes read above and the
# classifications the PAN pages do not use. Known, so left unread without a warning (an
# assumption of their spelling, like the headers above: docs/budget.md).
MEF_DESCRIPTIVE = [
    *(f"{code}_NOMBRE" for code in (
        "NIVEL_GOBIERNO", "SECTOR", "PLIEGO", "DEPARTAMENTO_EJECUTORA", "PROVINCIA_EJECUTORA",
        "DISTRITO_EJECUTORA", "PROGRAMA_PPTO", "TIPO_ACT_PROY", "PRODUCTO_PROYECTO",
        "ACTIVIDAD_ACCION_OBRA", "FUNCION", "DIVISION_FUNCIONAL", "GRUPO_FUNCIONAL", "META",
        "DEPARTAMENTO_META", "FUENTE_FINANCIAMIENTO", "RUBRO", "TIPO_RECURSO",
        "CATEGORIA_GASTO", "GENERICA", "SUBGENERICA", "SUBGENERICA_DET", "ESPECIFICA",
        "ESPECIFICA_DET",
    )),
    "NIVEL_GOBIERNO", "SECTOR", "PLIEGO", "PROVINCIA_EJECUTORA", "DISTRITO_EJECUTORA",
    "SEC_FUNC", "TIPO_ACT_PROY", "FUNCION", "DIVISION_FUNCIONAL", "GRUPO_FUNCIONAL", "META",
    "FINALIDAD", "DEPARTAMENTO_META", "TIPO_RECURSO", "CATEGORIA_GASTO", "TIPO_TRANSACCION",
    "GENERICA", "SUBGENERICA", "SUBGENERICA_DET", "ESPECIFICA", "MONTO_COMPROMETIDO",
]  # fmt: skip

EXECUTION_COLUMNS = Columns(
    {
        "year": YEAR,
        "month": ["MES_EJE", "Mes", "MES"],
        **UNIT,
        "program": ["PROGRAMA_PPTO", "Programa presupuestal", "Categoría presupuestal", "PP"],
        "product": ["PRODUCTO_PROYECTO", "Producto/Proyecto", "Producto", "PROD_PROY"],
        "activity": [
            "ACTIVIDAD_ACCION_OBRA",
            "Actividad/Acción de Inversión/Obra",
            "Actividad",
            "ACT_PROY",
            "ACTIVIDAD_OBRA",
        ],
        "specific": [
            "ESPECIFICA_DET",
            "Específica de gasto",
            "Especifica",
            "CLASIFICADOR",
            "Clasificador de gasto",
        ],
        "source": ["FUENTE_FINANCIAMIENTO", "Fuente de financiamiento", "Fuente", "RUBRO"],
        "pia": ["MONTO_PIA", "PIA"],
        "pim": ["MONTO_PIM", "PIM"],
        "certified": ["MONTO_CERTIFICADO", "Certificación", "CERTIFICACION"],
        "committed": ["MONTO_COMPROMETIDO_ANUAL", "Compromiso Anual", "COMPROMISO_ANUAL"],
        "accrued": ["MONTO_DEVENGADO", "Devengado", "DEVENGADO"],
        "paid": ["MONTO_GIRADO", "Girado", "GIRADO", "Pagado"],
    },
    expected="MEF's execution extract headers (ANO_EJE, MES_EJE, SEC_EJEC, PROGRAMA_PPTO, "
    "PRODUCTO_PROYECTO, MONTO_PIM, MONTO_DEVENGADO…) or Consulta Amigable's (Año, Mes, Unidad "
    "Ejecutora, Producto/Proyecto, PIA, PIM, Devengado…)",
    required={
        "year": "fiscal year (ANO_EJE)",
        "month": "month (MES_EJE)",
        "unit": "implementing unit (SEC_EJEC)",
        "product": "product (PRODUCTO_PROYECTO)",
        "pim": "modified budget (PIM)",
        "accrued": "accrued (devengado)",
    },
    unread=MEF_DESCRIPTIVE,
)

GOAL_COLUMNS = Columns(
    {
        "year": YEAR,
        **UNIT,
        "product": ["PRODUCTO_PROYECTO", "Producto/Proyecto", "Producto", "PROD_PROY"],
        "goal": [
            "META_FISICA",
            "Meta física",
            "Cantidad programada",
            "PROGRAMADO",
            "META_FISICA_PROGRAMADA",
            "Meta",
        ],
    },
    expected="a programming file's headers (ANO_EJE, SEC_EJEC, PRODUCTO_PROYECTO, "
    "META_FISICA…) or Crecer's (year, unit, product, goal)",
    required={
        "year": "fiscal year",
        "unit": "implementing unit",
        "product": "product",
        "goal": "physical goal",
    },
)

STOCK_COLUMNS = Columns(
    {
        "facility": [
            "RENIPRESS",
            "COD_EESS",
            "CODIGO_RENAES",
            "Código del establecimiento",
            "COD_IPRESS",
            "CODIGO_EESS",
        ],
        "facility_name": ["NOMBRE_EESS", "Establecimiento", "EESS", "IPRESS"],
        "ubigeo": ["UBIGEO", "Ubigeo del establecimiento"],
        "year": YEAR,
        "month": ["MES", "Mes"],
        "period": ["PERIODO", "Periodo", "AÑO_MES", "ANNOMES"],
        "item": [
            "COD_MED",
            "MEDCOD",
            "Código del medicamento",
            "MEDICAMENTO",
            "DESCRIPCION",
            "Producto farmacéutico",
            "Insumo",
            "ITEM",
        ],
        "opening": ["SALDO_ANTERIOR", "Saldo anterior", "STOCK_INICIAL", "Stock inicial"],
        "received": ["INGRESOS", "Ingresos", "ENTRADAS", "Recibido", "CANTIDAD_RECIBIDA"],
        "dispensed": ["CONSUMO", "Consumo", "SALIDAS", "Distribuido", "DISPENSADO"],
        "closing": ["STOCK_FINAL", "Stock final", "SALDO_FINAL", "Saldo", "DISPONIBLE"],
        "expiry": ["FECHA_VENCIMIENTO", "Fecha de vencimiento", "FEC_VENC", "VENCIMIENTO"],
    },
    expected="the supply system's monthly report headers (COD_EESS, AÑO, MES or PERIODO, "
    "MEDICAMENTO, SALDO_ANTERIOR, INGRESOS, CONSUMO, STOCK_FINAL, FECHA_VENCIMIENTO) or "
    "Crecer's (facility, year, month, item, opening, received, dispensed, closing, expiry)",
    required={
        "facility": "facility code (RENIPRESS)",
        "item": "item",
        "closing": "closing stock",
    },
)
