"""The Planning screen's help (shown by `?` above its key table), kept apart so the screen's module holds
only what it does."""

PLANNING_HELP = """
## Planning
Developers as rows, Monday to Friday as columns, for one ISO week. A cell holds two half days: work
from the pool of Up next cards, or triage. The first column shows each developer's planned days
against what they give this week, the utilisation and, in words, whether they are over or under.
Below: each customer's planned days against the days agreed (`commitment_days`), and the team total
counted both ways. Public holidays (`[sla].holidays`) are marked and reduce what anyone can give.

- `enter` on a day (or a click on the highlighted cell): assign work from the pool; type to filter,
  `tab` for half a day instead of the whole day
- `x` clear the cell · `t` half a day of triage · `e` the estimate of the card in the cell
- `+` / `-` the developer's available days, in half days
- `w` / `W` the week before / after; a week without a plan starts from last week's
- `R` the week's triage pair (one triage lead plus one other; a fair rotation is suggested)
- `p` publish to Trello: the developers join each card, its due date becomes the last planned day and
  the plan is commented; publishing again only fills in what is missing
- `o` each customer's confirmation: send it as its own Groove ticket to their contact, or copy it
- `C` close the week (asks first): last week's finished cards to the week's Done list, the triage handover
  on next week's plan card
- `P` projector mode (large cells, light theme) for the shared screen; again to go back
- `N` add someone to this week only; `D` take the person under the cursor off it (nothing planned)
- Two people on a card the same day pair on it: each gives their half days, the card counts them once;
  the picker says who knows each customer and, where `pair = true`, offers a partner

The plan of record is a card per week in the Support plans list on Support Epics: every change goes
there within seconds; what others save shows on `r` and each poll. Both changed one cell: theirs is
kept and the banner says so (`m` puts yours over it, `M` keeps theirs). A card broken by hand, doubled
or moved away stops the week's writing: `F` rewrites it from this machine's copy, `T` takes the card's.
"""
