"""Lists are found by their configured names the same way everywhere: case and spacing forgiven, nothing else."""

from __future__ import annotations

import pytest

from supportdesk_tui.domain.boards import Board, BoardList


def board_with(*names: str) -> Board:
    return Board("b1", "Acme - Support", "", tuple(BoardList(f"l{i}", n, i) for i, n in enumerate(names)), ())


@pytest.mark.parametrize(("on_board", "configured", "found"), [
    ("Up next", "Up next", True),
    ("UP NEXT", "up next", True),
    ("  Up   next ", "Up next", True),
    ("Up\tnext", "Up next", True),
    ("Up-next", "Up next", False),
    ("UpNext", "Up next", False),
    ("Up next!", "Up next", False),
    ("Done 2026-W49", "Done 2026-W49", True),
])
def test_a_list_is_found_by_name_forgiving_case_and_spacing(on_board: str, configured: str, found: bool) -> None:
    assert (board_with("New Issues", on_board).list_named(configured) is not None) is found
