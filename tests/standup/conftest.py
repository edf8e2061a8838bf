"""Stand-up fixtures for this folder only: the demo's Trello on a loopback fake, services and the app on it."""

from tests.planning.fixtures import make_plan_app, make_services, plan_settings, services, trello

__all__ = ["make_plan_app", "make_services", "plan_settings", "services", "trello"]
