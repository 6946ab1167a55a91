"""A bureau sets up and runs the portal from an empty database, in a real browser, with a real worker and mail server.

The database is migrated and empty (no demo); ``manage.py bootstrap_admin`` creates the one administrator, as the
compose stack does. Everything else happens on the portal's pages, in the order README "Running a bureau" gives:
the administrator creates a site, two officers and their week's roster, a test item with its limit, a laboratory
with its scope and the release policy, and invites a supervisor; an importer and a customs broker apply online and
are approved; each applicant sets a password from the mail the worker sent through the SMTP server; the importer's
administrator invites a declarant and delegates to the broker; the broker's administrator invites a declarant, who
files and submits a declaration for the importer. One officer has declared a conflict of interest with the
importer, which the supervisor acknowledged: the worker dispatches the consignment to the other rostered officer,
who inspects, samples and records a lab result judged against the limits table; the consignment is released; a
recall notice reaches the buyer through the SMTP server. Screenshots of each step go to the folder the test prints.
"""

import csv
import io
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from ..factories import make_uscc
from .helpers import PDF, log_in, log_out, main_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres, pytest.mark.worker, pytest.mark.redis]

ADMIN, ADMIN_PASSWORD = "bureau_admin", "Quay-cranes-at-dawn-2026"
PASSWORD = "Harbour-lights-0417"
SUPERVISOR = "sun.li@bureau.example"
SHRIMP = "0306170000"  # frozen shrimps: aquatic goods, inspected at a cold-chain site
IMPORTER = {"uscc": make_uscc(8801), "name_zh": "宁波海鲜进口有限公司", "name_en": "Ningbo Seafood Imports Co., Ltd.",
            "contact_name": "陈红", "contact_email": "chen.hong@seafood.example"}
BROKER = {"uscc": make_uscc(8802), "name_zh": "北仑报关有限公司", "name_en": "Beilun Customs Brokerage Co., Ltd.",
          "contact_name": "王强", "contact_email": "wang.qiang@broker.example"}
OFFICERS = {"on_duty": ("NB0101", "liuyang", "刘", "洋"), "conflicted": ("NB0102", "zhaomin", "赵", "敏")}


@pytest.fixture
def empty_bureau(reference_data, monkeypatch):
    """A migrated database (with the reference data the migrations seed) and its first administrator, created
    the way a new installation creates it."""
    monkeypatch.setenv("ADMIN_USERNAME", ADMIN)
    monkeypatch.setenv("ADMIN_EMAIL", "admin@bureau.example")
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN_PASSWORD)
    call_command("bootstrap_admin")


@pytest.fixture
def mail_and_worker(smtp_server, monkeypatch, request):
    """The SMTP server in this process, and a real Celery worker that sends the portal's mail to it."""
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    return smtp_server, request.getfixturevalue("celery_worker_process")


def submit(page, form="main form[method=post]"):
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)
    return found


def mail_to(smtp, address, worker, seconds=30):
    """The last message the SMTP server received for ``address`` (waiting for the worker to send it)."""
    def received():
        return [m for m in smtp.messages if address in m["To"]]

    try:
        return wait_for(received, f"a mail to {address}", seconds)[-1]
    except AssertionError:
        raise AssertionError(f"no mail to {address}; worker log:\n{worker['log'].read_text()[-3000:]}") from None


def set_password_from_mail(page, message, username, shots, name):
    """Open the set-password link of a mail, choose a password, log in with it."""
    body = message.get_body(("plain",)).get_content()
    path = re.search(r"(/accounts/reset/\S+/)", body).group(1)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.fill("[name=new_password1]", PASSWORD)
    page.fill("[name=new_password2]", PASSWORD)
    shots(page, f"{name}-sets-password")
    submit(page)
    log_in(page, username, PASSWORD)


# --- The administrator sets up the bureau -------------------------------------------------------------------------

def create_site(page, shots):
    page.goto("/inspection/sites/new/")
    page.fill("[name=code]", "NGB-CC")
    page.fill("[name=name]", "北仑冷链查验中心")
    page.fill("[name=name_en]", "Beilun cold-chain centre")
    page.select_option("[name=kind]", "cold_chain")
    page.fill("[name=port]", "NGB")
    page.fill("[name=capacity_per_day]", "40")
    page.check("input[name=capabilities][value=cold_chain]")
    shots(page, "admin-site-form")
    submit(page)
    assert "NGB-CC" in main_text(page), main_text(page)[:600]
    shots(page, "admin-site-created")


