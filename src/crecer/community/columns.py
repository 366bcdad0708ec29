"""The columns of the PIM home-visit application's export (Compromiso 1 / Meta 4), named as
the export writes them (incentives.md, "Home-visit app export"): the child's fields and the
visit's, one row per visit. Headers are compared folded, as for every import
(:mod:`crecer.ingest.columns`); Crecer's own names are accepted too. The child's monthly
totals of the export (valid visits and calls, complete visits) are Crecer's to recompute
(:mod:`crecer.visits`), so they are known and left unread."""

from __future__ import annotations

from crecer.ingest.columns import Columns

VISIT_COLUMNS = Columns(
    {
        "document": ["Número de Documento", "Numero de Documento", "DNI", "CNV", "Documento"],
        "external_id": ["External ID", "ID Externo"],
        "facility": ["Establecimiento Salud del Actor Social Sectorizado", "Establecimiento"],
        "agent_name": ["Actor Social", "Agente comunitario", "Facilitadora"],
        "birth_date": ["Fecha Nac.", "Fecha Nac", "Fecha de nacimiento"],
        "age_band": ["Rango de edad", "Rango edad"],
        "mother_document": ["Dni de la madre", "DNI madre"],
        "not_found": ["Es no encontrado", "No encontrado"],
        "sampled": ["Es elegido en la muestra o monitoreo", "Muestra"],
        "device": ["Dispositivo"],
        "duration": ["Duración", "Duracion", "Duración (min)"],
        "limit_reason": ["Motivo de límite excedido", "Motivo de limite excedido"],
        "app_status": ["Estado de Visita", "Estado visita"],
        "record_type": ["Tipo de Registro", "Tipo registro"],
        "stage": ["Etapa VD", "Etapa"],
        "date": ["Fecha de Intervención", "Fecha de Intervencion", "Fecha de visita", "Fecha"],
        "result": ["Resultado"],
        "exclusive_breastfeeding": ["Lactancia materna exclusiva"],
        "iron_or_mmn": ["Consume hierro o micronutrientes", "Consumo de hierro"],
        "hand_washing": ["Lavado de manos"],
        "safe_water": ["Agua segura"],
        "danger_signs": ["Signos de alarma"],
        "referred": ["Referido", "Referencia"],
    },
    expected="the home-visit application's headers (Número de Documento, Actor Social, "
    "Fecha de Intervención, Duración, Estado de Visita, Tipo de Registro…) or Crecer's "
    "(document, agent_name, date, duration…)",
    required={"document": "child's document", "date": "date of the visit"},
    unread=[
        "Número de Visitas completas",
        "Total de visitas válidas realizadas",
        "Total de llamadas válidas realizadas",
        "Mes",
        "Año",
        "Meses",
        "Nombres",
        "Fecha Mínima de Intervención",
        "Fecha Máxima de Intervención",
        "Intervenciones",
        "estado",
        "Inactivado Permanentemente",
        "Paciente con anemia",
    ],
)
