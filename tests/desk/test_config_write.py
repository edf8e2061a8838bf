"""Writes the user consented to keep their file as they wrote it: comments, order, layout; nothing else
changes, no backup copy is left, and a change that would not load is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportdesk_tui.config import load_settings
from supportdesk_tui.services.config_write import ConfigWriteError, add_email_domain

ORIGINAL = '''# Our desk. Keep this comment.
[groove]
subdomain = "consultancy"   # the account

[[customers]]
name = "Acme Ltd"
trello_board = "b1"
email_domains = [
    "acme.example",   # the main one
]

[[customers]]
name = "Bluebird"       # no domains yet
trello_board = "b2"
'''


def test_a_domain_is_added_in_place_and_everything_else_is_kept(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "config.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert add_email_domain(path, "Acme Ltd", "Acme-Group.example") is True
    assert add_email_domain(path, "Bluebird", "bluebird.example") is True
    assert path.read_text(encoding="utf-8") == ORIGINAL.replace(
        '    "acme.example",   # the main one\n', '    "acme.example",   # the main one\n    "acme-group.example",\n'
    ).replace('trello_board = "b2"\n', 'trello_board = "b2"\nemail_domains = ["bluebird.example"]\n')
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no .bak, no temp file
    settings = load_settings({"SUPPORTDESK_CONFIG": str(path)})
    assert [c.email_domains for c in settings.customers] == [("acme.example", "acme-group.example"),
                                                             ("bluebird.example",)]


def test_a_change_that_would_not_load_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = ORIGINAL.replace('subdomain = "consultancy"', 'subdomain = "Not A Subdomain"')
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigWriteError, match=r"groove\.subdomain"):
        add_email_domain(path, "Acme Ltd", "acme-group.example")
    assert path.read_text(encoding="utf-8") == broken
