"""The demo's customers, shared by the Groove and Trello seeds and the demo config.

Board ids are fixed 24-hex ObjectIds (the first 8 hex digits are a creation second, as Trello's
are) so the seeds, the demo config and the tests all agree without passing state around.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    name: str
    domain: str
    board_id: str
    commitment_days: float
    contacts: tuple[tuple[str, str], ...]  # (name, local part of the email)
    product: str
    call_every_weeks: int = 1  # the customer call's cadence (config: call_every_weeks, call_day)
    call_day: str | None = None
    contact: str = ""  # local part of the address confirmations go to ("": none, so the app says which key to set)

    @property
    def contact_email(self) -> str | None:
        return f"{self.contact}@{self.domain}" if self.contact else None


DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer("Acme Ltd", "acme.example", "5f1a2b3c0000000000000a01", 3,
                 (("Wile Coyote", "wile"), ("Daisy Rhodes", "daisy"), ("Omar Patel", "omar")), "order portal",
                 call_day="thu", contact="daisy"),
    DemoCustomer("Bluebird Travel", "bluebird.example", "5f1a2b3c0000000000000a02", 2,
                 (("Hannah Lee", "hannah"), ("Tom Okafor", "tom")), "booking engine",
                 call_every_weeks=2, call_day="tue", contact="hannah"),
    DemoCustomer("Copperleaf Foods", "copperleaf.example", "5f1a2b3c0000000000000a03", 2,
                 (("Grace Müller", "grace"), ("Ivan Petrov", "ivan")), "wholesale shop",
                 call_day="mon", contact="grace"),
    DemoCustomer("Driftwood Clinics", "driftwood.example", "5f1a2b3c0000000000000a04", 1.5,
                 (("Dr. Amara Nwosu", "amara"), ("Lucy Chen", "lucy")), "appointments app",
                 call_every_weeks=2, call_day="wed"),
    DemoCustomer("Evergreen Housing", "evergreen.example", "5f1a2b3c0000000000000a05", 1,
                 (("Sam Fletcher", "sam"), ("Priya Shah", "priya")), "tenant portal",
                 call_day="fri", contact="priya"),
    DemoCustomer("Foxglove Media", "foxglove.example", "5f1a2b3c0000000000000a06", 2,
                 (("Noah Williams", "noah"), ("Zoe Martin", "zoe")), "publishing CMS",
                 contact="zoe"),
)

SUPPORT_EPICS_BOARD_ID = "5f1a2b3c0000000000000e01"
DEMO_AGENTS: tuple[tuple[str, str], ...] = (
    ("Ana Silva", "ana@consultancy.example"),
    ("Ben Carter", "ben@consultancy.example"),
    ("Chloe Dubois", "chloe@consultancy.example"),
    ("Dev Raman", "dev@consultancy.example"),
)
DEMO_ME = "ana@consultancy.example"
DEMO_DEVELOPERS = ("ana", "ben", "chloe", "dev")
DEMO_TRIAGE_LEADS = ("ana", "ben")
DEMO_GROOVE_TOKEN = "demo-groove-token-0000"
DEMO_TRELLO_KEY = "demo-trello-key-0000"
DEMO_TRELLO_TOKEN = "demo-trello-token-0000"
