"""Hypothesis: random edits from two machines, polls and writes interleaved at random.

After both drain and read again, both machines and the card hold the same plan, and no accepted edit
is lost: each cell holds the last value anyone gave it, unless the machine that gave it was told (a
conflict sentence) that theirs was kept instead.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.plan_record import parse_description
from supportdesk_tui.domain.planning import TRIAGE, IsoWeek, Slot
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.planning.record_model import same_plan
from supportdesk_tui.store import Store
from tests.planning.fixtures import TrelloEnv
from tests.planning.record_fixtures import ITEM_A, ITEM_B, machine_settings, plan_cards
from tests.support import FAST_RETRIES, NOW, fast_trello_options

DEVS = ("ana", "ben")
VALUES: tuple[tuple[Slot, ...], ...] = ((), (TRIAGE,), (TRIAGE, TRIAGE), (ITEM_A.card_id,),
                                         (ITEM_B.card_id, TRIAGE))
WEEKS = itertools.count(1)

edit = st.tuples(st.just("edit"), st.integers(0, 1), st.sampled_from(DEVS), st.integers(0, 1),
                 st.integers(0, len(VALUES) - 1))
other = st.tuples(st.sampled_from(["poll", "drain", "yield"]), st.integers(0, 1), st.just(""), st.just(0),
                  st.just(0))
ops = st.lists(st.one_of(edit, edit, other), min_size=1, max_size=14)


async def scenario(root: Path, groove: Any, trello: TrelloEnv, steps: list[tuple[str, int, str, int, int]],
                   week: IsoWeek) -> None:
    from supportdesk_tui.demo import demo_credentials

    clock = FixedClock(NOW)
    machines: list[Services] = []
    for name in ("a", "b"):
        config = machine_settings(root, name, groove, trello)
        built = Services(config, demo_credentials(), clock, Store.in_dir(config.data_dir),
                         groove_options=FAST_RETRIES, trello_options=fast_trello_options())
        built.planning.record.debounce_s = 0
        machines.append(built)
    last: dict[tuple[str, int], tuple[int, tuple[Slot, ...]]] = {}  # cell -> (machine, value) of the last edit
    try:
        for kind, who, dev, day_index, value_index in steps:
            machine = machines[who]
            if kind == "edit":
                before = await machine.planning.load_plan(week)
                plan = before or machine.planning.new_plan(week)
                day = week.days()[day_index]
                value = VALUES[value_index]
                if plan.cell(dev, day) == value:
                    continue  # not an edit: nothing changes
                cells = {**plan.cells, (dev, day): value}
                plan = replace(plan, cells={k: v for k, v in cells.items() if v},
                               items={**plan.items, ITEM_A.card_id: ITEM_A, ITEM_B.card_id: ITEM_B})
                await machine.planning.save(plan, before)  # as the screen does: the edit and what it was made on
                last[(dev, day_index)] = (who, value)
            elif kind == "poll":
                await machine.planning.record.check()
            elif kind == "drain":
                await machine.planning.record.drain()
            else:
                await asyncio.sleep(0)  # let a scheduled write start part-way through what follows
        for _ in range(2):
            for machine in machines:
                await machine.planning.record.drain()
                await machine.planning.record.check()
        plans = [await m.planning.load_plan(week) for m in machines]
        if not last:
            return
        card = next(c for c in plan_cards(trello) if c["name"] == f"Support plan {week}")
        on_card = parse_description(str(card["desc"])).plan
        assert plans[0] is not None and plans[1] is not None
        assert same_plan(plans[0], on_card) and same_plan(plans[1], on_card)
        for (dev, day_index), (who, value) in last.items():
            day = week.days()[day_index]
            if on_card.cell(dev, day) == value:
                continue
            status = machines[who].store.load_plan_record(str(week))
            assert status is not None
            told = [c for c in status.conflicts.get("items", ()) if c["unit"] == "cell"
                    and c["key"] == [dev, day.isoformat()]]
            assert told, f"{'ab'[who]}'s last edit of {dev} {day} was lost without a word"
    finally:
        for machine in machines:
            machine.planning.record.stop()
            await machine.aclose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_two_machines_converge_and_lose_no_accepted_edit(groove: Any, trello: TrelloEnv,
                                                          steps: list[tuple[str, int, str, int, int]]) -> None:
    n = next(WEEKS)
    week = IsoWeek(2027 + n // 52, n % 52 + 1)  # a week of its own: the fake Trello outlives the example
    with tempfile.TemporaryDirectory() as root:
        asyncio.run(scenario(Path(root), groove, trello, steps, week))
