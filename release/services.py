"""The clearance pipeline (DESIGN.md §2), sequenced here and nowhere else.

Views and API views of every app call these functions for the steps that cross apps: submitting a declaration
and concluding its inspection.
"""

from django.db import transaction


@transaction.atomic
def clearance_submit(*, declaration, actor):
    """Submit a draft and decide its release: risk assessment, release mode, dual-random overlay, dispatch.

    Until the risk, inspection and release steps land, submission ends at ``submitted``.
    """
    from declarations.services import declaration_submit

    return declaration_submit(declaration=declaration, actor=actor)
