"""Entry point: ``supportdesk [--demo] [login|doctor|serve|fake-api|plan export|agenda|week close|standup]``.

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
from supportdesk_tui.config import ConfigError, Settings, load_settings, missing_config_message
from supportdesk_tui.credentials import (
    LABELS,
    Credentials,
    CredentialsError,
    keyring_problem,
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
    init = sub.add_parser("init", help="write a config file from what the Groove and Trello accounts show")
    init.add_argument("--yes", action="store_true", help="write without asking (guesses left open are listed)")
    init.add_argument("--force", action="store_true", help="replace an existing config file")
    init.add_argument("--print", action="store_true", dest="print_only", help="only print the proposed file")
    init.add_argument("--me", metavar="EMAIL", help="your email as a Groove agent, for [team] me")
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
    agenda = sub.add_parser("agenda", help="the agenda for a customer's call (since the last call)")
    agenda.add_argument("customer", help="the customer's name, as in [[customers]]")
    agenda.add_argument("--format", choices=("md", "text"), default="md")
    week = sub.add_parser("week", help="the week's close-out")
    week_sub = week.add_subparsers(dest="week_command", metavar="SUBCOMMAND")
    close = week_sub.add_parser("close", help="move last week's finished cards to the week's Done list and "
                                "write the triage handover")
    close.add_argument("--week", help="ISO week like 2026-W49 (default: this week)")
    standup = sub.add_parser("standup", help="the day's stand-up: plan, what moved, commitments, triage")
    standup.add_argument("--date", help="a day like 2026-11-25 (default today; a weekend reads the Friday before)")
    standup.add_argument("--format", choices=("md", "text"), default="md")
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
    if command == "init":
        return _init(args)
    if args.demo:
        if command is not None:
            raise UsageError("--demo opens the app on the fakes; use it without a command")
        return _run_demo(args.data_dir)
    settings = load_settings(data_dir=args.data_dir)
    if command in (None, "doctor") and not settings.config_found:
        raise UsageError(missing_config_message(settings.config_path))  # never open an unconfigured desk
    if command == "login":
        return _login(settings)
    if command == "doctor":
        return _doctor(settings)
    if command == "plan":
        return _plan(settings, args)
    if command in ("agenda", "week"):
        return _call(settings, args)
    if command == "standup":
        return _standup(settings, args)
    return _run_app(settings)


def _check_keys(settings: Settings) -> None:
    if not settings.keys:
        return  # nothing to check, and no reason to import every screen before the first paint
    from supportdesk_tui.bootstrap import key_problems

    problems = key_problems(settings.keys)  # unknown ids, and remaps that steal another binding's key
    if problems:
        raise ConfigError(settings.config_path, problems)


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
    from supportdesk_tui.demo import demo_credentials, demo_settings, demo_this_week, seed_demo_plans, start_fakes

    env = start_fakes()
    try:
        env.simulate_arrivals(every_s=120)
        with tempfile.TemporaryDirectory(prefix="supportdesk-demo-") as tmp:
            settings = demo_settings(env, data_dir or Path(tmp))
            now = env.groove.clock.now()
            seed_demo_plans(settings.data_dir, now, demo_this_week(env.trello, settings, now))
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
    # Stopped by a process manager (SIGTERM), or by closing its terminal (SIGHUP), as by Ctrl+C:
    # the servers close and the temp dir goes.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):  # no SIGHUP on Windows
            signal.signal(getattr(signal, name), lambda *_: sys.exit(0))
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
    command = shlex.join(_this_command())
    print(f"Open the app on them from another terminal (or run `doctor` the same way):\n  {line} {command}")
    # The new user's way: no config yet, `init` writes one from what the fakes show, then the app.
    fresh = {**variables, "SUPPORTDESK_CONFIG": str(tmp / "init" / "config.toml"),
             "SUPPORTDESK_DATA_DIR": str(tmp / "init-data")}
    print("Or set it up as a new user would, in another terminal:")
    print("  export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in fresh.items()))
    print(f"  {command} init\n  {command}", flush=True)


def _this_command() -> list[str]:
    """How to run this same installation from another terminal, where its venv may not be active:
    the full path of the running `supportdesk` script, else this interpreter with ``-m``."""
    exe = Path(sys.argv[0])
    if exe.name == "supportdesk" and exe.exists():
        return [str(exe.resolve())]
    return [sys.executable, "-m", "supportdesk_tui"]


def _serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    # The browser session runs this same installation: the console script when we were started by it,
    # else this interpreter with -m (so it works without `supportdesk` on PATH).
    command = shlex.join([*_this_command(), *(["--demo"] if args.serve_demo else [])])
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

    problem = keyring_problem()  # before asking for anything: there may be nowhere to store it
    if problem is not None:
        print(f"supportdesk: {problem}", file=sys.stderr)
        return 2
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


def _init(args: argparse.Namespace) -> int:
    """`supportdesk init`: see :mod:`supportdesk_tui.services.setup.run`. Runs before the config is
    loaded, since the file may not exist yet (or be the broken one being replaced)."""
    from supportdesk_tui.services.doctor import run_doctor
    from supportdesk_tui.services.setup.run import (
        ExistingConfigError,
        InitError,
        InitOptions,
        refuse_existing,
        run_init,
    )

    with tempfile.TemporaryDirectory(prefix="supportdesk-init-") as tmp:
        base = load_settings(config_path=Path(tmp) / "absent.toml")  # the URLs, from the environment
    try:
        path = load_settings().config_path
    except ConfigError as exc:  # there, but not valid: --force may replace it
        path = exc.path
    options = InitOptions(config_path=path, groove_url=base.groove_url, trello_url=base.trello_url,
                          yes=args.yes, force=args.force, print_only=args.print_only, me=args.me)
    # Without --yes every question is read from standard input, a terminal or not; an input that has
    # ended answers "no" (nothing is written by default).
    interactive = not args.yes
    refusal = refuse_existing(options)  # before anything is asked or read
    if refusal:
        print(f"supportdesk: {refusal}", file=sys.stderr)
        return 1
    credentials = _init_credentials(base, interactive)

    async def doctor(config: Path) -> list[str]:
        settings = load_settings(config_path=config)
        return [check.line() for check in await run_doctor(settings, credentials)]

    def ask(question: str) -> str:
        print(f"{question}: ", end="", flush=True)
        return sys.stdin.readline().strip()

    try:
        return asyncio.run(run_init(options, credentials, ask=ask if interactive else None, say=print,
                                    doctor=doctor))
    except ExistingConfigError as exc:
        print(f"supportdesk: {exc}", file=sys.stderr)
        return 1
    except InitError as exc:
        raise UsageError(str(exc)) from None


def _credentials_or_env() -> Credentials:
    """The environment's and the keyring's credentials; with no usable keyring, the environment's alone."""
    try:
        return load_credentials()
    except CredentialsError:
        return load_credentials(use_keyring=False)


