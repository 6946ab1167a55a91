"""The lifecycle of a case referral (案件通报移交), as a pure table. No database.

move -> (allowed from, to, side that makes it). The receiving side acknowledges and reports the outcome; the
referring side may withdraw until the outcome is reported; either side adds evidence while the case is open.
"""

REFERRED, ACKNOWLEDGED, CLOSED, WITHDRAWN = "referred", "acknowledged", "closed", "withdrawn"
RECEIVER, REFERRER = "receiver", "referrer"
MOVES = {
    "acknowledge": ({REFERRED}, ACKNOWLEDGED, RECEIVER),
    "report_outcome": ({REFERRED, ACKNOWLEDGED}, CLOSED, RECEIVER),
    "withdraw": ({REFERRED, ACKNOWLEDGED}, WITHDRAWN, REFERRER),
    "add_evidence": ({REFERRED, ACKNOWLEDGED}, None, None),  # either side, status unchanged
}


def can(move: str, status: str, side: str) -> bool:
    allowed, _to, who = MOVES[move]
    return status in allowed and (who is None or who == side)


def target(move: str):
    return MOVES[move][1]
