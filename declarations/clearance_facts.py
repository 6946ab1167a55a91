"""The facts of a declaration's API representation that the clearance pipeline's owner keeps on its own rows: the
next step of the release mode, the trace code and the certificate number.

Declarations sits below that app (release) and does not import it: release registers, once in its
``AppConfig.ready()``, how to read them, both from the database and from a declaration its pipeline moved in this
request (without reading it back)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Value

FIELDS = ("next_step", "trace_code", "certificate_number")


@dataclass(frozen=True)
class ClearanceFactsReader:
    # {field: query expression}: the facts as annotations of a queryset of declarations.
    annotations: Callable[[], dict]
    # {field: value}: the facts of a declaration the pipeline moved in this request, from the rows on the instance.
    of_moved: Callable[[object], dict]


_NONE = ClearanceFactsReader(
    annotations=lambda: {"next_step": Value(""), "trace_code": Value(None), "certificate_number": Value(None)},
    of_moved=lambda declaration: {"next_step": "", "trace_code": None, "certificate_number": None},
)
_reader = _NONE


def clearance_facts_register(reader: ClearanceFactsReader) -> None:
    global _reader
    _reader = reader


def clearance_facts_annotations() -> dict:
    return _reader.annotations()


def clearance_facts_of_moved(declaration) -> dict:
    return _reader.of_moved(declaration)
