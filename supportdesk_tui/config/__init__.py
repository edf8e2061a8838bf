"""The config file: its keys (``schema``), how a document is checked (``reader``), how it is found and
turned into :class:`Settings` with the environment's overrides (``loader``).

Everything the rest of the app uses is importable from here.
"""

from supportdesk_tui.config.loader import (
    APP_NAME,
    DEFAULT_GROOVE_URL,
    DEFAULT_TRELLO_URL,
    EXAMPLE_CONFIG,
    ConfigError,
    Settings,
    check_base_url,
    default_config_path,
    default_data_dir,
    load_settings,
    missing_config_message,
    parse_settings,
    read_toml,
)
from supportdesk_tui.config.schema import (
    DAY_NAMES,
    ConfigFile,
    CustomerSettings,
    GrooveSettings,
    ListNames,
    PlanningSettings,
    SlaSettings,
    TeamSettings,
    TrelloSettings,
    TriageSettings,
)

__all__ = [
    "APP_NAME", "DAY_NAMES", "DEFAULT_GROOVE_URL", "DEFAULT_TRELLO_URL", "EXAMPLE_CONFIG", "ConfigError",
    "ConfigFile", "CustomerSettings", "GrooveSettings", "ListNames", "PlanningSettings", "Settings", "SlaSettings",
    "TeamSettings", "TrelloSettings", "TriageSettings", "check_base_url", "default_config_path",
    "default_data_dir", "load_settings", "missing_config_message", "parse_settings", "read_toml",
]
