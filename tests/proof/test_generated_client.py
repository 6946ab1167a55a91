"""A partner's generated client works: openapi-python-client (requirements-dev.txt) generates a client from the
schema the portal serves to a Chinese reader; every operation module imports, and the client files a declaration
with its goods lines, uploads its document and submits it against a live server."""

import datetime
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from declarations.choices import DocumentKind
from declarations.models import DocumentRequirement
from tests.declarations.conftest import PDF
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.slow
PACKAGE = "ciq_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).parent / "openapi-python-client")
    root = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = DjangoClient().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert schema.status_code == 200
    (root / "schema.json").write_bytes(schema.content)
    (root / "config.yaml").write_text(f"package_name_override: {PACKAGE}\nproject_name_override: ciq-client\n")
    subprocess.run([generator, "generate", "--path", str(root / "schema.json"), "--output-path",
                    str(root / PACKAGE), "--meta", "none", "--config", str(root / "config.yaml")],
                   check=True, capture_output=True, timeout=120)
    sys.path.insert(0, str(root))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(root))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_every_operation_module_imports(generated):
    api = importlib.import_module(f"{PACKAGE}.api")
    modules = [m.name for m in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.") if not m.ispkg]
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported together
            failed.append(f"{name}: {exc!r}")
    assert len(modules) > 50 and not failed, failed


def test_the_client_files_and_submits_a_declaration(generated, reference_data, live_server, declarant_a):
    DocumentRequirement.objects.all().delete()
    api, models = f"{PACKAGE}.api", importlib.import_module(f"{PACKAGE}.models")
    token_create = importlib.import_module(f"{api}.auth.auth_token_create")
    declarations_create = importlib.import_module(f"{api}.declarations.declarations_create")
    documents_create = importlib.import_module(f"{api}.declarations.declarations_documents_create")
    submit = importlib.import_module(f"{api}.declarations.declarations_submit_create")
    retrieve = importlib.import_module(f"{api}.declarations.declarations_retrieve")
    types = importlib.import_module(f"{PACKAGE}.types")

    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    token = token_create.sync(client=anonymous, body=models.TokenRequestRequest(
        username=declarant_a.username, password=TEST_PASSWORD)).token
    client = generated.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token",
                                           raise_on_unexpected_status=True)

    line = models.GoodsLineWriteRequest(hs_code="0306170000", description="Frozen shrimps", origin_country="AU",
                                        quantity="1000", unit="kg", net_weight_kg="1000", gross_weight_kg="1100",
                                        value="12000", currency="USD")
    created = declarations_create.sync_detailed(client=client, body=models.DeclarationWriteRequest(
        port_of_entry="NGB", transport_mode=models.TransportModeEnum.SEA, bill_of_lading="COSU6301234567",
        containers=["CSQU3054383"], arrival_date=timezone.localdate() + datetime.timedelta(days=2),
        departure_country="AU", lines=[line]))
    assert created.status_code == 201, created.content
    declaration = created.parsed
    assert declaration.status == "draft" and len(declaration.lines) == 1

    upload = documents_create.sync_detailed(id=declaration.id, client=client, body=models.DocumentUploadRequest(
        kind=DocumentKind.INVOICE, file=types.File(payload=PDF, file_name="invoice.pdf",
                                                   mime_type="application/pdf")))
    assert upload.status_code == 201, upload.content

    submitted = submit.sync_detailed(id=declaration.id, client=client)
    assert submitted.status_code == 200, submitted.content
    assert submitted.parsed.status != "draft" and submitted.parsed.release_mode
    assert retrieve.sync(id=declaration.id, client=client).number == declaration.number
