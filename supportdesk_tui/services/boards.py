"""PLACEHOLDER: being written (see the issue); the container already wires it."""

from __future__ import annotations

from supportdesk_tui.services.context import ServiceContext


class BoardsService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
