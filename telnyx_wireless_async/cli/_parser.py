"""The command line's grammar: global options, the commands and their options."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import NoReturn, TypeVar

from telnyx_wireless_async import __version__
from telnyx_wireless_async._validation import (
    MAX_PAGE_SIZE,
    check_enum,
    check_int_range,
    check_seconds,
    check_uuid,
)
from telnyx_wireless_async.models import (
    DataAmount,
    RegistrationStatus,
    SimCardActionStatusFilter,
    SimCardActionType,
    SimCardStatusFilter,
)
from telnyx_wireless_async.resources._data_limit import data_limit_body
from telnyx_wireless_async.resources.sim_card_actions import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
)
from telnyx_wireless_async.resources.sim_card_actions import (
    DEFAULT_TIMEOUT as DEFAULT_WAIT_TIMEOUT,
)
from telnyx_wireless_async.resources.sim_card_groups import check_name
from telnyx_wireless_async.resources.sim_cards import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    MAX_CHUNK_SIZE,
    MAX_CONCURRENCY,
)
from telnyx_wireless_async.testing._command import add_emulator_arguments

__all__ = ["BULK_ACTIONS", "PROG", "build_parser"]

T = TypeVar("T")

PROG = "telnyx-wireless"

# The SDK streams pages of MAX_PAGE_SIZE by default too: the fewest requests.
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE
# AsyncSession's default; it has no constant of its own to import.
DEFAULT_TIMEOUT = 30.0

EPILOG = """\
Global options may come before or after the command.

exit status:
  0    success
  1    unexpected error (a bug, or writing the output failed part way)
  2    usage error: bad option, an input file that is missing, unreadable,
       empty or malformed, a ledger in use by another run, an output file
       that cannot be created (nothing was sent), or a SIM card group ID or
       name that names no group, or several (nothing was changed)
  3    API error: the API could not be reached, refused the key, or failed
  4    partial failure: some registration codes failed, have no known outcome,
       or were found already registered on a retry, perhaps before the run;
       or some cards' actions failed or have no known outcome (see the ledger;
       run the same command again to resume); for validate, some codes are
       invalid or unknown
  130  interrupted (Ctrl-C)

environment:
  TELNYX_API_KEY   the API key, unless --api-key is given
  TELNYX_BASE_URL  the API root, unless --base-url is given
                   (default: https://api.telnyx.com/v2)
"""


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` that reports a mistake in one line of stderr, then exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


_NAME = "value"
"""The name the SDK's checks are given; argparse names the option in its own words."""


def _checked(
    convert: Callable[[str], object], expected: str, check: Callable[[str, object], T]
) -> Callable[[str], T]:
    """Return an argparse type: `convert` the text, then judge it by the SDK's own `check`.

    So an option takes exactly what the SDK's argument takes, and says why not in its words:
    ``argument --page-size: must be between 1 and 250, got 0``.
    """

    def parse(text: str) -> T:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        try:
            return check(_NAME, value)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(str(exc).removeprefix(f"{_NAME} ")) from None

    return parse


def _int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    return _checked(int, "a whole number", partial(check_int_range, low=low, high=high))


def _seconds(*, allow_zero: bool) -> Callable[[str], float]:
    return _checked(float, "seconds", partial(check_seconds, allow_zero=allow_zero))


_uuid = _checked(str, "an ID", check_uuid)

_group = _checked(str, "a SIM card group ID or name", check_name)

_DATA_LIMIT = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]+)\s*")
_DATA_UNITS = ("MB", "GB")


def _data_limit(text: str) -> DataAmount:
    """Parse ``2048MB``, ``2 GB`` or ``1.5gb`` into a `DataAmount`, judged by the SDK's check."""
    match = _DATA_LIMIT.fullmatch(text)
    if match is None or match.group(2).upper() not in _DATA_UNITS:
        raise argparse.ArgumentTypeError(
            f"expected an amount and a unit, MB or GB (such as 2048MB or 1.5GB), got {text!r}"
        )
    amount, unit = match.group(1), match.group(2).upper()
    try:
        body = data_limit_body(_NAME, {"amount": amount, "unit": unit})
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"{_NAME}.")) from None
    return DataAmount(amount=Decimal(body["amount"]), unit=body["unit"])


