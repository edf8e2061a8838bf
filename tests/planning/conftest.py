"""Planning fixtures for this folder only: the loopback Trello fake with customer and epics boards, the app."""

from tests.planning.fixtures import make_plan_app, make_services, plan_settings, services, trello
from tests.planning.record_fixtures import machines

__all__ = ["machines", "make_plan_app", "make_services", "plan_settings", "services", "trello"]
