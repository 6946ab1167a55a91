"""A working day at the bureau, for locust (headless, loopback, bounded in time): run it with
benchmarks/locust_run.py (`make locust`), which prepares the database, the accounts and the server.

Mix (of 100 users): 60 declarants filing and reading (pages and API), 20 officers working their queues,
10 supervisors on dashboards, 10 partner-agency systems polling release status and pushing logistics events.
Think time 0.5–2.5 s between a user's actions. Credentials come from the JSON file LOCUST_CIQ_CREDENTIALS.
"""

import json
import os
import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta

from locust import HttpUser, between, task

CREDENTIALS = json.loads(open(os.environ["LOCUST_CIQ_CREDENTIALS"]).read()) if os.environ.get(
    "LOCUST_CIQ_CREDENTIALS") else {}
LINES = [("847130", "Portable computers", "CN", "200", "pcs", "42000"),
         ("851650", "Microwave ovens", "KR", "300", "pcs", "24000"),
         ("610910", "Cotton T-shirts", "BD", "5000", "pcs", "15000"),
         ("640399", "Leather shoes", "VN", "1200", "pairs", "36000"),
         ("950300", "Building-block toys", "DE", "800", "sets", "12800")]
ID_IN_LINK = re.compile(r'href="/declarations/(\d+)/"')


def _account(role):
    accounts = CREDENTIALS.get(role) or []
    return random.choice(accounts) if accounts else None


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.5)
    role = ""

    def on_start(self):
        self.account = _account(self.role)
        self.api_headers = {"Authorization": self.account["authorization"]} if self.account else {}
        if self.account and self.account.get("password"):
            self._log_in(self.account["username"], self.account["password"])

    def _log_in(self, username, password):
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/accounts/login/", {"username": username, "password": password,
                                                   "csrfmiddlewaretoken": token},
                              headers={"Referer": self.host + "/accounts/login/"}, name="log in",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"log-in as {username} failed: {response.status_code}")

    def api_write_headers(self, **extra):
        """A browser user's session is also sent with API calls, so unsafe ones carry the CSRF token too."""
        headers = {**self.api_headers, **extra}
        token = self.client.cookies.get("csrftoken")
        if token:
            headers["X-CSRFToken"] = token
        return headers

    def api_get(self, path, name=None, **params):
        return self.client.get(path, headers=self.api_headers, params=params or None, name=name or path)


class Declarant(PortalUser):
    weight = 6
    role = "declarant"

    @task(4)
    def my_declarations_page(self):
        response = self.client.get("/declarations/", name="/declarations/ (page)")
        self.ids = ID_IN_LINK.findall(response.text or "")[:20] or getattr(self, "ids", [])

    @task(3)
    def one_declaration_page(self):
        if getattr(self, "ids", None):
            self.client.get(f"/declarations/{random.choice(self.ids)}/", name="/declarations/<id>/ (page)")

    @task(2)
    def api_list(self):
        self.api_get("/api/v1/declarations/", name="/api/v1/declarations/", page_size=25)

    @task(1)
    def file_and_submit(self):
        n = random.randint(0, 10**9)
        body = {"port_of_entry": "NGB", "transport_mode": "sea", "vessel_voyage": "LOCUST 1E",
                "bill_of_lading": f"BLL{n:010d}", "departure_country": "CN", "use_of_goods": "retail",
                "trade_terms": "CIF", "arrival_date": (date.today() + timedelta(days=3)).isoformat(),
                "lines": [{"hs_code": hs, "description": d, "origin_country": o, "quantity": q, "unit": u,
                           "value": v, "currency": "USD"} for hs, d, o, q, u, v in LINES]}
        response = self.client.post("/api/v1/declarations/", json=body, name="/api/v1/declarations/ (file)",
                                    headers=self.api_write_headers(**{"Idempotency-Key": uuid.uuid4().hex}))
        if response.status_code == 201:
            pk = response.json()["id"]
            self.client.post(f"/api/v1/declarations/{pk}/submit/", name="/api/v1/declarations/<id>/submit/",
                             headers=self.api_write_headers(**{"Idempotency-Key": uuid.uuid4().hex}))

    @task(1)
    def my_credit(self):
        self.client.get("/credit/mine/", name="/credit/mine/ (page)")

    @task(1)
    def notifications(self):
        self.client.get("/portal/notifications/", name="/portal/notifications/ (page)")


class Officer(PortalUser):
    weight = 2
    role = "officer"

    @task(4)
    def queue_page(self):
        self.client.get("/inspection/", name="/inspection/ (queue page)")

    @task(2)
    def queue_api(self):
        self.api_get("/api/v1/inspection-tasks/", name="/api/v1/inspection-tasks/")

    @task(2)
    def all_declarations(self):
        self.client.get("/declarations/all/", name="/declarations/all/ (page)")

    @task(1)
    def verification_queue(self):
        self.client.get("/release/verification/", name="/release/verification/ (page)")


class Supervisor(PortalUser):
    weight = 1
    role = "supervisor"

    @task(3)
    def dashboard(self):
        self.client.get("/release/dashboard/", name="/release/dashboard/ (page)")

    @task(1)
    def credit_overview(self):
        self.client.get("/credit/overview/", name="/credit/overview/ (page)")

    @task(1)
    def releases(self):
        self.client.get("/release/releases/", name="/release/releases/ (page)")

    @task(1)
    def workload(self):
        self.client.get("/inspection/", name="/inspection/ (workload page)")


class Agency(PortalUser):
    weight = 1
    role = "agency"

    @task(4)
    def poll_release_status(self):
        self.api_get("/api/v1/releases/", name="/api/v1/releases/ (poll)")

    @task(1)
    def notifications(self):
        self.api_get("/api/v1/notifications/", name="/api/v1/notifications/ (poll)")

    @task(1)
    def push_logistics_event(self):
        push = CREDENTIALS.get("logistics_push")
        if not push:
            return
        body = dict(push["body"])
        body["external_id"] = uuid.uuid4().hex
        body["occurred_at"] = datetime.now(UTC).isoformat()
        self.client.post(push["path"], json=body, name=push["path"] + " (push)",
                         headers=self.api_write_headers(**{"Idempotency-Key": uuid.uuid4().hex}))
