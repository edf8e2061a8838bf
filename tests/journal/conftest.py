"""The journal tests run triage actions: the triage fixtures, for this folder only."""

from tests.triage.fixtures import groove_processed, make_services, trello, triage_app, triage_settings

__all__ = ["groove_processed", "make_services", "trello", "triage_app", "triage_settings"]
