"""The customer call's agenda: the running total in words and the text read on the call."""

from __future__ import annotations

from datetime import date

import pytest

from supportdesk_tui.domain.agenda import Agenda, AgendaCard, SlaSince, render_agenda, up_next_words


@pytest.mark.parametrize(("estimates", "agreed", "words"), [
    ([2, 4, 1], 3, "Up next: 3.5 d of 3 d agreed: over by 0.5 d"),
    ([2, 2], 3, "Up next: 2 d of 3 d agreed: 1 d still free"),
    ([2, 4], 3, "Up next: 3 d of 3 d agreed: exactly as agreed"),
    ([2, None, None], 3, "Up next: 1 d of 3 d agreed: 2 d still free (2 cards without an estimate)"),
    ([], 1.5, "Up next: 0 d of 1.5 d agreed: 1.5 d still free"),
    ([3], None, "Up next: 1.5 d, no commitment agreed"),
])
def test_running_total_in_words(estimates: list[int | None], agreed: float | None, words: str) -> None:
    assert up_next_words(estimates, agreed) == words


def test_agenda_reads_like_the_calls_notes() -> None:
    agenda = Agenda(
        customer="Acme Ltd", today=date(2026, 12, 3), last_call=date(2026, 11, 26), next_call_words="call today",
        agreed_days=3,
        finished=(AgendaCard("VAT number on invoices", 4, date(2026, 12, 1)),),
        waiting=(AgendaCard("Export shows\nformulas", None, date(2026, 11, 30), "#212 closed"),),
        up_next=(AgendaCard("Single sign-on loop", 4), AgendaCard("Rebuild the portal", 50,
                                                                  too_big="bigger than support work (25 d)")),
        sla=SlaSince(7, 5, 1, 2), open_tickets=("#230 Can't log in (at risk, 3:10 left)",))
    text = render_agenda(agenda)
    assert text.splitlines()[:2] == ["## Call with Acme Ltd: Thu 3 Dec 2026",
                                     "Since the last call on Thu 26 Nov; call today."]
    assert "### Finished\n- VAT number on invoices (2 d, finished Tue 1 Dec)\n" in text
    assert "### New Issues waiting\n- Export shows formulas (waiting since Mon 30 Nov, #212 closed)\n" in text
    assert "### Up next: 27 d of 3 d agreed: over by 24 d\n- Single sign-on loop (2 d)\n" \
        "- Rebuild the portal (25 d, bigger than support work (25 d))\n" in text
    assert "- 7 tickets received, 5 resolved in time, 1 breached, 2 backlogged" in text
    assert "### Tickets open now\n- #230 Can't log in (at risk, 3:10 left)\n" in text
    plain = render_agenda(agenda, markdown=False)
    assert "Finished:\n  VAT number on invoices" in plain and "#" not in plain.splitlines()[0]