def _init_credentials(settings: Settings, interactive: bool) -> Credentials:
    """Env and keyring; with none at all, offer `login` first (interactively), else one sentence, exit 2."""
    credentials = _credentials_or_env()
    if not credentials.missing():
        return credentials
    names = ", ".join(LABELS[n] for n in credentials.missing())
    if interactive:
        print(f"No {names} found in the environment or the keyring.")
        print("Run `supportdesk login` now? [Y/n]: ", end="", flush=True)
        answer = sys.stdin.readline()  # "" only at the end of the input: that is a no
        if answer and answer.strip().lower() in ("", "y", "yes"):
            if _login(settings) != 0:
                raise UsageError("login did not store the credentials; nothing was written")
            credentials = load_credentials()
            if not credentials.missing():
                return credentials
    raise UsageError(f"init needs the {names} to read the accounts: run `supportdesk login` first, or set "
                     "the SUPPORTDESK_* environment variables (nothing was written).")


def _doctor(settings: Settings) -> int:
    from supportdesk_tui.services.doctor import Check, run_doctor

    advice = keyring_problem()  # the same words as `login` says them
    try:
        credentials = load_credentials(use_keyring=advice is None)
    except CredentialsError as exc:
        print(Check("Keyring", False, str(exc)).line())
        credentials = load_credentials(use_keyring=False)
        keyring_ok = False
    else:
        keyring_ok = advice is None
    try:
        _check_keys(settings)
        keys = Check("Key bindings", True, f"{len(settings.keys)} custom key(s)")
    except ConfigError as exc:
        keys = Check("Key bindings", False, "; ".join(exc.problems))
    checks = [keys, *asyncio.run(run_doctor(settings, credentials, keyring_advice=advice))]
    for check in checks:
        print(check.line())
    ok = keyring_ok and all(c.ok for c in checks)
    print("All is well." if ok else "Some checks failed (see above).")
    return 0 if ok else 1


def _call(settings: Settings, args: argparse.Namespace) -> int:
    """``agenda CUSTOMER`` and ``week close``: they read (and the close-out writes) both services."""
    if args.command == "week" and args.week_command != "close":
        raise UsageError("usage: supportdesk week close [--week YYYY-Www]")
    if not settings.config_found:
        raise UsageError(missing_config_message(settings.config_path))
    from supportdesk_tui.services.call.commands import CommandError, agenda_command, close_command

    credentials = load_credentials()
    try:
        if args.command == "agenda":
            print(agenda_command(settings, credentials, args.customer, args.format), end="")
            return 0
        text, ok = close_command(settings, credentials, args.week)
    except CommandError as exc:
        print(f"supportdesk: {exc}", file=sys.stderr)
        return 1
    print(text, end="")
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


def _standup(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 with what could be read (what could not is said at the end); 1 only when there is no plan."""
    from supportdesk_tui.services.standup.report import BadDateError, NoPlanError, parse_day, standup_report

    try:
        day = parse_day(args.date)
    except BadDateError as exc:
        raise UsageError(str(exc)) from None
    credentials = _credentials_or_env()
    try:
        print(standup_report(settings, credentials, day, args.format), end="")
    except NoPlanError as exc:
        print(f"supportdesk: {exc}", file=sys.stderr)
        return 1
    return 0
