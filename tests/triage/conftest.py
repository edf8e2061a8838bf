"""Triage fixtures for this folder only: the loopback Trello fake with customer boards, services and the app."""

from tests.triage.fixtures import groove_processed, make_services, trello, triage_app, triage_settings

__all__ = ["groove_processed", "make_services", "trello", "triage_app", "triage_settings"]
