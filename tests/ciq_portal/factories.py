"""Factories and helpers for the single window's models (agencies, clients, keys, subscriptions)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
from ciq_portal.models import AgencyScope

ALL = list(AgencyScope.values)


def make_agency(code="customs", kind="customs", scopes=ALL):
    return agency_ensure(code=code, name_zh=f"{code}机构", name_en=code.title(), kind=kind, scopes=scopes)


def make_client(agency=None, *, scopes=ALL, rate_limit="", username=None, user=None):
    agency = agency or make_agency()
    return agency_client_create(agency=agency, name=username or "client", scopes=scopes, actor=None,
                                rate_limit=rate_limit, username=username or "", user=user)


def make_key(client=None, **kwargs):
    """(client, key row, raw key)."""
    client = client or make_client(**kwargs)
    key, raw = agency_api_key_issue(client=client, actor=None)
    return client, key, raw


class Receiver:
    """A local HTTP receiver (http.server in a thread on 127.0.0.1) answering with scripted status codes.

    ``statuses``: codes for successive requests; the last one repeats. Every request is recorded.
    """

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": self.headers, "body": body, "path": self.path})
                index = min(len(receiver.requests) - 1, len(receiver.statuses) - 1)
                code = receiver.statuses[index]
                payload = json.dumps({"received": len(receiver.requests)}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
