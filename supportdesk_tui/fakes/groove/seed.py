"""A believable week of Groove tickets for the demo, the benchmarks and UI tests.

The mix is chosen so every SLA state shows up on the first screen: tickets far from the 48-hour
target, within 12 hours and within 4 hours of it, and past it; mostly unread and opened, some
pending, a few closed or spam; some assigned, some high priority; about 5% from senders that map to
no customer (gmail and friends), which the app must still show. Same ``seed`` and ``now``, same week.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from supportdesk_tui.fakes.demo_customers import DEMO_AGENTS
from supportdesk_tui.fakes.groove.arrivals import (
    ISSUES,
    SPAMMERS,
    UNMAPPED_SENDERS,
    Arrival,
    issue,
    random_arrival,
)
from supportdesk_tui.fakes.groove.server import GrooveFake

__all__ = ["ISSUES", "UNMAPPED_SENDERS", "random_arrival", "seed_groove"]

SPAM_SUBJECTS = ("Boost your SEO ranking today!!!", "Partnership opportunity for your business")
AGENT_REPLIES = (
    "Hi {first},\n\nThanks for reporting this. We're looking into it now and will update you shortly.",
    "Hi {first},\n\nCould you send us a screenshot and the time it happened? That will help us trace it.",
    "Hi {first},\n\nWe've deployed a fix. Could you check whether it works for you now?",
)
NOTES = (
    "Reproduced on staging; looks related to last week's release.",
    "Checked the logs: timeouts from the payment provider around the reported time.",
    "Asked Dev to pair on this tomorrow morning.",
)
FOLLOW_UPS = (
    "Any update on this? It's affecting the whole team.",
    "Here's some more detail: it happens every time on Chrome, never on Firefox.",
    "Thanks, that seems to have fixed it.",
)



# Hours of age for each SLA band: far from 48 h, within 12 h, within 4 h, past it.
_BANDS: tuple[tuple[float, float], ...] = ((0.3, 35.5), (36.2, 43.8), (44.2, 47.7), (48.5, 144.0))
_BAND_WEIGHTS = (45, 15, 10, 30)
_STATES = ("unread", "opened", "pending", "closed", "spam")
_STATE_WEIGHTS = (36, 30, 16, 13, 5)


@dataclass(frozen=True, slots=True)
class _Plan:
    age_h: float
    state: str
    arrival: Arrival
    tag: str


def _plan(rng: random.Random, index: int) -> _Plan:
    if index < len(_BANDS):  # the first few guarantee every SLA band is on screen
        state, band = ("unread", "opened", "pending", "opened")[index], _BANDS[index]
    else:
        state = rng.choices(_STATES, _STATE_WEIGHTS)[0]
        band = (6.0, 144.0) if state == "closed" else rng.choices(_BANDS, _BAND_WEIGHTS)[0]
    age = rng.uniform(*band)
    if state == "spam":
        name, email = rng.choice(SPAMMERS)
        return _Plan(age, state, Arrival(email, name, rng.choice(SPAM_SUBJECTS),
                                         "Dear sir/madam, we can put your website on page one of Google."), "")
    arrival, tag = issue(rng)
    return _Plan(age, state, arrival, tag)


def seed_groove(fake: GrooveFake, now: datetime, *, tickets: int = 100, seed: str = "demo") -> None:
    """Fill ``fake`` with ``tickets`` tickets created over the ~6 days before ``now``."""
    rng = random.Random(f"groove-seed:{seed}")
    now = now.astimezone(UTC)
    plans = sorted((_plan(rng, i) for i in range(tickets)), key=lambda p: -p.age_h)  # oldest first
    for plan in plans:
        created = now - timedelta(hours=plan.age_h)
        _add(fake, rng, plan, created, now)


def _add(fake: GrooveFake, rng: random.Random, plan: _Plan, created: datetime, now: datetime) -> None:
    roll = rng.random()
    priority = "high" if roll < 0.12 else "low" if roll < 0.18 else None
    _, agent = rng.choice(DEMO_AGENTS)
    assigned = rng.random() < (0.5 if plan.state in ("opened", "pending", "closed") else
                               0.1 if plan.state == "unread" else 0.0)
    number = fake.add_ticket(customer_email=plan.arrival.email, customer_name=plan.arrival.name,
                             subject=plan.arrival.subject, body=plan.arrival.body, created_at=created,
                             priority=None if plan.state == "spam" else priority,
                             assignee=agent if assigned else None, tags=[plan.tag] if plan.tag else [])
    span = (now - created).total_seconds()
    times = iter(sorted(created + timedelta(seconds=span * f) for f in
                        (rng.uniform(0.05, 0.9) for _ in range(4))))
    first = plan.arrival.name.split()[0]
    reply = rng.choice(AGENT_REPLIES).format(first=first)
    if plan.state == "spam":
        fake.set_state(number, "spam", at=next(times), by=agent)
        return
    if plan.state == "unread":
        if rng.random() < 0.2:
            fake.add_message(number, author=plan.arrival.email, body=FOLLOW_UPS[0], at=next(times), reopen=False)
        return
    if rng.random() < 0.3:
        fake.add_message(number, author=agent, body=rng.choice(NOTES), note=True, at=next(times), reopen=False)
    when = next(times)
    fake.add_message(number, author=agent, body=reply, at=when, emailed=True, reopen=False)
    fake.set_state(number, "opened", at=when)
    if plan.state == "opened" and rng.random() < 0.4:
        fake.add_message(number, author=plan.arrival.email, body=rng.choice(FOLLOW_UPS[:2]), at=next(times),
                         reopen=False)
    elif plan.state == "pending":
        fake.set_state(number, "pending", at=when)
    elif plan.state == "closed":
        thanks = next(times)
        fake.add_message(number, author=plan.arrival.email, body=FOLLOW_UPS[2], at=thanks, reopen=False)
        fake.set_state(number, "closed", at=next(times), by=agent)
