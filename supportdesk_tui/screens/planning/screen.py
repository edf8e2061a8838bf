"""Planning: developers against Monday..Friday for one ISO week, for the Monday meeting.

The plan is an immutable value (``domain/planning.py``): each key makes a new one, the grid and the
totals show it, and a named worker saves it. The pool of Up next work loads from Trello in its own
worker; until it arrives the saved plan still shows (its items are snapshots). Warnings (over-
allocation, a full cell, work on a holiday) are notifications in words: nothing is ever refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.plan_export import planned_cards
from supportdesk_tui.domain.planning import (
    IsoWeek,
    Level,
    Plan,
    WorkItem,
    day_label,
    format_half_days,
    plan_totals,
)
from supportdesk_tui.domain.roster import Knowledge
from supportdesk_tui.domain.rota import TriagePair, eligible_people
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.screens.errors import problem as failure_problem
from supportdesk_tui.screens.planning.close_week import CloseWeek, WeekClosed
from supportdesk_tui.screens.planning.confirmations import ConfirmationsScreen
from supportdesk_tui.screens.planning.dialogs import (
    EstimateChoice,
    EstimateScreen,
    Pick,
    PlanPublished,
    PoolLoaded,
    PoolPicker,
    RotaSaved,
    RotaScreen,
    WeekOpened,
)
from supportdesk_tui.screens.planning.header_text import planning_header
from supportdesk_tui.screens.planning.help_text import PLANNING_HELP
from supportdesk_tui.screens.planning.record_view import PLAN_RECORD_BINDINGS, PlanRecordView, RecordNotice, RecordShown
from supportdesk_tui.screens.planning.roster import (
    KnowledgeLoaded,
    RosterKeys,
    alone_warnings,
    marks,
    pair_customers,
    picker_words,
)
from supportdesk_tui.services.planning.service import PlanningService, Pool, RotaChoice, RotaSource, WeekSource
from supportdesk_tui.themes import HOUSE_THEME, PROJECTOR_THEME
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.plan_grid import MIN_DAY_WIDTH, WHO_WIDTH, PlanGrid, TotalsPanel


class PlanningScreen(DeskScreen):
    CSS_PATH = "planning.tcss"
    AUTO_FOCUS = "#grid"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus", "available(1)", "+½ day", id="planning.more", tooltip="Half a day more available"),
        Binding("minus", "available(-1)", "-½ day", id="planning.less", tooltip="Half a day less available"),
        Binding("x", "clear", "Clear", id="planning.clear", tooltip="Empty the cell"),
        Binding("t", "triage", "Triage", id="planning.triage", tooltip="Mark half a day of triage"),
        Binding("w", "week(-1)", "Week back", id="planning.prev_week", tooltip="The week before"),
        Binding("W", "week(1)", "Week fwd", id="planning.next_week", tooltip="The week after"),
        Binding("p", "publish", "Publish", id="planning.publish", tooltip="Publish the plan to Trello"),
        Binding("o", "confirmations", "Confirm", id="planning.confirmations",
                tooltip="Each customer's confirmation: preview, send or copy"),
        Binding("R", "rota", "Rota", id="planning.rota", tooltip="Choose the week's triage pair"),
        Binding("C", "close_week", "Close week", id="planning.close_week",
                tooltip="The week's close-out: finished cards to the week's Done list, the triage handover"),
        Binding("e", "estimate", "Estimate", show=False, id="planning.estimate",
                tooltip="Set the estimate of the card in this cell"),
        Binding("P", "projector", "Projector", id="planning.projector",
                tooltip="Large, high-contrast layout for the shared screen"),
        Binding("N", "add_person", "Add person", id="planning.add_person",
                tooltip="Add someone to this week's roster only"),
        Binding("D", "remove_person", "Remove person", show=False, id="planning.remove_person",
                tooltip="Take the person under the cursor off this week's roster (nothing planned)"),
        *PLAN_RECORD_BINDINGS,
    ]
    HELP = PLANNING_HELP

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self._plan: Plan | None = None
        self._source = WeekSource.NEW
        self._rota: RotaChoice | None = None
        self._pool: Pool | None = None
        self._theme_before: str | None = None
        self._week: IsoWeek | None = None
        self._knowledge: Knowledge | None = None
        self.plan_record = PlanRecordView(self, week=lambda: self._plan.week if self._plan is not None else self._week,
                                          plan=lambda: self._plan, adopt=self._adopt, render=self._render_plan)
        self.roster_keys = RosterKeys(self, lambda: self.service, plan=lambda: self._plan, cell=self._cell,
                                      change=self._change)
        self.close_out = CloseWeek(self, lambda: self._plan.week if self._plan is not None else None)

    @property
    def service(self) -> PlanningService:
        return self.desk.services.planning

    @property
    def plan(self) -> Plan | None:
        return self._plan

    @property
    def pool_items(self) -> tuple[WorkItem, ...]:
        return self._pool.items if self._pool is not None else ()

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Banner(id="banner")
        yield PlanGrid(id="grid")
        with Horizontal(id="below"):
            yield TotalsPanel(id="customers")
            yield TotalsPanel(id="pool")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._week = self.service.this_week()
        self._update_header()
        self.open_week(self._week)
        self.load_pool()
        self.plan_record.watch()

    def on_unmount(self) -> None:
        self.plan_record.unwatch()

    def back_in_front(self) -> None:
        self.plan_record.check()  # back from another mode or screen: what others saved meanwhile

    def on_resize(self) -> None:
        self._render_plan()

    def _adopt(self, plan: Plan) -> None:  # someone else's plan, read from the week's card (the record renders)
        self._plan, self._source = plan, WeekSource.SAVED

    # --- workers: they fetch and post; handlers touch widgets -----------------------------------
    @work(group="planning-week", exclusive=True, exit_on_error=False)
    async def open_week(self, week: IsoWeek) -> None:
        opened = await self.service.open_week(week, self.pool_items)
        rota = await self.service.rota_for(opened.plan.week)
        self.post_message(WeekOpened(opened, rota))

    @work(group="planning-pool", exclusive=True, exit_on_error=False)
    async def load_pool(self) -> None:
        self.post_message(PoolLoaded(await self.service.load_pool()))

    @work(group="planning-save", exit_on_error=False)
    async def save_plan(self, plan: Plan, base: Plan | None = None) -> None:
        await self.service.save(plan, base)

    @work(group="planning-publish", exit_on_error=False)
    async def publish(self, plan: Plan, pool: tuple[WorkItem, ...]) -> None:
        self.post_message(PlanPublished(await self.service.publish(plan, pool)))

    @work(group="planning-rota", exit_on_error=False)
    async def save_rota(self, plan: Plan, pair: TriagePair) -> None:
        await self.service.set_rota(plan.week, pair)
        await self.service.save(plan)
        self.post_message(RotaSaved(await self.service.rota_for(plan.week)))

    @work(group="planning-knowledge", exclusive=True, exit_on_error=False)
    async def load_knowledge(self, week: IsoWeek, roster: tuple[str, ...]) -> None:
        self.post_message(KnowledgeLoaded(week, await self.service.knowledge(week, roster)))

    def on_knowledge_loaded(self, message: KnowledgeLoaded) -> None:
        if self._plan is not None and self._plan.week == message.week:
            self._knowledge = message.knowledge
            self._render_plan()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or not event.worker.group.startswith("planning-"):
            return
        if event.worker.group == CloseWeek.GROUP:
            self.close_out.failed(event.worker.error)  # its own words, and only those
            return
        error = describe_error(event.worker.error or RuntimeError("unknown error"))
        what = {"planning-pool": "The Up next pool could not be loaded from Trello",
                "planning-week": "The week could not be opened", "planning-save": "The plan could not be saved",
                "planning-publish": "Publishing stopped", "planning-rota": "The rota could not be saved",
                "planning-knowledge": "Past plans could not be read for who knows which customer",
                }.get(event.worker.group, "Something failed")
        if event.worker.group == "planning-pool":
            self.note_error(event.worker.error, "loading the Up next pool")  # the header says "not loaded" now
            self.query_one(Banner).show(f"⚠ {what}: {failure_problem(event.worker.error or RuntimeError())}; the "
                                        "saved plan still shows, press r to retry (? shows the detail).")
            self._update_header()
        else:
            self.notify(f"{what}: {error}", severity="error", markup=False, timeout=10)

    def on_week_opened(self, message: WeekOpened) -> None:
        self._plan, self._source, self._rota = message.opened.plan, message.opened.source, message.rota
        self._week = self._plan.week
        if message.opened.note:
            self.notify(message.opened.note, markup=False)
        self._knowledge = None
        self._render_plan()
        self.load_knowledge(self._plan.week, self._plan.developers)

    def on_pool_loaded(self, message: PoolLoaded) -> None:
        self._pool = message.pool
        self.note_error(None)
        banner = self.query_one(Banner)
        if message.pool.problems:
            banner.show("⚠ Some boards could not be read: " + "; ".join(message.pool.problems), info=True)
        elif not banner.has_class("-record"):  # a plan-of-record message stays until it is answered
            banner.hide()
        if self._plan is not None and self._source is not WeekSource.SAVED and self._week is not None:
            self.open_week(self._week)  # an unsaved week is re-derived with the fresh pool (or the one asked for)
        elif self._plan is not None:
            self.load_knowledge(self._plan.week, self._plan.developers)  # the boards' card members count too
        self._render_plan()

    def on_plan_published(self, message: PlanPublished) -> None:
        report = message.report
        failed = report.outcome is not None and not report.outcome.ok
        self.notify(report.summary(), title="Publish", severity="error" if failed else "information",
                    markup=False, timeout=10)
        for note in report.notes[:5]:
            self.notify(note, severity="warning", markup=False)

    def on_rota_saved(self, message: RotaSaved) -> None:
        self._rota = message.rota
        for problem in message.rota.problems:
            self.notify(problem, severity="warning", markup=False)
        self._update_header()

    # --- rendering --------------------------------------------------------------------------------
    def _style_for(self, level: Level) -> str:
        theme = self.app.current_theme
        return {Level.OVER: f"bold {theme.error}", Level.UNDER: f"{theme.warning}",
                Level.ON_TARGET: f"{theme.success}"}.get(level, "dim")

    def _render_plan(self) -> None:
        self._update_header()
        plan = self._plan
        if plan is None:
            return
        totals = plan_totals(plan, self.desk.settings.customers, self.pool_items)
        projector = self.has_class("-projector")
        width = max(MIN_DAY_WIDTH, (self.size.width - WHO_WIDTH - 2 - 12 - 2) // 5)
        self.query_one(PlanGrid).show(plan, totals, self._style_for, day_width=width,
                                      row_height=4 if projector else 3)
        notes, by_customer = marks(plan, totals, self._knowledge, self.desk.settings.planning.max_card_days)
        self.query_one("#customers", TotalsPanel).show(totals, self._style_for, marks=by_customer)
        self.query_one("#pool", TotalsPanel).show(totals, self._style_for, pool=True, notes=notes)

    def _update_header(self) -> None:
        week = self._plan.week if self._plan is not None else self._week
        if week is None:
            return
        text = planning_header(week, self._rota, self._source, self._pool, pool_failed=bool(self.error_detail),
                               record_line=self.plan_record.line, zone=ZoneInfo(self.desk.settings.sla.timezone))
        header = self.query_one(DeskHeader)
        header.left, header.right, header.right_short = text.left, text.right, text.right_short

    # --- editing ------------------------------------------------------------------------------------
    def _cell(self) -> tuple[Plan, str, date | None] | None:
        plan = self._plan
        if plan is None:
            return None
        at = self.query_one(PlanGrid).cell_at_cursor(plan)
        if at is None:
            return None
        return plan, at[0], at[1]

    def _change(self, plan: Plan, warnings: Iterable[str] = ()) -> None:
        for warning in dict.fromkeys(warnings):
            self.notify(warning, severity="warning", markup=False)
        if plan == self._plan:
            return
        before = self._plan if self._source is WeekSource.SAVED else None
        self._plan, self._source = plan, WeekSource.SAVED
        if self._rota is not None and self._rota.pair == plan.triage_pair and self._rota.source is not RotaSource.SAVED:
            self._rota = replace(self._rota, source=RotaSource.SAVED)  # saving the plan records its pair in the rota
        self._render_plan()
        self.save_plan(plan, before)

    def _day_cell(self) -> tuple[Plan, str, date] | None:
        cell = self._cell()
        if cell is None:
            return None
        plan, dev, day = cell
        if day is None:
            self.notify("Move to a day first (→ or l).", markup=False)
            return None
        return plan, dev, day

    def action_available(self, step: int) -> None:
        cell = self._cell()
        if cell is not None:
            plan, dev, _ = cell
            self._change(plan.increase_available(dev) if step > 0 else plan.decrease_available(dev))

    def action_clear(self) -> None:
        cell = self._day_cell()
        if cell is not None:
            plan, dev, day = cell
            self._change(plan.clear(dev, day))

    def action_triage(self) -> None:
        cell = self._day_cell()
        if cell is None:
            return
        plan, dev, day = cell
        outcome = plan.mark_triage(dev, day)
        warnings = list(outcome.warnings)
        if plan.triage_pair and dev not in plan.triage_pair and outcome.plan != plan:
            warnings.append(f"{dev} is not in this week's triage pair ({' + '.join(plan.triage_pair)}).")
        self._change(outcome.plan, warnings)

    @on(DataTable.CellSelected, "#grid")
    def _cell_selected(self) -> None:
        self.action_assign()

    def action_assign(self) -> None:
        cell = self._day_cell()
        if cell is None:
            return
        plan, dev, day = cell
        free = 2 - len(plan.cell(dev, day))
        if free <= 0:
            self.notify(f"{dev}'s {day_label(day)} is full (two half days); x clears it.",
                        severity="warning", markup=False)
            return
        if not self.pool_items:
            self.notify("The Up next pool is empty or still loading (r reloads it).", severity="warning",
                        markup=False)
            return
        totals = plan_totals(plan, (), self.pool_items).items
        where = f"{dev} · {day_label(day)} ({format_half_days(free)} free)"
        pairs = pair_customers(self.desk.settings.customers)
        known, hints = picker_words(self._knowledge, plan, dev, totals, pairs)

        def picked(pick: Pick | None) -> None:
            current = self._plan
            if pick is None or current is None:
                return
            item = next((i for i in self.pool_items if i.card_id == pick.card_id), None)
            if item is None:
                return
            warnings: list[str] = []
            half_days = min(pick.half_days, 2 - len(current.cell(dev, day)))
            for person in (dev, pick.partner) if pick.partner else (dev,):
                for _ in range(half_days):
                    outcome = current.assign(person, day, item) if person in current.developers else None
                    if outcome is not None:
                        current = outcome.plan
                        warnings += outcome.warnings
            self._change(current, [*warnings, *alone_warnings(current, item.card_id, day, pairs)])

        self.app.push_screen(PoolPicker(where, totals, free, known, hints), picked)

    def action_estimate(self) -> None:
        cell = self._day_cell()
        if cell is None:
            return
        plan, dev, day = cell
        card_id = next((s for s in plan.cell(dev, day) if isinstance(s, str)), None)
        if card_id is None:
            self.notify("No card in this cell to estimate.", markup=False)
            return
        item = plan.items[card_id]

        def chosen(choice: EstimateChoice | None) -> None:
            if choice is not None and self._plan is not None:
                self._change(self._plan.set_estimate(card_id, choice.half_days))

        self.app.push_screen(EstimateScreen(item, plan.estimate_for(item)), chosen)

    def action_week(self, step: int) -> None:
        week = self._plan.week if self._plan is not None else self._week
        if week is not None:
            self._week = week.next() if step > 0 else week.prev()
            self.open_week(self._week)

    def action_refresh(self) -> None:
        """`r`: reload the pool from Trello (and the week with it), and look at the plan of record."""
        self.load_pool()
        self.plan_record.check()

    def action_projector(self) -> None:
        if self.app.theme == PROJECTOR_THEME.name:
            self.app.theme = self._theme_before or HOUSE_THEME.name
            self.remove_class("-projector")
        else:
            self._theme_before = self.app.theme
            self.app.theme = PROJECTOR_THEME.name
            self.add_class("-projector")
        self._render_plan()

    def action_rota(self) -> None:
        plan = self._plan
        if plan is None:
            return
        team = self.desk.settings.team
        people = eligible_people(team.triage_leads, team.developers)

        async def suggest_then_ask() -> None:
            suggestion = await self.service.suggest(plan.week)
            self.app.push_screen(RotaScreen(f"Triage for {plan.week} ({plan.week.span_text()})", plan.triage_pair,
                                            suggestion, team.triage_leads, people), chosen)

        def chosen(pair: TriagePair | None) -> None:
            current = self._plan
            if pair is not None and current is not None and current.week == plan.week:
                updated = current.with_triage_pair(pair)
                self._plan, self._source = updated, WeekSource.SAVED
                self._render_plan()
                self.save_rota(updated, pair)

        self.run_worker(suggest_then_ask(), group="planning-rota-ask", exclusive=True, exit_on_error=False)

    def action_publish(self) -> None:
        plan = self._plan
        if plan is None:
            return
        cards = planned_cards(plan, self.pool_items)
        if not cards:
            self.notify("Nothing to publish: no card has work planned this week.", markup=False)
            return
        pool = self.pool_items

        def answer(yes: bool | None) -> None:
            if yes:
                self.publish(plan, pool)

        self.app.push_screen(ConfirmScreen(
            f"Publish {plan.week} to Trello? For {len(cards)} card(s): add the planned developers as members, set "
            "the due date to the last planned day and comment the plan. Publishing again only fills in what is "
            "missing."), answer)

    def action_confirmations(self) -> None:
        if self._plan is not None:
            self.app.push_screen(ConfirmationsScreen(self.service, self._plan, self.pool_items,
                                                     self.desk.services.call.confirmations))

    # --- the components' keys and messages: the plan of record, the roster, the close-out -------------------
    def on_record_notice(self, message: RecordNotice) -> None:
        self.plan_record.notice(message)

    def on_record_shown(self, message: RecordShown) -> None:
        self.plan_record.shown(message)

    def action_record(self, choice: str) -> None:
        self.plan_record.choose(choice)  # m M F T

    def action_add_person(self) -> None:
        self.roster_keys.add_person()

    def action_remove_person(self) -> None:
        self.roster_keys.remove_person()

    def action_close_week(self) -> None:
        self.close_out.ask()

    def on_week_closed(self, message: WeekClosed) -> None:
        self.close_out.finished(message)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Commands for ``ctrl+p`` that run the same actions as the keys."""
        yield SystemCommand("Publish plan", "Publish this week's plan to Trello (p)", self.action_publish)
        yield SystemCommand("Confirmations", "Each customer's confirmation (o)", self.action_confirmations)
        yield SystemCommand("Triage rota", "Choose the week's triage pair (R)", self.action_rota)
        yield SystemCommand("Close the week", "Finished cards to the week's Done list, the handover (C)",
                            self.action_close_week)
        yield SystemCommand("Projector mode", "Large cells, high-contrast theme (P)", self.action_projector)
        yield SystemCommand("Add person", "Add someone to this week's roster only (N)", self.action_add_person)
        yield SystemCommand("Previous week", "The week before (w)", lambda: self.action_week(-1))
        yield SystemCommand("Next week", "The week after (W)", lambda: self.action_week(1))
