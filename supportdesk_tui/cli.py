"""Entry point: ``supportdesk [--demo] [login|doctor|serve|fake-api|plan export]``.

This is the composition root: it reads config and credentials (keyring runs here, before any UI),
builds the services and hands them to the App. Every expected failure ends as a plain message on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import shlex
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from supportdesk_tui import __version__
from supportdesk_tui.config import ConfigError, Settings, load_settings
from supportdesk_tui.credentials import (
    LABELS,
    Credentials,
    CredentialsError,
    load_credentials,
    store_credentials,
)

if TYPE_CHECKING:
    from supportdesk_tui.demo import FakeEnvironment


class UsageError(Exception):
    """A problem the user can fix; printed as is."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportdesk", description="The support desk in your terminal.")
    parser.add_argument("--version", action="version", version=f"supportdesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="run on the built-in fake Groove and Trello servers with a believable week of data")
    parser.add_argument("--data-dir", type=Path, help="where state goes (default: platformdirs' data dir; "
                        "with --demo a fresh temp dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("login", help="store the Groove token and Trello key and token in the keyring, checked first")
    sub.add_parser("doctor", help="check config, credentials, connectivity and board mapping")
    serve = sub.add_parser("serve", help="serve the app in a browser (for the shared screen on Monday)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", dest="serve_demo", help="serve the demo")
    fake = sub.add_parser("fake-api", help="run both fake APIs in the foreground and print their base URLs")
    fake.add_argument("--port", type=int, default=0, help="Groove port (Trello on the next one); 0 = free ports")
    fake.add_argument("--seed", default="demo")
    fake.add_argument("--tickets", type=int, default=100)
    fake.add_argument("--latency-ms", type=float, default=0.0)
    fake.add_argument("--error-rate", type=float, default=0.0)
    plan = sub.add_parser("plan", help="the week's plan")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="SUBCOMMAND")
    export = plan_sub.add_parser("export", help="print the week's plan and the per-customer confirmations")
    export.add_argument("--week", help="ISO week like 2026-W48 (default: this week)")
    export.add_argument("--format", choices=("md", "csv"), default="md")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (ConfigError, CredentialsError, UsageError) as exc:
        print(f"supportdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "fake-api":
        return _fake_api(args)
    if command == "serve":
        return _serve(args)
    if args.demo:
        if command is not None:
            raise UsageError("--demo opens the app on the fakes; use it without a command")
        return _run_demo(args.data_dir)
    settings = load_settings(data_dir=args.data_dir)
    if command == "login":
        return _login(settings)
    if command == "doctor":
        return _doctor(settings)
    if command == "plan":
        return _plan(settings, args)
    return _run_app(settings)


def _check_keys(settings: Settings) -> None:
    if not settings.keys:
        return  # nothing to check, and no reason to import every screen before the first paint
    from supportdesk_tui.bootstrap import known_binding_ids

    unknown = sorted(set(settings.keys) - known_binding_ids())
    if unknown:
        raise ConfigError(settings.config_path, [f"keys.{k}: unknown binding id (see `?` in the app for ids)"
                                                 for k in unknown])


def _run_app(settings: Settings) -> int:
    _check_keys(settings)
    credentials = load_credentials()
    missing = credentials.missing()
    if "groove_token" in missing:
        raise CredentialsError("no Groove token: run `supportdesk login`, or set SUPPORTDESK_GROOVE_TOKEN "
                               "(try `supportdesk --demo` to see the app on fake data)")
    return _run(settings, credentials)


def _run(settings: Settings, credentials: Credentials) -> int:
    from supportdesk_tui.bootstrap import make_app

    app = make_app(settings, credentials)
    app.run()
    return int(app.return_code or 0)


def _run_demo(data_dir: Path | None) -> int:
    from supportdesk_tui.demo import demo_credentials, demo_settings, start_fakes

    env = start_fakes()
    try:
        env.simulate_arrivals(every_s=120)
        with tempfile.TemporaryDirectory(prefix="supportdesk-demo-") as tmp:
            settings = demo_settings(env, data_dir or Path(tmp))
            return _run(settings, demo_credentials())
    finally:
        env.stop()


def _fake_api(args: argparse.Namespace) -> int:
    from supportdesk_tui.demo import start_fakes
    from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN

    if not 0 <= args.error_rate <= 1:
        raise UsageError("--error-rate must be between 0 and 1")
    try:
        env = start_fakes(port=args.port, seed=args.seed, tickets=args.tickets, latency_ms=args.latency_ms,
                          error_rate=args.error_rate)
    except OSError as exc:
        raise UsageError(f"cannot listen on port {args.port}: {exc.strerror}") from None
    print(f"Groove: {env.groove_url}  (token: {DEMO_GROOVE_TOKEN})")
    if env.trello_server is not None:
        print(f"Trello: {env.trello_url}  (key: {DEMO_TRELLO_KEY}, token: {DEMO_TRELLO_TOKEN})")
    print("These are the fakes' own demo credentials. Ctrl+C stops.", flush=True)
    # Stopped by a process manager (SIGTERM) as by Ctrl+C: the servers close and the temp dir goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with tempfile.TemporaryDirectory(prefix="supportdesk-fake-api-") as tmp:
            _print_how_to_open(env, Path(tmp))
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        env.stop()


def _print_how_to_open(env: FakeEnvironment, tmp: Path) -> None:
    """The one line that opens the app on these fakes from another terminal, with the demo's customers
    and team in a config file that lives as long as the fakes; nothing touches the user's own config,
    keyring or data."""
    import tomli_w

    from supportdesk_tui.demo import demo_config
    from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN

    config = tmp / "config.toml"
    config.write_text(tomli_w.dumps(demo_config()), encoding="utf-8")
    variables = {"SUPPORTDESK_CONFIG": str(config), "SUPPORTDESK_DATA_DIR": str(tmp / "data"),
                 "SUPPORTDESK_GROOVE_URL": env.groove_url, "SUPPORTDESK_GROOVE_TOKEN": DEMO_GROOVE_TOKEN}
    if env.trello_server is not None:
        variables |= {"SUPPORTDESK_TRELLO_URL": env.trello_url, "SUPPORTDESK_TRELLO_KEY": DEMO_TRELLO_KEY,
                      "SUPPORTDESK_TRELLO_TOKEN": DEMO_TRELLO_TOKEN}
    line = " ".join(f"{name}={shlex.quote(value)}" for name, value in variables.items())
    print(f"Open the app on them from another terminal (or run `doctor` the same way):\n  {line} supportdesk",
          flush=True)


def _serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    # The browser session runs this same installation: the console script when we were started by it,
    # else this interpreter with -m (so it works without `supportdesk` on PATH).
    exe = Path(sys.argv[0])
    launcher = [str(exe)] if exe.name == "supportdesk" and exe.exists() else [sys.executable, "-m", "supportdesk_tui"]
    command = shlex.join([*launcher, *(["--demo"] if args.serve_demo else [])])
    server = Server(command, host=args.host, port=args.port, title="supportdesk")
    server.serve()
    return 0


def _ask(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"{prompt}: ").strip()
    line = sys.stdin.readline()
    return line.strip()


def _login(settings: Settings) -> int:
    from supportdesk_tui.services.doctor import check_groove, check_trello

    values: dict[str, str] = {}
    for name in ("groove_token", "trello_key", "trello_token"):
        value = _ask(LABELS[name])
        if not value:
            raise UsageError(f"{LABELS[name]} is empty; nothing was stored")
        values[name] = value
    groove = asyncio.run(check_groove(settings.groove_url, values["groove_token"]))
    print(groove.line())
    trello = asyncio.run(check_trello(settings.trello_url, values["trello_key"], values["trello_token"]))
    print(trello.line())
    if not (groove.ok and trello.ok):
        print("supportdesk: nothing was stored; fix the failing credential and run login again", file=sys.stderr)
        return 1
    store_credentials(values)
    print("Stored in the system keyring (service 'supportdesk').")
    return 0


def _doctor(settings: Settings) -> int:
    from supportdesk_tui.services.doctor import Check, run_doctor

    try:
        credentials = load_credentials()
    except CredentialsError as exc:
        print(Check("Keyring", False, str(exc)).line())
        credentials = load_credentials(use_keyring=False)
        keyring_ok = False
    else:
        keyring_ok = True
    try:
        _check_keys(settings)
        keys = Check("Key bindings", True, f"{len(settings.keys)} custom key(s)")
    except ConfigError as exc:
        keys = Check("Key bindings", False, "; ".join(exc.problems))
    checks = [keys, *asyncio.run(run_doctor(settings, credentials))]
    for check in checks:
        print(check.line())
    ok = keyring_ok and all(c.ok for c in checks)
    print("All is well." if ok else "Some checks failed (see above).")
    return 0 if ok else 1


def _plan(settings: Settings, args: argparse.Namespace) -> int:
    if args.plan_command != "export":
        raise UsageError("usage: supportdesk plan export [--week YYYY-Www] [--format md|csv]")
    from supportdesk_tui.services.planning.export import NoPlanError, export_week_from

    try:
        credentials: Credentials | None = load_credentials()
    except CredentialsError:
        credentials = None  # no keyring: this machine's copy, and the source line says so
    try:
        text, source = export_week_from(settings, args.week, args.format, credentials=credentials)
    except NoPlanError as exc:
        print(f"supportdesk: {exc}", file=sys.stderr)
        return 1
    print(text, end="")
    print(source, file=sys.stderr)  # stdout stays the plan alone, for pipes
    return 0
