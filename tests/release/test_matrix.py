"""The release-mode matrix: defaults, validation rules, versioned and audited edits (service, page, API)."""

import copy

import pytest
from django.core.exceptions import ValidationError

from ciq_portal.models import AuditEntry
from release import matrix, services
from release.models import ReleaseMatrixVersion
from release.selectors import release_matrix_current

from .factories import FakeAssessment, submitted_declaration


def cells(**changes):
    result = copy.deepcopy(matrix.DEFAULT_CELLS)
    for key, mode in changes.items():
        tier, grade = key.split("__")
        result[tier][grade] = mode
    return result


@pytest.mark.parametrize(("tier", "grade", "mode"), [
    ("low", "AA", "declare"), ("low", "B", "verify"), ("medium", "C", "sample"), ("high", "A", "sample"),
    ("very_high", "AA", "supervised"), ("low", "D", "supervised"), ("unknown", "B", "sample"), ("low", "ZZ", "verify"),
])
def test_defaults(tier, grade, mode):
    assert matrix.validate_cells(matrix.DEFAULT_CELLS) == {}
    assert matrix.mode_for(matrix.DEFAULT_CELLS, tier, grade) == mode


@pytest.mark.parametrize(("change", "key"), [
    ({"high__B": "declare"}, "high__B"),          # higher tier lighter than the tier below
    ({"low__C": "declare"}, "low__C"),            # worse grade lighter than the better one
    ({"very_high__AA": "verify"}, "very_high__AA"),  # very high risk needs at least sample-release
    ({"low__D": "verify"}, "low__D"),            # grade D needs at least sample-release
    ({"low__AA": "release_now"}, "low__AA"),      # not a mode
])
def test_validation_names_the_bad_cell(change, key):
    errors = matrix.validate_cells(cells(**change))
    assert key in errors


def test_missing_cells_and_bad_shape():
    assert "cells" in matrix.validate_cells("declare everything")
    broken = cells()
    del broken["medium"]["B"]
    assert "medium__B" in matrix.validate_cells(broken)


@pytest.mark.django_db
def test_update_is_versioned_audited_and_used(hs, draw, supervisor, officer, enterprise_a):
    with pytest.raises(ValidationError):
        services.release_matrix_update(cells=cells(low__B="declare"), actor=officer)  # officers may not edit
    with pytest.raises(ValidationError) as exc:
        services.release_matrix_update(cells=cells(high__B="declare"), actor=supervisor)
    assert "high__B" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.release_matrix_update(cells=cells(), actor=supervisor)  # unchanged
    version = services.release_matrix_update(cells=cells(low__B="declare"), note="pilot", actor=supervisor)
    assert version.version == 1 and release_matrix_current() == (1, version.cells)
    entry = AuditEntry.objects.get(action="release_matrix.update")
    assert entry.before["low"]["B"] == "verify" and entry.after["cells"]["low"]["B"] == "declare"
    decision = services.release_decide(declaration=submitted_declaration(enterprise_a),
                                       assessment=FakeAssessment(tier="low"), actor=None)
    assert decision.matrix_version == 1 and decision.mode == "declare"
    services.release_matrix_update(cells=cells(), note="back", actor=supervisor)
    assert ReleaseMatrixVersion.objects.count() == 2


@pytest.mark.django_db
def test_matrix_page_shows_errors_next_to_the_cell(client, supervisor, declarant_a):
    client.force_login(declarant_a)
    assert client.get("/release/matrix/").status_code == 403
    client.force_login(supervisor)
    assert client.get("/release/matrix/").status_code == 200
    data = {f"{t}__{g}": m for t, row in cells(very_high__AA="declare").items() for g, m in row.items()}
    response = client.post("/release/matrix/", {**data, "note": "bad"})
    assert response.status_code == 400
    assert response.context["form"].errors["very_high__AA"]
    data = {f"{t}__{g}": m for t, row in cells(medium__A="declare").items() for g, m in row.items()}
    assert client.post("/release/matrix/", {**data, "note": "ok"}).status_code == 302
    assert ReleaseMatrixVersion.objects.get().cells["medium"]["A"] == "declare"


@pytest.mark.django_db
def test_matrix_api(api_as, supervisor, declarant_a):
    assert api_as(declarant_a).get("/api/v1/release-matrix/").status_code == 403
    response = api_as(supervisor).get("/api/v1/release-matrix/")
    assert response.status_code == 200 and response.json()["version"] == 0
    bad = api_as(supervisor).post("/api/v1/release-matrix/", {"cells": cells(low__C="declare")}, format="json")
    assert bad.status_code == 400 and "low__C" in bad.json()["errors"]
    good = api_as(supervisor).post("/api/v1/release-matrix/", {"cells": cells(low__C="verify"), "note": "x"},
                                   format="json")
    assert good.status_code == 201 and good.json()["version"] == 1


@pytest.mark.django_db
def test_negative_list_validation(hs, supervisor):
    with pytest.raises(ValidationError) as exc:
        services.negative_list_add(kind="hs_prefix", value="02x", reason="", min_mode="declare", actor=supervisor)
    assert {"value", "reason", "min_mode"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.negative_list_add(kind="category", value="spaceships", reason="r", actor=supervisor)
    entry = services.negative_list_add(kind="hs_prefix", value="0201", reason="FMD", actor=supervisor)
    with pytest.raises(ValidationError):
        services.negative_list_add(kind="hs_prefix", value="0201", reason="again", actor=supervisor)
    services.negative_list_retire(entry=entry, actor=supervisor)
    services.negative_list_add(kind="hs_prefix", value="0201", reason="again", actor=supervisor)