def _words(what: str, enum: type[StrEnum] | None = None) -> Callable[[str], list[str]]:
    """Parse ``a,b`` into ``[a, b]``, each a value of `enum` if given."""

    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"expected a {what}, got {text!r}")
        if enum is not None:
            for item in items:
                try:
                    check_enum(what, item, enum)
                except ValueError:
                    choices = ", ".join(member.value for member in enum)
                    raise argparse.ArgumentTypeError(
                        f"invalid {what} {item!r} (choose from {choices})"
                    ) from None
        return items

    return parse


def _global_options(*, in_command: bool) -> _Parser:
    """Return a parent parser with the options every command takes.

    Commands get them with no defaults (``SUPPRESS``), so an option given before the
    command is not overwritten by the command's parser.
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if in_command else value

    parent = _Parser(add_help=False)
    group = parent.add_argument_group("global options")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        default=default(None),
        help="the Telnyx API key (default: $TELNYX_API_KEY); never printed",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=default(None),
        help="the API root (default: $TELNYX_BASE_URL, else https://api.telnyx.com/v2)",
    )
    group.add_argument(
        "--concurrency",
        metavar="N",
        type=_int_range(1, MAX_CONCURRENCY),
        default=default(DEFAULT_CONCURRENCY),
        help="requests in flight at once: register chunks, card actions, or pages fetched ahead "
        f"(1-{MAX_CONCURRENCY}; default: {DEFAULT_CONCURRENCY})",
    )
    group.add_argument(
        "--page-size",
        metavar="N",
        type=_int_range(1, MAX_PAGE_SIZE),
        default=default(DEFAULT_PAGE_SIZE),
        help=f"SIM cards per page request (1-{MAX_PAGE_SIZE}; default: {DEFAULT_PAGE_SIZE})",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds(allow_zero=False),
        default=default(DEFAULT_TIMEOUT),
        help=f"the longest one request may take (default: {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="print retries as they happen, and a traceback on error",
    )
    return parent


def _add_card_filters(parser: argparse.ArgumentParser, title: str) -> argparse._ArgumentGroup:
    """Add the options that select cards (``--tag``, ``--status`` ...); return their group."""
    filters = parser.add_argument_group(title)
    filters.add_argument(
        "--tag",
        dest="tags",
        metavar="TAG",
        action="extend",
        type=_words("tag"),
        help="only cards carrying this tag; repeat (or use commas) for cards carrying all",
    )
    filters.add_argument("--iccid", help="only cards whose ICCID contains this")
    filters.add_argument("--msisdn", help="only the card with this MSISDN")
    statuses = ", ".join(status.value for status in SimCardStatusFilter)
    filters.add_argument(
        "--status",
        dest="statuses",
        metavar="STATUS",
        action="extend",
        type=_words("status", SimCardStatusFilter),
        help=f"only cards in this state; repeat for any of several ({statuses})",
    )
    filters.add_argument(
        "--group",
        metavar="GROUP",
        type=_group,
        help="only cards in this SIM card group: its ID, or its name if no other group has it",
    )
    return filters


def _add_sims(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    sims = commands.add_parser(
        "sims",
        parents=[common],
        help="stream the SIM-card inventory as a table, JSON Lines or CSV",
        description="Stream every SIM card that matches the filters, page after page, writing "
        "each as it arrives: memory use does not grow with the inventory.",
        epilog="Without --format: a table when writing to a terminal, JSON Lines otherwise.",
    )
    filters = _add_card_filters(sims, "filters (a card must match every one given)")
    filters.add_argument(
        "--include-group",
        action="store_true",
        help="fetch each card's group too (its name is shown in the table and CSV)",
    )
    filters.add_argument(
        "--sort",
        choices=("asc", "desc"),
        help="order by data consumed in the current billing period",
    )
    _listing_output(sims, "card")


def _add_register(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    register = commands.add_parser(
        "register",
        parents=[common],
        help="register the SIM cards behind a file of registration codes, resumably",
        description="Register the SIM cards behind the registration codes in FILE, in chunks "
        "sent concurrently, recording each code's outcome in a ledger as chunks complete. "
        "Run the same command again to resume: codes the ledger records as registered, or "
        "as refused by the API, are not sent again.",
        epilog="FILE holds one 10-digit code per line, or is a CSV file whose header names "
        "the code column. Blank lines and lines starting with # are skipped. The ledger is "
        "JSON Lines: one object per code, with its outcome (registered, failed, unknown) and "
        "the error or reason.",
    )
    register.add_argument("file", metavar="FILE", help="the codes; - reads standard input")
    register.add_argument(
        "--column",
        metavar="NAME",
        help="the CSV column holding the codes (default: registration_code or code)",
    )
    register.add_argument(
        "--ledger",
        metavar="LEDGER",
        help="where to record outcomes, and resume from (default: FILE.ledger.jsonl; "
        "required when FILE is -); locked while a run uses it",
    )
    register.add_argument(
        "--retry-failed",
        action="store_true",
        help="send again the codes the ledger records as refused by the API",
    )
    options = register.add_argument_group("registration options")
    options.add_argument(
        "--group",
        metavar="GROUP",
        type=_group,
        help="put the cards in this SIM card group: its ID, or its name if no other group "
        "has it (default: the account's default group)",
    )
    options.add_argument(
        "--tag",
        dest="tags",
        metavar="TAG",
        action="extend",
        type=_words("tag"),
        help="give the cards this tag; repeat for several",
    )
    options.add_argument(
        "--status",
        choices=tuple(status.value for status in RegistrationStatus),
        help="the state to put the cards in (the API's default: enabled)",
    )
    options.add_argument(
        "--chunk-size",
        metavar="N",
        type=_int_range(1, MAX_CHUNK_SIZE),
        default=DEFAULT_CHUNK_SIZE,
        help=f"codes per request (1-{MAX_CHUNK_SIZE}; default: {DEFAULT_CHUNK_SIZE})",
    )


def _listing_output(parser: argparse.ArgumentParser, noun: str) -> None:
    """Add ``--format table|jsonl|csv``, ``--output`` and ``--limit``, as `sims` has them."""
    output = parser.add_argument_group("output")
    output.add_argument(
        "--format",
        choices=("table", "jsonl", "csv"),
        help=f"table, jsonl (one JSON object per {noun}, as the API spells it), or csv "
        "(default: table on a terminal, jsonl otherwise)",
    )
    output.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    output.add_argument("--limit", metavar="N", type=_int_range(1), help=f"stop after N {noun}s")


def _record_output(parser: argparse.ArgumentParser, noun: str) -> None:
    """Add ``--format text|json`` for a command that prints one record."""
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        help=f"text (one field a line, for people) or json (the {noun} as the API spells it); "
        "default: text on a terminal, json otherwise",
    )


def _add_sim(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    sim = commands.add_parser(
        "sim",
        parents=[common],
        help="show one SIM card in full",
        description="Show one SIM card in full: its status, group, data, device and network.",
        epilog="The PIN and PUK codes are secrets: they are fetched and printed only with "
        "--pin-puk, on standard output, and never appear in errors or --debug output.",
    )
    sim.add_argument("sim_card_id", metavar="ID", type=_uuid, help="the SIM card's ID")
    sim.add_argument(
        "--pin-puk", action="store_true", help="fetch and show the card's PIN and PUK codes"
    )
    sim.add_argument(
        "--group", action="store_true", help="fetch the card's SIM card group too, and show it"
    )
    _record_output(sim, "card")


def _add_actions(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    actions = commands.add_parser(
        "actions",
        parents=[common],
        help="stream SIM card actions (enable, disable, standby...) as a table, JSON Lines or CSV",
        description="Stream every SIM card action that matches the filters, page after page, "
        "writing each as it arrives.",
    )
    filters = actions.add_argument_group("filters (an action must match every one given)")
    filters.add_argument(
        "--action-type",
        choices=tuple(kind.value for kind in SimCardActionType),
        help="only actions of this type",
    )
    filters.add_argument(
        "--status",
        choices=tuple(status.value for status in SimCardActionStatusFilter),
        help="only actions in this state (the API cannot filter on interrupted)",
    )
    filters.add_argument(
        "--sim-card-id", metavar="ID", type=_uuid, help="only the actions of this SIM card"
    )
    filters.add_argument(
        "--bulk-action-id",
        metavar="ID",
        type=_uuid,
        help="only the actions this bulk SIM card action started",
    )
    _listing_output(actions, "action")


def _add_validate(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="ask the API which registration codes in a file are valid, registering nothing",
        description="Ask the API whether each registration code in FILE can be registered: "
        "a dry run of register. Codes are sent in chunks, --concurrency at a time. The report "
        "counts the valid, invalid and unknown codes (unknown: the API gave no verdict, or "
        "the request failed after its retries), and lists the invalid ones with the API's "
        "detail and the unknown ones with the reason.",
        epilog="FILE is read as register reads it: one 10-digit code per line, or a CSV file "
        "whose header names the code column; blank lines and # comments are skipped. "
        "Exit status 4 if any code is invalid or unknown, 0 if every code is valid.",
    )
    validate.add_argument("file", metavar="FILE", help="the codes; - reads standard input")
    validate.add_argument(
        "--column",
        metavar="NAME",
        help="the CSV column holding the codes (default: registration_code or code)",
    )
    validate.add_argument(
        "--chunk-size",
        metavar="N",
        type=_int_range(1, MAX_CHUNK_SIZE),
        default=DEFAULT_CHUNK_SIZE,
        help=f"codes per request (1-{MAX_CHUNK_SIZE}; default: {DEFAULT_CHUNK_SIZE})",
    )
    validate.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text (the report, for people; the default) or jsonl (one object per unique "
        "code: code, outcome valid|invalid|unknown, and the detail or reason)",
    )


_GROUP_HELP = "the group's ID, or its name if no other group has it"


def _add_groups(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    groups = commands.add_parser(
        "groups",
        parents=[common],
        help="list, show, create, update and delete SIM card groups",
        description="Manage SIM card groups. A group is named by its ID, or by its name when "
        "no other group has that name; a name several groups share is refused (exit 2), "
        "with their IDs.",
        epilog="Data limits are an amount and a unit, MB or GB: 2048MB, 2GB, 1.5GB.",
    )
    verbs = groups.add_subparsers(
        dest="groups_command", metavar="SUBCOMMAND", required=True, title="subcommands"
    )
    listing = verbs.add_parser(
        "list",
        parents=[common],
        help="list the groups, with how many cards each holds",
        description="List the SIM card groups, with how many cards each holds.",
    )
    listing.add_argument(
        "--name", type=_group, help="only the groups with this name (exact, case included)"
    )
    _listing_output(listing, "group")

    show = verbs.add_parser(
        "show",
        parents=[common],
        help="show one group",
        description="Show one SIM card group: its data limit, consumption and card count.",
    )
    show.add_argument("group", metavar="GROUP", type=_group, help=_GROUP_HELP)
    show.add_argument("--iccids", action="store_true", help="list the ICCIDs of its cards too")
    _record_output(show, "group")

    create = verbs.add_parser(
        "create",
        parents=[common],
        help="create a group",
        description="Create a SIM card group, and show it. Names need not be unique, but a "
        "name shared by several groups cannot name them here.",
    )
    create.add_argument("name", metavar="NAME", type=_group, help="the new group's name")
    create.add_argument(
        "--data-limit",
        metavar="AMOUNT",
        type=_data_limit,
        help="the most data the group's cards may use, such as 2048MB or 2GB (default: the API's)",
    )
    _record_output(create, "group")

    update = verbs.add_parser(
        "update",
        parents=[common],
        help="rename a group or change its data limit",
        description="Change a SIM card group's name or data limit (at least one), and show it.",
    )
    update.add_argument("group", metavar="GROUP", type=_group, help=_GROUP_HELP)
    update.add_argument("--name", metavar="NAME", type=_group, help="the group's new name")
    update.add_argument(
        "--data-limit", metavar="AMOUNT", type=_data_limit, help="the new data limit, e.g. 4GB"
    )
    _record_output(update, "group")

    delete = verbs.add_parser(
        "delete",
        parents=[common],
        help="delete an empty group",
        description="Delete a SIM card group for good. The API refuses to delete the default "
        "group, and may refuse a group that still holds cards (move them first).",
        epilog="On a terminal it asks first; elsewhere (a script, a pipe) --yes is required.",
    )
    delete.add_argument("group", metavar="GROUP", type=_group, help=_GROUP_HELP)
    delete.add_argument(
        "-y", "--yes", action="store_true", help="delete without asking for confirmation"
    )
    _record_output(delete, "deleted group")


_card_id = _checked(str, "a SIM card ID", check_uuid)

BULK_ACTIONS: dict[str, tuple[str, str]] = {
    "enable": ("enable", "enabled"),
    "disable": ("disable", "disabled"),
    "standby": ("set_standby", "standby"),
}
"""Per lifecycle command: the SIM card action it starts, and the status it leads to."""

_BULK_HELP = {
    "enable": "enable many SIM cards, by ID or filter, and wait for each; resumable",
    "disable": "disable many SIM cards, by ID or filter, and wait for each; resumable",
    "standby": "set many SIM cards to standby, by ID or filter, and wait for each; resumable",
}


def _add_bulk_actions(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """Add ``enable``, ``disable`` and ``standby``: one action on many cards, resumably."""
    for name, (action, target) in BULK_ACTIONS.items():
        command = commands.add_parser(
            name,
            parents=[common],
            help=_BULK_HELP[name],
            description=f"Start the {action} action on every SIM card selected, by ID or by "
            "filter, at most --concurrency requests at once, and wait until each action has "
            "finished. Selecting by filter reads every matching card's ID first, then acts, "
            "so the action moving cards out of the filter cannot make any be missed. "
            f"Cards the listing shows {target} already are not sent. Per-card outcomes go "
            "to standard output, a summary to standard error.",
            epilog="Selection: --id and --ids-file, or the filters; not both, and one of them "
            "(no selection is refused rather than taken as every card). An IDs file holds "
            "one SIM card ID per line; blank lines and lines starting with # are skipped. "
            "Selecting by filter asks for confirmation on a terminal; elsewhere it needs "
            "--yes (or --dry-run), else it stops with exit status 2 before anything is "
            "sent. Outcomes: completed, already (in the target state already), failed (the "
            "API refused, or the action failed: with the reason), unknown (with the reason), "
            "started (--no-wait). Resuming: with a ledger, a rerun does not send again the "
            "cards it records as completed, already or started, nor (unless --retry-failed) "
            "failed; cards recorded started or unknown with an action ID have that action "
            "looked up instead of a new one started. Exit status 4 when any card failed or "
            "has no known outcome. Without --format: a table on a terminal, JSON Lines "
            "otherwise.",
        )
        selection = command.add_argument_group("selection by ID")
        selection.add_argument(
            "--id",
            dest="ids",
            metavar="SIM_CARD_ID",
            action="append",
            type=_card_id,
            help="act on this card; repeat for several",
        )
        selection.add_argument(
            "--ids-file",
            metavar="FILE",
            help="act on the cards whose IDs FILE holds, one per line; - reads standard input",
        )
        _add_card_filters(command, "selection by filter (a card must match every one given)")
        options = command.add_argument_group(f"{name} options")
        options.add_argument(
            "-n",
            "--dry-run",
            action="store_true",
            help="send no action: count and list the cards that would be acted on (IDs are "
            "looked up, one GET each, to tell which exist and which are "
            f"{target} already)",
        )
        options.add_argument(
            "-y", "--yes", action="store_true", help="act on cards selected by filter unasked"
        )
        options.add_argument(
            "--no-wait",
            action="store_true",
            help="return once every action is started (outcome: started), without waiting",
        )
        options.add_argument(
            "--wait-timeout",
            metavar="SECONDS",
            type=_seconds(allow_zero=False),
            default=DEFAULT_WAIT_TIMEOUT,
            help="the longest to wait for the actions once all are started; those still "
            f"running then are unknown (default: {DEFAULT_WAIT_TIMEOUT:g}; --timeout is "
            "each request's)",
        )
        options.add_argument(
            "--poll-interval",
            metavar="SECONDS",
            type=_seconds(allow_zero=False),
            default=DEFAULT_POLL_INTERVAL,
            help="seconds between the first rounds of looking the actions up, growing by "
            f"half each round up to {DEFAULT_MAX_POLL_INTERVAL:g} (default: "
            f"{DEFAULT_POLL_INTERVAL:g})",
        )
        options.add_argument(
            "--ledger",
            metavar="LEDGER",
            help="where to record each card's outcome as JSON Lines, and resume from "
            f"(default: FILE.{name}.ledger.jsonl with --ids-file FILE, else none); locked "
            "while a run uses it",
        )
        options.add_argument(
            "--retry-failed",
            action="store_true",
            help="act again on the cards the ledger records as failed",
        )
        options.add_argument(
            "--format",
            choices=("table", "jsonl", "csv"),
            help="the per-card outcomes as a table, jsonl (one JSON object per card, as the "
            "ledger writes it), or csv",
        )
        command.set_defaults(action=action, target=target)


def _add_emulator(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    emulator = commands.add_parser(
        "emulator",
        parents=[common],
        help="serve the bundled emulator of the API until interrupted",
        description="Serve the bundled emulator of the Telnyx Wireless API until interrupted, "
        "with faults injected if asked. It accepts the key of --api-key, else "
        "TELNYX_API_KEY, else test-api-key, and says which at start (never a key's value). "
        "The same as: python -m telnyx_wireless_async.testing",
    )
    # The global --api-key is the key the emulator accepts.
    add_emulator_arguments(emulator, api_key_option=False)


def _add_demo(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="see the SDK at work against the bundled emulator, in one command",
        description="Start the bundled emulator in this process, register a few thousand "
        "codes (some invalid, some repeated, some already in use), stream the whole "
        "inventory, and show what happened and how fast. Nothing leaves this machine.",
    )
    demo.add_argument(
        "--size",
        type=_int_range(0),
        default=100_000,
        help="SIM cards in the emulated account (default: %(default)s)",
    )
    demo.add_argument(
        "--codes",
        type=_int_range(1),
        default=3000,
        help="new registration codes to register (default: %(default)s)",
    )
    demo.add_argument(
        "--latency",
        metavar="SECONDS",
        type=_seconds(allow_zero=True),
        default=0.025,
        help="added to every request, like a real network (default: %(default)s)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of ``telnyx-wireless`` and its commands."""
    parser = _Parser(
        prog=PROG,
        description="Manage Telnyx Wireless SIM cards from the command line: stream the\n"
        "inventory, register cards in bulk, enable, disable or set standby many cards,\n"
        "or try it all against the bundled emulator.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(in_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, title="commands"
    )
    common = _global_options(in_command=True)
    _add_sims(commands, common)
    _add_register(commands, common)
    _add_bulk_actions(commands, common)
    _add_sim(commands, common)
    _add_actions(commands, common)
    _add_validate(commands, common)
    _add_groups(commands, common)
    _add_emulator(commands, common)
    _add_demo(commands, common)
    return parser