def create_test_item_and_limit(page, shots):
    page.goto("/inspection/test-items/new/")
    page.fill("[name=code]", "chloramphenicol")
    page.fill("[name=name]", "氯霉素")
    page.fill("[name=name_en]", "Chloramphenicol")
    page.fill("[name=unit]", "µg/kg")
    submit(page)
    limit = page.locator("form[action$='/limits/']")
    limit.locator("[name=category]").select_option("aquatic")
    limit.locator("[name=limit_max]").fill("0.3")
    limit.locator("[name=unit]").fill("µg/kg")
    limit.locator("[name=valid_from]").fill(timezone.localdate().isoformat())
    limit.locator("[name=basis]").fill("GB 31650-2019")
    shots(page, "admin-limit-form")
    limit.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "0.3" in main_text(page), main_text(page)[:600]
    shots(page, "admin-limit-added")


def create_lab(page, shots):
    page.goto("/inspection/labs/new/")
    page.fill("[name=name]", "宁波水产品检测中心")
    page.fill("[name=name_en]", "Ningbo Aquatic Products Testing Centre")
    page.fill("[name=accreditation_no]", "CNAS L8801")
    page.fill("[name=valid_from]", (timezone.localdate() - timedelta(days=365)).isoformat())
    page.fill("[name=valid_until]", (timezone.localdate() + timedelta(days=365)).isoformat())
    page.check("input[name=scope_categories][value=aquatic]")
    items = page.locator("[name=scope_test_items]")
    if items.evaluate("e => e.tagName") == "SELECT":
        items.select_option("chloramphenicol")
    elif items.get_attribute("type") == "checkbox":
        page.check("input[name=scope_test_items][value=chloramphenicol]")
    else:
        items.fill("chloramphenicol")
    shots(page, "admin-lab-form")
    submit(page)
    assert "CNAS L8801" in main_text(page), main_text(page)[:600]
    shots(page, "admin-lab-created")


def create_officer(page, shots, badge, username, family, given):
    page.goto("/inspection/staff/officers/new/")
    page.fill("[name=badge_no]", badge)
    page.fill("[name=username]", username)
    page.fill("[name=family_name]", family)
    page.fill("[name=given_name]", given)
    page.fill("[name=email]", f"{username}@bureau.example")
    page.fill("[name=password]", PASSWORD)
    page.check("input[name=categories][value=aquatic]")
    page.locator("input[name=sites]").first.check()
    shots(page, f"admin-officer-{badge}")
    submit(page)
    assert badge in main_text(page), main_text(page)[:600]


def upload_week_roster(page, shots):
    """Both officers on duty round the clock this week at the site, in two shifts a day, from one CSV file."""
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["badge_no", "site", "weekday", "starts_at", "ends_at", "valid_from", "valid_until"])
    for badge, *_ in OFFICERS.values():
        for weekday in range(1, 8):
            for starts, ends in (("00:00", "12:00"), ("12:00", "00:00")):
                writer.writerow([badge, "NGB-CC", weekday, starts, ends, monday.isoformat(),
                                 (monday + timedelta(days=6)).isoformat()])
    page.goto("/inspection/staff/roster/import/")
    page.set_input_files("input[name=file]", files=[{"name": "roster-week.csv", "mimeType": "text/csv",
                                                      "buffer": out.getvalue().encode()}])
    submit(page)
    assert "/staff/roster/import/" not in page.url, main_text(page)[:800]
    site = page.locator("select[name=site] option", has_text="NGB-CC")
    if site.count():
        page.goto(f"/inspection/staff/roster/?site={site.first.get_attribute('value')}")
    week = page.inner_text("table.roster")
    assert "NB0101" in week and "NB0102" in week, week
    shots(page, "admin-roster-week")


def supervise_new_enterprises(page, shots):
    """The release policy: consignments of grade B (a new enterprise's) and worse are inspected under
    supervision, whatever the goods' risk."""
    page.goto("/release/matrix/")
    for grade in ("B", "C", "D"):
        for tier in ("low", "medium", "high", "very_high"):
            page.select_option(f"[name={tier}__{grade}]", "supervised")
    page.fill("[name=note]", "New enterprises: supervised release until graded")
    shots(page, "admin-release-matrix")
    submit(page, "main form")
    assert "/release/matrix/" in page.url


