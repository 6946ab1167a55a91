"""What several of the selectors share."""

import re

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")  # trace codes and recall tokens (secrets.token_urlsafe)
NUMBER_RE = re.compile(r"[A-Za-z0-9-]{1,40}")  # certificate numbers
OFFICE_RE = re.compile(r"[A-Za-z0-9]{1,16}")
