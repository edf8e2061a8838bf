"""Write ``tests/journal/fixtures/journal_v2.sqlite3``: the journal as the code of its day left it.

Run from the repository root: ``python -m tests.journal.make_fixture``. The file was made once, with
the journal that stored step attempts as ``"<step>@attempt"`` keys among the step results, and is
committed; the compatibility test opens a copy of it with the current code.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from pathlib import Path

from tests.journal.scenario import run_scenario, start_fakes

TARGET = Path(__file__).parent / "fixtures" / "journal_v2.sqlite3"


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="journal-fixture-"))
    fakes = start_fakes()
    try:
        await run_scenario(fakes, work / "data")
        source = sqlite3.connect(work / "data" / "supportdesk.sqlite3")
        TARGET.unlink(missing_ok=True)
        target = sqlite3.connect(TARGET)
        source.backup(target)  # one self-contained file (the WAL folded in)
        target.execute("PRAGMA journal_mode=DELETE")
        target.execute("VACUUM")
        target.close()
        source.close()
    finally:
        fakes.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