def invite_staff(page, shots, name, email, role):
    page.goto("/portal/staff/")
    page.fill("[name=full_name]", name)
    page.fill("[name=email]", email)
    page.select_option("[name=role]", role)
    submit(page)
    assert email in main_text(page), main_text(page)[:800]
    shots(page, f"admin-invites-{role}")


# --- Enterprises join -----------------------------------------------------------------------------------------------

def apply_online(page, shots, applicant, kind):
    page.goto("/credit/apply/")
    for name in ("uscc", "name_zh", "name_en", "contact_name", "contact_email"):
        page.fill(f"[name={name}]", applicant[name])
    page.fill("[name=address]", "浙江省宁波市北仑区明州路 1 号")
    page.fill("[name=contact_phone]", "138 0013 8000")
    page.select_option("[name=kind]", kind)
    page.set_input_files("input[name=licence]", files=[{"name": "licence.pdf", "mimeType": "application/pdf",
                                                        "buffer": PDF}])
    shots(page, f"apply-{kind}")
    submit(page)
    assert "/credit/apply/done/" in page.url, main_text(page)[:800]


def approve(page, shots, applicant):
    page.goto("/credit/applications/")
    page.click(f"main a:has-text('{applicant['name_zh']}')")
    page.wait_for_load_state("networkidle")
    shots(page, f"admin-application-{applicant['uscc']}")
    page.click("button[name=decision][value=approve]")
    page.wait_for_load_state("networkidle")


def invite(page, shots, name, email):
    page.goto("/credit/users/")
    page.fill("[name=full_name]", name)
    page.fill("[name=email]", email)
    submit(page, "main form.form:has([name=email])")
    assert email in main_text(page), main_text(page)[:800]
    shots(page, f"invited-{email}")


def delegate(page, shots, broker_uscc):
    page.goto("/credit/delegations/")
    page.fill("[name=broker_uscc]", broker_uscc)
    page.fill("[name=hs_chapters]", "03")
    page.fill("[name=ports]", "NGB")
    page.fill("[name=valid_from]", timezone.localdate().isoformat())
    page.fill("[name=valid_until]", (timezone.localdate() + timedelta(days=180)).isoformat())
    submit(page)
    assert BROKER["name_zh"] in main_text(page) or broker_uscc in main_text(page), main_text(page)[:800]
    shots(page, "importer-delegates-to-broker")


# --- The consignment ------------------------------------------------------------------------------------------------

