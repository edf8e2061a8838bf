"""What the simulated triage person does during the soak (filled in with the triage service)."""

from __future__ import annotations

from benchmarks.soak import Action

ACTIONS: list[Action] = []
