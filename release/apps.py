from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "release"
    verbose_name = _("Release")

    def ready(self):
        # Imported here: the modules import models, which exist only once the app registry is ready.
        from ciq_portal.activations import activation_listen
        from ciq_portal.messaging import message_sent_handler_register
        from ciq_portal.models import MessagePurpose
        from ciq_portal.page_slots import page_slot_fill
        from ciq_portal.search import search_finder_register
        from declarations.clearance_facts import clearance_facts_register
        from risk.selectors import set_selection_probability_provider

        from .extensions import CLEARANCE_FACTS, SLOTS
        from .selectors import release_search, selection_probabilities
        from .services import recall_notice_notified, selection_cutoffs_queue

        clearance_facts_register(CLEARANCE_FACTS)
        for slot, template, context in SLOTS:
            page_slot_fill(slot, template=template, context=context)
        message_sent_handler_register(MessagePurpose.RECALL_NOTICE, recall_notice_notified)
        search_finder_register("releases", position=20, label=_("Certificates and releases"), find=release_search)
        activation_listen(selection_cutoffs_queue)
        set_selection_probability_provider(selection_probabilities)