def file_for_importer(page, shots):
    page.goto("/declarations/new/")
    page.select_option("[name=enterprise]", label=IMPORTER["name_zh"])
    page.fill("input[name=port_of_entry]", "NGB")
    page.fill("input[name=vessel_voyage]", "MV OCEAN 19E")
    page.fill("input[name=bill_of_lading]", "BLNGB0019001")
    page.fill("input[name=arrival_date]", (timezone.localdate() + timedelta(days=2)).isoformat())
    page.fill("input[name=departure_country]", "EC")
    page.fill("input[name=use_of_goods]", "retail")
    page.fill("input[name=trade_terms]", "CIF")
    if not page.locator("fieldset.goods-line").count():
        page.click("#add-line")
    index = page.locator("fieldset.goods-line").first.get_attribute("data-index")
    for name, text in (("hs_code", SHRIMP), ("description", "Frozen white shrimps, 20 kg cartons"),
                       ("origin_country", "EC"), ("quantity", "1000"), ("unit", "carton"),
                       ("net_weight_kg", "20000"), ("gross_weight_kg", "21000"), ("value", "96000"),
                       ("currency", "USD"), ("manufacturer_name", "Camaronera del Pacífico S.A."),
                       ("lot_numbers", "LOT-19E-1")):
        page.fill(f"input[name='lines-{index}-{name}']", text)
    page.select_option("select[name='documents-0-kind']", "invoice")
    page.set_input_files("input[name='documents-0-file']",
                         files=[{"name": "invoice-19e.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shots(page, "broker-declaration-form")
    page.click("#submit-declaration")
    page.wait_for_load_state("networkidle")
    match = re.search(r"/declarations/(\d+)/$", page.url)
    assert match, f"the declaration was not filed: {page.url}: {page.locator('.error').all_inner_texts()}"
    shots(page, "broker-submitted")
    return int(match.group(1))


def officer_inspects(page, shots, number):
    """The officer finds the task in their queue (once the worker dispatched it), records findings and a sample,
    orders the test and records its result, judged against the table."""
    def in_queue():
        page.goto("/inspection/")
        return page.locator(f"main tr:has-text('{number}') a").count() > 0

    wait_for(in_queue, "the task in the officer's queue")
    shots(page, "officer-queue")
    page.click(f"main tr:has-text('{number}') a")
    page.wait_for_load_state("networkidle")
    findings = page.locator("form[action$='/findings/']")
    findings.locator("[name=findings]").fill("Cartons intact, temperature −19 °C, labels match the declaration.")
    findings.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    sample = page.locator("form[action$='/samples/']")
    sample.locator("[name=description]").fill("2 cartons of frozen shrimps")
    sample.locator("[name=quantity]").fill("2")
    sample.locator("[name=unit]").fill("carton")
    sample.locator("[name=seal_no]").fill("SEAL-19E-1")
    sample.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "SEAL-19E-1" in main_text(page), main_text(page)[:800]
    shots(page, "officer-sampled")
    order = page.locator("form[action$='/lab-orders/']")
    order.locator("[name=lab]").select_option(index=1)
    items = order.locator("[name=test_items]")
    if items.evaluate("e => e.tagName") == "SELECT":
        items.select_option("chloramphenicol")
    elif items.first.get_attribute("type") == "checkbox":
        order.locator("input[name=test_items][value=chloramphenicol]").check()
    else:
        items.fill("chloramphenicol")
    order.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    results = page.locator("form[action$='/results/']")
    assert "0.3" in results.inner_text(), "the limit comes from the table: " + results.inner_text()
    results.locator("[name=value_chloramphenicol]").fill("0.1")
    shots(page, "officer-lab-result-form")
    results.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    judged = page.locator("main tr:has-text('chloramphenicol')").first.inner_text()
    assert "0.3" in judged and "在限值内" in judged, judged  # the table's upper limit, and "within limits"
    shots(page, "officer-lab-result-judged")


def officer_releases(page, shots, pk):
    page.goto(f"/release/declarations/{pk}/")
    conclude = page.locator("form[action$='/conclude/']")
    conclude.locator("input[name=conclusion][value=conform]").check()
    shots(page, "officer-concludes")
    conclude.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    shots(page, "officer-released")


def test_a_bureau_runs_from_an_empty_database(empty_bureau, mail_and_worker, browser_page, new_page, shots):
    from declarations.models import Declaration
    from inspection.choices import DrawKind
    from inspection.draws import EXCLUDE_CONFLICT
    from inspection.models import Draw, InspectionTask, LabResult, OfficerProfile

    smtp, worker = mail_and_worker
    admin = browser_page
    log_in(admin, ADMIN, ADMIN_PASSWORD)
    create_site(admin, shots)
    for badge, username, family, given in OFFICERS.values():
        create_officer(admin, shots, badge, username, family, given)
    upload_week_roster(admin, shots)
    create_test_item_and_limit(admin, shots)
    create_lab(admin, shots)
    supervise_new_enterprises(admin, shots)
    invite_staff(admin, shots, "孙丽", SUPERVISOR, "supervisor")

    public = new_page()
    apply_online(public, shots, IMPORTER, "importer")
    apply_online(public, shots, BROKER, "customs_broker")
    approve(admin, shots, IMPORTER)
    approve(admin, shots, BROKER)

    importer = new_page()
    set_password_from_mail(importer, mail_to(smtp, IMPORTER["contact_email"], worker), IMPORTER["contact_email"],
                           shots, "importer-administrator")
    invite(importer, shots, "李娜", "li.na@seafood.example")
    assert "/accounts/reset/" in mail_to(smtp, "li.na@seafood.example", worker).get_body(("plain",)).get_content()
    delegate(importer, shots, BROKER["uscc"])

    broker = new_page()
    set_password_from_mail(broker, mail_to(smtp, BROKER["contact_email"], worker), BROKER["contact_email"],
                           shots, "broker-administrator")
    invite(broker, shots, "周杰", "zhou.jie@broker.example")
    broker_declarant = new_page()
    set_password_from_mail(broker_declarant, mail_to(smtp, "zhou.jie@broker.example", worker),
                           "zhou.jie@broker.example", shots, "broker-declarant")

    conflicted = new_page()
    log_in(conflicted, OFFICERS["conflicted"][1], PASSWORD)
    conflicted.goto("/inspection/staff/conflicts/")
    conflicted.fill("[name=enterprise]", IMPORTER["uscc"])
    conflicted.fill("[name=reason]", "配偶在该企业任财务")
    submit(conflicted)
    shots(conflicted, "officer-declares-conflict")
    supervisor = new_page()
    set_password_from_mail(supervisor, mail_to(smtp, SUPERVISOR, worker), SUPERVISOR, shots, "supervisor")
    supervisor.goto("/inspection/staff/conflicts/")
    assert "配偶在该企业任财务" in main_text(supervisor)
    supervisor.click("form[action$='/acknowledge/'] button")
    supervisor.wait_for_load_state("networkidle")
    shots(supervisor, "supervisor-acknowledges-conflict")

    pk = file_for_importer(broker_declarant, shots)
    declaration = Declaration.objects.get(pk=pk)
    assert (declaration.enterprise.uscc, declaration.customs_broker.uscc) == (IMPORTER["uscc"], BROKER["uscc"])
    assert declaration.release_mode == "supervised", declaration.status

    officer = new_page()
    log_in(officer, OFFICERS["on_duty"][1], PASSWORD)
    officer_inspects(officer, shots, declaration.number)
    task = InspectionTask.objects.get(declaration=declaration)
    on_duty, conflicted_profile = (OfficerProfile.objects.get(badge_no=OFFICERS[k][0]).user
                                   for k in ("on_duty", "conflicted"))
    assert task.assigned_to == on_duty
    [result] = LabResult.objects.filter(order__task=task)
    assert (result.passed, result.limit.limit_max, result.unit) == (True, Decimal("0.3"), "µg/kg")
    # The conflicted officer was on duty and qualified too: the draw left them out for the conflict, and nobody
    # handed the task to them.
    [people_draw] = Draw.objects.filter(task=task, kind=DrawKind.PEOPLE)
    assert people_draw.inputs["excluded"] == {EXCLUDE_CONFLICT: [conflicted_profile.pk]}, people_draw.inputs
    assert not task.notes.filter(to_officer=conflicted_profile).exists()
    officer_releases(officer, shots, pk)
    declaration.refresh_from_db()
    assert declaration.status == "released", declaration.status

    importer.goto(f"/release/declarations/{pk}/")
    importer.click("main a.button[href*='/release/releases/']")
    importer.wait_for_load_state("networkidle")
    distribution = importer.locator("form[action$='/distribution/']")
    distribution.locator("[name=buyer_name]").fill("Ningbo Fresh Market Co.")
    distribution.locator("[name=buyer_contact]").fill("buyer@freshmarket.example")
    distribution.locator("[name=quantity]").fill("400")
    distribution.locator("[name=unit]").fill("carton")
    distribution.locator("[name=distributed_on]").fill(timezone.localdate().isoformat())
    distribution.locator("button[type=submit]").click()
    importer.wait_for_load_state("networkidle")
    shots(importer, "importer-records-distribution")
    release_url = importer.url
    log_out(importer)

    admin.goto(release_url)
    recall = admin.locator("form[action$='/recall/']")
    recall.locator("[name=reason]").fill("Chloramphenicol found in a retained sample of the same lot at retail.")
    recall.locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    shots(admin, "admin-opens-recall")
    notice = mail_to(smtp, "buyer@freshmarket.example", worker).get_body(("plain",)).get_content()
    assert IMPORTER["name_zh"] in notice and "Frozen white shrimps" in notice, notice
    public.goto(re.search(r"(/recall/ack/\S+/)", notice).group(1))  # the buyer opens the notice's link
    public.fill("[name=by_name]", "张伟，宁波鲜果市场")
    submit(public)
    shots(public, "buyer-acknowledges-recall")

    def notified():
        admin.goto("/portal/messages/")
        return "buyer@freshmarket.example" in main_text(admin) and admin.locator(
            "main tr:has-text('buyer@freshmarket.example')").first.inner_text()

    row = wait_for(notified, "the recall notice's delivery record")
    shots(admin, "admin-mail-deliveries")
    assert "已发送" in row or "sent" in row.lower(), row
    assert not admin.js_errors, admin.js_errors
