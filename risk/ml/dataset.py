"""Rows for the model: from a KCS file, or from the portal's declarations with outcomes."""

from __future__ import annotations

import csv

from django.core.exceptions import ObjectDoesNotExist

from .features import KCS_COLUMNS, LABEL, NEVER_READ


def read_kcs(path, *, with_labels: bool = False) -> tuple[list[dict], list[int] | None]:
    """The rows of a KCS file (dicts keyed by column name, label columns dropped) and, if asked, ``Fraud``.

    ``Critical Fraud`` is never read. Without ``with_labels`` no label column is read at all.
    """
    rows, labels = [], [] if with_labels else None
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("Declaration ID", "HS6 Code") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"not a KCS file: missing column(s) {', '.join(missing)}")
        if with_labels and LABEL not in reader.fieldnames:
            raise ValueError("the file has no Fraud column: it cannot be used for training or evaluation")
        for record in reader:
            if with_labels:
                labels.append(int(float(record[LABEL] or 0)))
            for column in NEVER_READ:
                record.pop(column, None)
            rows.append(record)
    return rows, labels


def read_kcs_label(path, column: str) -> list[int]:
    """One label column of a labelled KCS file (e.g. ``Critical Fraud``), in row order, for evaluation only: it is
    compared with scores made without it, never a feature."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise ValueError(f"the file has no {column} column")
        return [int(float(record[column] or 0)) for record in reader]


def _kcs_transport(mode: str) -> str:
    return {"sea": "10", "rail": "20", "road": "30", "air": "40", "post": "50"}.get(mode, "90")


def _party(declaration, field, prefix) -> str:
    """A party's identifier: for historical imports the original KCS id (kept by the declarations import in
    Enterprise.external_id as KCS-IMP-<id> / KCS-SEL-<id>), so that a model trained from the database also scores
    KCS files; otherwise the enterprise's primary key (no query)."""
    pk = getattr(declaration, f"{field}_id")
    if not pk:
        return ""
    if declaration.source == "historical":
        external = getattr(getattr(declaration, field), "external_id", "") or ""
        if external.startswith(prefix):
            return external[len(prefix):]
    return str(pk)


def line_row(declaration, line, extra: dict | None = None) -> dict:
    """One goods line of a portal declaration in the KCS row shape (historical attributes in ``extra``)."""
    extra = extra or {}
    date = declaration.submitted_at or declaration.created_at
    row = {
        "Declaration ID": declaration.number,
        "Date": date.date().isoformat() if date else "",
        "Office ID": declaration.port_of_entry,
        "Mode of Transport": _kcs_transport(declaration.transport_mode),
        "Declarant ID": declaration.declarant_ref or str(declaration.created_by_id or ""),
        "Importer ID": _party(declaration, "enterprise", "KCS-IMP-"),
        "Seller ID": _party(declaration, "consignor", "KCS-SEL-"),
        "Courier ID": "",
        "HS6 Code": (line.hs_code or "")[:6],
        "Country of Departure": declaration.departure_country,
        "Country of Origin": line.origin_country,
        "Net Mass": float(line.net_weight_kg) if line.net_weight_kg is not None else "",
        "Item Price": float(line.value),
    }
    for column in KCS_COLUMNS:
        if column in extra and extra[column] not in (None, ""):
            row[column] = extra[column]
    return row


HISTORICAL_FIELDS = {
    "office_id": "Office ID", "process_type": "Process Type", "import_type": "Import Type",
    "import_use": "Import Use", "payment_type": "Payment Type", "transport_mode_code": "Mode of Transport",
    "courier_id": "Courier ID", "tax_rate": "Tax Rate", "tax_type": "Tax Type",
    "origin_indicator": "Country of Origin Indicator", "net_mass": "Net Mass", "item_price": "Item Price",
}


def historical_extra(declaration) -> dict:
    """The KCS-only columns the declarations app keeps for historical imports (``Declaration.historical``,
    a declarations.HistoricalAttributes row); {} for portal declarations (no query)."""
    if declaration.source != "historical":
        return {}

    try:
        attrs = declaration.historical
    except ObjectDoesNotExist:
        return {}
    return {column: getattr(attrs, name) for name, column in HISTORICAL_FIELDS.items()}
