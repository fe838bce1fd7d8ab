"""Deterministic synthetic SIM-card inventory and registration codes for the emulator.

Every synthetic card is a pure function of ``(seed, index)``: nothing is stored per card, so an
inventory of a million cards costs no memory until a request pages through it. Cards registered
through the API are appended after the synthetic ones. What the API changes about a card
(status, tags, group, data limit, authorized IMEIs, deletion) is kept in an overlay of changed
cards only: a card nobody changed costs nothing, and listings read the overlay where it exists.

A card's ID encodes its index (an invertible scramble, checked on the way back), so looking a
card up by ID costs nothing whatever the inventory's size.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, overload

__all__ = [
    "CARD_STATUSES",
    "DEFAULT_TAG_POOL",
    "FILTER_STATUSES",
    "MAX_INVENTORY_SIZE",
    "REGISTRATION_STATUSES",
    "SORT_CONSUMED_DATA_ASC",
    "SORT_CONSUMED_DATA_DESC",
    "STATUS_REASONS",
    "TRANSITIONAL_STATUSES",
    "UNAUTHORIZED_IMEI_INTERVAL",
    "CardQuery",
    "Inventory",
    "UnknownGroupError",
    "is_valid_registration_code",
    "luhn_check_digit",
    "registration_code",
]

CARD_STATUSES: tuple[str, ...] = (
    "registering",
    "enabling",
    "enabled",
    "disabling",
    "disabled",
    "data_limit_exceeded",
    "setting_standby",
    "standby",
)
"""Every ``SIMCardStatus.value`` the API documents."""

FILTER_STATUSES: tuple[str, ...] = (
    "enabled",
    "disabled",
    "standby",
    "data_limit_exceeded",
    "unauthorized_imei",
)
"""Values accepted by ``filter[status]``; ``unauthorized_imei`` is a flag, not a card status."""

REGISTRATION_STATUSES: tuple[str, ...] = ("enabled", "disabled", "standby")
"""Statuses a card can be registered into."""

SORT_CONSUMED_DATA_ASC = "current_billing_period_consumed_data.amount"
"""``sort`` value ordering by consumed data, smallest first."""

SORT_CONSUMED_DATA_DESC = "-current_billing_period_consumed_data.amount"
"""``sort`` value ordering by consumed data, largest first."""

DEFAULT_TAG_POOL: tuple[str, ...] = (
    "personal",
    "customers",
    "active-customers",
    "staff",
    "test",
    "iot",
    "fleet",
    "backup",
)
"""Tags synthetic cards draw from (0 to 3 each) unless another pool is given."""

UNAUTHORIZED_IMEI_INTERVAL = 50
"""Synthetic cards whose index is a multiple of this have the hidden "unauthorized IMEI" flag."""

RENDER_CACHE_SIZE = 200_000
"""Most encoded synthetic cards kept (about 160 MB at most)."""

_SELECTION_CACHE_SIZE = 8

MAX_INVENTORY_SIZE = 100_000_000
"""Upper bound on synthetic cards. ICCIDs and MSISDNs are unique among the first 320 million
cards, synthetic then registered, so across the largest inventory too."""

_MASK64 = (1 << 64) - 1
_MASK62 = (1 << 62) - 1
# An odd multiplier is invertible modulo 2**62: card IDs scramble the index and give it back.
_ID_MULTIPLIER = 0x2545F4914F6CDD1D & _MASK62
_ID_INVERSE = pow(_ID_MULTIPLIER, -1, 1 << 62)

# Weighted so that most cards are enabled, as in a live fleet, while every stable status occurs.
# No synthetic card is transitional: a card shows registering, enabling, disabling or
# setting_standby only while an action started through the API runs on it, so a status and
# its action never disagree. The last eight slots once drew those four statuses; they now draw
# where each would have settled (registering and enabling to enabled, disabling to disabled,
# setting_standby to standby), so every other card of a seed keeps the status it always had.
_STATUS_BY_BITS: tuple[str, ...] = (
    ("enabled",) * 12
    + ("disabled",) * 5
    + ("standby",) * 4
    + ("data_limit_exceeded",) * 3
    + ("enabled",) * 2
    + ("enabled",) * 2
    + ("disabled",) * 2
    + ("standby",) * 2
)

STATUS_REASONS: dict[str, str] = {
    "registering": "The SIM card is being registered.",
    "enabling": "The SIM card is being connected to the network.",
    "enabled": "The SIM card is active, ready to connect to networks and consume data.",
    "disabling": "The SIM card is being disconnected from the network.",
    "disabled": "The SIM card has been deactivated and cannot connect to networks.",
    "data_limit_exceeded": "The SIM card has exceeded its data consumption limit.",
    "setting_standby": "The SIM card is being put in standby.",
    "standby": "The SIM card is in standby: it can connect to networks but cannot consume data.",
}
"""The ``SIMCardStatus.reason`` that goes with each status value."""

TRANSITIONAL_STATUSES = frozenset({"registering", "enabling", "disabling", "setting_standby"})
"""Statuses of a card whose change is under way: no new action may start from them."""

# (amount as the API spells it, unit, the same limit in MB)
_DATA_LIMITS: tuple[tuple[str, str, int], ...] = (
    ("500.0", "MB", 500),
    ("1024.0", "MB", 1024),
    ("2048.0", "MB", 2048),
    ("5120.0", "MB", 5120),
    ("1.0", "GB", 1024),
    ("5.0", "GB", 5120),
    ("10.0", "GB", 10240),
    ("20.0", "GB", 20480),
)

_AREA_CODES: tuple[str, ...] = (
    "201", "202", "206", "212", "213", "214", "305", "310",
    "312", "404", "407", "415", "469", "503", "510", "512",
    "602", "617", "646", "702", "713", "718", "720", "773",
    "786", "818", "832", "858", "917", "929", "949", "972",
)  # fmt: skip

_SIM_VERSIONS: tuple[str, ...] = ("4.3", "4.4", "5.0", "5.1")

_GROUP_COUNT = 4
_GROUP_NAMES: tuple[str, ...] = ("Default", "Fleet trackers", "Smart meters", "Staff phones")

_EPOCH = datetime(2018, 1, 1, tzinfo=UTC)
_REGISTRATION_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_SIX_YEARS_S = 6 * 365 * 86_400
_ONE_YEAR_S = 365 * 86_400


# Byte value of an ASCII digit -> the Luhn sum digit of twice that digit.
_LUHN_DOUBLED = {48 + d: (2 * d) - 9 if d > 4 else 2 * d for d in range(10)}


def luhn_check_digit(digits: str) -> str:
    """Return the Luhn check digit to append to a string of ASCII digits.

    Args:
        digits: The payload the check digit protects.

    Returns:
        A single digit character.
    """
    # Walking from the right, every other digit is doubled starting with the rightmost payload
    # digit, because the check digit itself will take the undoubled rightmost position.
    # Byte slices and a lookup table: this runs a few times per card served.
    raw = digits.encode("ascii")
    doubled = sum(_LUHN_DOUBLED[byte] for byte in raw[-1::-2])
    plain = sum(raw[-2::-2]) - 48 * len(raw[-2::-2])
    return str((10 - (doubled + plain) % 10) % 10)


def registration_code(n: int) -> str:
    """Return the n-th valid registration code: ``n`` zero-padded to 9 digits plus a Luhn digit.

    Args:
        n: Which code, from 0 to 999_999_999.

    Returns:
        A 10-digit code the emulator accepts.

    Raises:
        ValueError: If ``n`` does not fit in 9 digits.
    """
    if not 0 <= n < 10**9:
        raise ValueError(f"n must be between 0 and 999999999, got {n}")
    payload = f"{n:09d}"
    return payload + luhn_check_digit(payload)


def is_valid_registration_code(code: object) -> bool:
    """Tell whether ``code`` is 10 ASCII digits whose last digit is the Luhn digit of the rest."""
    return (
        isinstance(code, str)
        and len(code) == 10
        and code.isascii()
        and code.isdigit()
        and luhn_check_digit(code[:9]) == code[9]
    )


def _mix64(value: int) -> int:
    """Scramble a 64-bit integer (SplitMix64 finalizer): cheap, portable and well distributed."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def _derived_uuid(*parts: object) -> str:
    """Return a version-4-shaped UUID that is a pure function of ``parts``."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def _timestamp(moment: datetime) -> str:
    """Format like the API does, e.g. ``2018-02-02T22:25:27.521Z``."""
    return moment.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _amount(tenths: int) -> str:
    """Format a data amount given in tenths of a MB, e.g. ``20490`` -> ``"2049.0"``."""
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True, slots=True)
class CardQuery:
    """Filters and ordering for listing cards; the default instance selects every card in order.

    Attributes:
        tags: A card matches only if it carries all of these.
        iccid: Substring the ICCID must contain.
        msisdn: Substring the MSISDN must contain.
        statuses: A card matches if it has any of these (values of ``FILTER_STATUSES``).
        sim_card_group_id: Lower-case group UUID the card must belong to.
        sort: ``SORT_CONSUMED_DATA_ASC``, ``SORT_CONSUMED_DATA_DESC`` or None for inventory order.
    """

    tags: frozenset[str] = frozenset()
    iccid: str | None = None
    msisdn: str | None = None
    statuses: frozenset[str] = frozenset()
    sim_card_group_id: str | None = None
    sort: str | None = None


@dataclass(frozen=True, slots=True)
class _Registration:
    """What a registration request fixed about a card; everything else derives from its index."""

    code: str
    status: str
    tags: tuple[str, ...]
    sim_card_group_id: str


class UnknownGroupError(LookupError):
    """Raised when a SIM card group ID names no group of the account."""


class GroupInUseError(ValueError):
    """Raised when deleting a group the account cannot lose: the default one, or one with cards."""


class Inventory:
    """The cards an emulated account owns: synthetic ones first, then registered ones.

    Synthetic card ``i`` (``0 <= i < size``) is a pure function of ``(seed, i)``. Registered cards
    take the indexes after them, in registration order. Changes made through the API live in an
    overlay keyed by index; `change` is the only way in, and it invalidates what it must.
    """

    def __init__(
        self,
        *,
        size: int = 1000,
        seed: int = 0,
        tag_pool: Sequence[str] = DEFAULT_TAG_POOL,
    ) -> None:
        """Create an inventory.

        Args:
            size: Number of synthetic cards, from 0 to ``MAX_INVENTORY_SIZE``.
            seed: Any integer; the same seed always yields the same cards.
            tag_pool: Tags synthetic cards draw from.

        Raises:
            ValueError: If ``size`` is out of range or a tag is empty or repeated.
        """
        if not 0 <= size <= MAX_INVENTORY_SIZE:
            raise ValueError(f"size must be between 0 and {MAX_INVENTORY_SIZE}, got {size}")
        pool = tuple(tag_pool)
        if any(not isinstance(tag, str) or not tag for tag in pool) or len(set(pool)) != len(pool):
            raise ValueError("tag_pool must hold distinct non-empty strings")
        self._size = size
        self._seed = seed
        self._tag_pool = pool
        self._key = _mix64(seed & _MASK64)
        self._id_key = _mix64(self._key ^ 0x51DCA4D)
        self._iccid_prefix = f"8901260{seed % 100:02d}"
        self._groups: dict[str, dict[str, Any]] = {}
        for number in range(_GROUP_COUNT):
            group = self._synthetic_group(number)
            self._groups[group["id"]] = group
        self._group_ids: tuple[str, ...] = tuple(self._groups)
        self._groups_created = 0
        self._registrations: list[_Registration] = []
        self._rendered: dict[int, bytes] = {}
        self._rendered_with_group: dict[int, bytes] = {}
        self._selections: dict[tuple[CardQuery, int, int], Sequence[int]] = {}
        self._registered_codes: set[str] = set()
        # The overlay: per changed card, its card-JSON fields that differ, plus private keys.
        self._changes: dict[int, dict[str, Any]] = {}
        self._deleted: list[int] = []
        self._version = 0
        self._synthetic_group_counts: Counter[str] | None = None
        self._group_count_changes: Counter[str] = Counter()

    def __repr__(self) -> str:
        return (
            f"Inventory(size={self._size}, seed={self._seed}, "
            f"registered={len(self._registrations)}, changed={len(self._changes)})"
        )

    @property
    def size(self) -> int:
        """Number of synthetic cards."""
        return self._size

    @property
    def seed(self) -> int:
        """The seed the synthetic cards derive from."""
        return self._seed

    @property
    def tag_pool(self) -> tuple[str, ...]:
        """Tags synthetic cards draw from."""
        return self._tag_pool

    @property
    def total(self) -> int:
        """Number of card indexes: synthetic plus registered, deleted ones included."""
        return self._size + len(self._registrations)

    @property
    def version(self) -> int:
        """A number that grows whenever a card or group changes, for callers' caches."""
        return self._version

    @property
    def group_ids(self) -> tuple[str, ...]:
        """IDs of the synthetic SIM-card groups; the first is the account's default group."""
        return self._group_ids

    @property
    def default_group_id(self) -> str:
        """ID of the group cards join when registered without one."""
        return self._group_ids[0]

    # -- cards by ID -------------------------------------------------------------------------

    def card_id(self, index: int) -> str:
        """Return the ID of card ``index``: its index, scrambled and checked, as a UUID v4."""
        low = ((index ^ (self._id_key & _MASK62)) * _ID_MULTIPLIER) & _MASK62
        high = (_mix64(low ^ self._id_key) & ~(0xF << 12)) | (0x4 << 12)
        return str(uuid.UUID(int=(high << 64) | (0b10 << 62) | low))

    def index_of(self, card_id: str, *, include_deleted: bool = False) -> int | None:
        """Return the index of the card with this ID (any case), or None if there is none.

        A deleted card counts as none, unless ``include_deleted`` is true.
        """
        text = card_id.lower()
        if len(text) != 36 or text.count("-") != 4:
            return None
        try:
            value = int(text.replace("-", ""), 16)
        except ValueError:
            return None
        low = value & _MASK62
        index = ((low * _ID_INVERSE) & _MASK62) ^ (self._id_key & _MASK62)
        if index >= self.total or self.card_id(index) != text:
            return None
        if self.is_deleted(index) and not include_deleted:
            return None
        return index

    # -- what a card is now, overlay included ------------------------------------------------

    def is_deleted(self, index: int) -> bool:
        """Tell whether card ``index`` was deleted through the API."""
        change = self._changes.get(index)
        return change is not None and change.get("_deleted", False)

    def status_of(self, index: int) -> str:
        """Return the ``SIMCardStatus.value`` of card ``index``."""
        change = self._changes.get(index)
        if change is not None and "status" in change:
            value: str = change["status"]["value"]
            return value
        if index < self._size:
            return self._status(self._bits(index))
        return self._registrations[index - self._size].status

    def group_of(self, index: int) -> str | None:
        """Return the group ID of card ``index``; None only if a test took it out of its group."""
        change = self._changes.get(index)
        if change is not None and "sim_card_group_id" in change:
            group: str | None = change["sim_card_group_id"]
            return group
        if index < self._size:
            return self._group_id(self._bits(index))
        return self._registrations[index - self._size].sim_card_group_id

    def tags_of(self, index: int) -> list[str]:
        """Return the tags of card ``index``."""
        change = self._changes.get(index)
        if change is not None and "tags" in change:
            return list(change["tags"])
        if index < self._size:
            return self._tags(self._bits(index))
        return list(self._registrations[index - self._size].tags)

    def is_imei_unauthorized(self, index: int) -> bool:
        """Tell whether card ``index`` is used from an IMEI outside its allow-list.

        Synthetic cards every `UNAUTHORIZED_IMEI_INTERVAL` are, until their
        ``authorized_imeis`` are changed through the API.
        """
        if index >= self._size or index % UNAUTHORIZED_IMEI_INTERVAL:
            return False
        change = self._changes.get(index)
        return change is None or not change.get("_imei_authorized", False)

    def consumed_mb_tenths(self, index: int) -> int:
        """Return the data card ``index`` consumed this billing period, in tenths of a MB."""
        return self._consumed_tenths(index)

    def change(self, index: int, **fields: Any) -> None:
        """Change card ``index``: the one way into the overlay.

        Args:
            index: A card of the inventory.
            **fields: Card-JSON fields to set (``status`` as a value string, ``tags``,
                ``sim_card_group_id``, ``data_limit``, ``authorized_imeis``,
                ``actions_in_progress``, ``updated_at``), and the private flags
                ``_deleted`` and ``_imei_authorized``.

        Raises:
            IndexError: If no card has this index.
            UnknownGroupError: If ``sim_card_group_id`` names no group (None is allowed).
        """
        if not 0 <= index < self.total:
            raise IndexError(f"no card at index {index}")
        new_group = fields.get("sim_card_group_id")
        if new_group is not None and new_group not in self._groups:
            raise UnknownGroupError(new_group)
        old_group = self.group_of(index)
        was_deleted = self.is_deleted(index)
        change = self._changes.setdefault(index, {})
        for name, value in fields.items():
            if name == "status":
                change["status"] = {"value": value, "reason": STATUS_REASONS[value]}
            else:
                change[name] = copy.deepcopy(value)
        counted_before = None if was_deleted else old_group
        counted_after = None if self.is_deleted(index) else self.group_of(index)
        if counted_before != counted_after:
            if counted_before is not None:
                self._group_count_changes[counted_before] -= 1
            if counted_after is not None:
                self._group_count_changes[counted_after] += 1
        if self.is_deleted(index) and not was_deleted:
            bisect.insort(self._deleted, index)
        self._rendered.pop(index, None)
        self._rendered_with_group.pop(index, None)
        self._version += 1

    # -- cards as JSON -----------------------------------------------------------------------

    def card(self, index: int, *, include_group: bool = False) -> dict[str, Any]:
        """Return card ``index`` as a ``SimpleSIMCard`` JSON object, overlay applied.

        Args:
            index: From 0 to ``total - 1``.
            include_group: Also embed the card's group as ``sim_card_group``.

        Returns:
            A freshly built dict the caller may modify.

        Raises:
            IndexError: If no card has this index.
        """
        if not 0 <= index < self.total:
            raise IndexError(f"no card at index {index}")
        bits = self._bits(index)
        if index < self._size:
            card = self._synthetic_card(index, bits)
        else:
            card = self._registered_card(index, bits, self._registrations[index - self._size])
        change = self._changes.get(index)
        if change is not None:
            card.update(
                (name, copy.deepcopy(value))
                for name, value in change.items()
                if not name.startswith("_")
            )
        if include_group:
            group_id = card["sim_card_group_id"]
            card["sim_card_group"] = (
                None if group_id is None else _copy_group(self._groups[group_id])
            )
        return card

    def card_details(
        self, index: int, *, include_group: bool = False, include_pin_puk_codes: bool = False
    ) -> dict[str, Any]:
        """Return card ``index`` as a full ``SIMCard``: the listing's fields and the device's.

        Args:
            index: From 0 to ``total - 1``.
            include_group: Also embed the card's group as ``sim_card_group``.
            include_pin_puk_codes: Also give its (fake, deterministic) PIN and PUK codes.

        Returns:
            A freshly built dict.
        """
        card = self.card(index, include_group=include_group)
        more = _mix64(self._bits(index) ^ 0xDE71CE)
        online = card["status"]["value"] in ("enabled", "standby")
        card.update(
            current_device_location={
                "accuracy": 50 + more % 2000,
                "accuracy_unit": "m",
                "latitude": f"{(more >> 11) % 180_000 / 1000 - 90:.3f}",
                "longitude": f"{(more >> 29) % 360_000 / 1000 - 180:.3f}",
            },
            current_imei=_imeis(more, 1)[0],  # type: ignore[index]
            current_mcc="310",
            current_mnc=("260", "410", "120")[(more >> 48) % 3],
            ipv4=f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}",
            ipv6=f"fd00:7e1:{(index >> 16) & 0xFFFF:x}::{index & 0xFFFF:x}",
            live_data_session="connected" if online and (more >> 52) & 1 else "disconnected",
        )
        if include_pin_puk_codes:
            codes = _mix64(more ^ 0x9197)
            card["pin_puk_codes"] = {
                "pin1": f"{codes % 10**4:04d}",
                "pin2": f"{(codes >> 14) % 10**4:04d}",
                "puk1": f"{(codes >> 28) % 10**8:08d}",
                "puk2": f"{_mix64(codes) % 10**8:08d}",
            }
        return card

    def card_json(self, index: int, *, include_group: bool = False) -> bytes:
        """Return card ``index`` encoded as JSON, as `card` builds it.

        Synthetic cards nobody changed are fixed, so the encodings of the first
        ``RENDER_CACHE_SIZE`` served are kept: a client walking the inventory again, as
        benchmarks and retries do, then costs the emulator a join instead of building every
        card anew. `change` drops a card's encodings; a group change drops every encoding
        that embeds a group.
        """
        rendered = self._rendered_with_group if include_group else self._rendered
        cached = rendered.get(index)
        if cached is not None:
            return cached
        encoded = json.dumps(self.card(index, include_group=include_group)).encode()
        # Once full, the cache keeps what it has: evicting would make a walk over a larger
        # inventory miss on every card.
        if (
            index < self._size
            and len(rendered) < RENDER_CACHE_SIZE
            and not (self._changes and index in self._changes)
        ):
            rendered[index] = encoded
        return encoded

    # -- listings ----------------------------------------------------------------------------

    def select(self, query: CardQuery) -> Sequence[int]:
        """Return the indexes of the live cards matching ``query``, in the order it asks for.

        A filtered or sorted selection scans the inventory; the last few are kept until a
        registration or a change alters the inventory, so walking such a listing page by
        page scans it once, not once a page.
        """
        key = (query, self.total, self._version)
        selection = self._selections.get(key)
        if selection is None:
            selection = self._select(query)
            if len(self._selections) >= _SELECTION_CACHE_SIZE:
                del self._selections[next(iter(self._selections))]
            self._selections[key] = selection
        return selection

    def _select(self, query: CardQuery) -> Sequence[int]:
        if query == CardQuery():
            # Unfiltered, unsorted listing is the hot path for large inventories: a range pages
            # without materialising a million indexes, and deletions are skipped by bisection.
            if self._deleted:
                return _RangeWithout(self.total, tuple(self._deleted))
            return range(self.total)
        # The synthetic cards are scanned as they were made; the few changed ones are then
        # taken out and judged on what they are now.
        matches = [index for index in range(self._size) if self._synthetic_matches(index, query)]
        changes = self._changes
        if changes:
            matches = [index for index in matches if index not in changes]
            matches.extend(
                index for index in changes if index < self._size and self._matches(index, query)
            )
            matches.sort()
        first_registered = self._size
        for offset in range(len(self._registrations)):
            if self._matches(first_registered + offset, query):
                matches.append(first_registered + offset)
        if query.sort == SORT_CONSUMED_DATA_ASC:
            matches.sort(key=lambda index: (self._consumed_tenths(index), index))
        elif query.sort == SORT_CONSUMED_DATA_DESC:
            # Ties keep inventory order in both directions, so pages never shuffle between calls.
            matches.sort(key=lambda index: (-self._consumed_tenths(index), index))
        return matches

    def _matches(self, index: int, query: CardQuery) -> bool:
        """Judge card ``index`` as it is now, overlay included; slower than the synthetic path."""
        if self.is_deleted(index):
            return False
        flagged = "unauthorized_imei" in query.statuses and self.is_imei_unauthorized(index)
        if query.statuses and self.status_of(index) not in query.statuses and not flagged:
            return False
        if query.sim_card_group_id is not None and self.group_of(index) != query.sim_card_group_id:
            return False
        if query.tags and not query.tags.issubset(self.tags_of(index)):
            return False
        if query.iccid is not None and query.iccid not in self._iccid(index):
            return False
        return query.msisdn is None or query.msisdn in self._msisdn(index, self._bits(index))

    # -- registration ------------------------------------------------------------------------

    def is_registered(self, code: str) -> bool:
        """Tell whether ``code`` was already used to register a card."""
        return code in self._registered_codes

    def register(
        self,
        code: str,
        *,
        status: str = "enabled",
        tags: Sequence[str] = (),
        sim_card_group_id: str | None = None,
    ) -> dict[str, Any]:
        """Add the card behind ``code`` to the inventory and return it as JSON.

        Args:
            code: A valid registration code not registered before.
            status: One of ``REGISTRATION_STATUSES``.
            tags: Tags to give the card.
            sim_card_group_id: Lower-case ID of an existing group; None means the default one.

        Returns:
            The new card.

        Raises:
            ValueError: If the code is invalid or already registered, or the status is unknown.
            UnknownGroupError: If ``sim_card_group_id`` names no group.
        """
        if not is_valid_registration_code(code):
            raise ValueError(f"invalid registration code {code!r}")
        if code in self._registered_codes:
            raise ValueError(f"registration code {code!r} is already registered")
        if status not in REGISTRATION_STATUSES:
            raise ValueError(f"cannot register a card as {status!r}")
        group_id = self.default_group_id if sim_card_group_id is None else sim_card_group_id
        if group_id not in self._groups:
            raise UnknownGroupError(group_id)
        self._registered_codes.add(code)
        self._registrations.append(_Registration(code, status, tuple(tags), group_id))
        self._group_count_changes[group_id] += 1
        return self.card(self.total - 1)

    # -- groups ------------------------------------------------------------------------------

    def groups(self) -> list[dict[str, Any]]:
        """Return a copy of every group, oldest first."""
        return [_copy_group(group) for group in self._groups.values()]

    def group(self, group_id: str) -> dict[str, Any] | None:
        """Return a copy of the ``SIMCardGroup`` with this ID, or None if there is none."""
        group = self._groups.get(group_id)
        return None if group is None else _copy_group(group)

    def has_group(self, group_id: str) -> bool:
        """Tell whether the account has a group with this (lower-case) ID."""
        return group_id in self._groups

    def sim_card_count(self, group_id: str) -> int:
        """Return how many live cards are in the group.

        The synthetic cards are counted once, on first use; registrations, moves and
        deletions then adjust the counts as they happen.
        """
        if self._synthetic_group_counts is None:
            self._synthetic_group_counts = Counter(
                self._group_id(self._bits(index)) for index in range(self._size)
            )
        return self._synthetic_group_counts[group_id] + self._group_count_changes[group_id]

    def group_iccids(self, group_id: str) -> list[str]:
        """Return the ICCIDs of the live cards in the group, in inventory order."""
        return [self._iccid(index) for index in self.select(CardQuery(sim_card_group_id=group_id))]

    def create_group(
        self,
        name: str,
        *,
        data_limit: dict[str, str] | None = None,
        group_id: str | None = None,
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """Create a (non-default, empty) group and return a copy of it.

        Args:
            name: Its name; names need not be unique.
            data_limit: ``{"amount": ..., "unit": ...}``; None gives 2048.0 MB.
            group_id: Lower-case UUID to give it, for tests that need a known ID; None derives
                one from the seed.
            created_at: Its ``created_at`` timestamp; None gives a fixed one.

        Raises:
            ValueError: If ``group_id`` is taken.
        """
        self._groups_created += 1
        if group_id is None:
            group_id = _derived_uuid(self._seed, "sim_card_group", 1000 + self._groups_created)
        if group_id in self._groups:
            raise ValueError(f"a group with ID {group_id} exists already")
        at = created_at or _timestamp(_REGISTRATION_EPOCH)
        self._groups[group_id] = {
            "id": group_id,
            "record_type": "sim_card_group",
            "name": name,
            "default": False,
            "data_limit": dict(data_limit or {"amount": "2048.0", "unit": "MB"}),
            "consumed_data": {"amount": "0.0", "unit": "MB"},
            "private_wireless_gateway_id": None,
            "wireless_blocklist_id": None,
            "created_at": at,
            "updated_at": at,
        }
        self._version += 1
        return _copy_group(self._groups[group_id])

    def update_group(self, group_id: str, **fields: Any) -> dict[str, Any]:
        """Set ``name``, ``data_limit`` or ``updated_at`` of a group and return a copy of it.

        Raises:
            UnknownGroupError: If there is no such group.
        """
        group = self._groups.get(group_id)
        if group is None:
            raise UnknownGroupError(group_id)
        group.update(copy.deepcopy(fields))
        # Every encoded card that embeds this group is out of date.
        self._rendered_with_group.clear()
        self._version += 1
        return _copy_group(group)

    def delete_group(self, group_id: str) -> dict[str, Any]:
        """Delete a group and return what it was.

        Raises:
            UnknownGroupError: If there is no such group.
            GroupInUseError: If it is the default group, or still holds cards.
        """
        group = self._groups.get(group_id)
        if group is None:
            raise UnknownGroupError(group_id)
        if group["default"]:
            raise GroupInUseError("the default SIM card group cannot be deleted")
        count = self.sim_card_count(group_id)
        if count:
            raise GroupInUseError(
                f"the SIM card group still holds {count} SIM card(s); move them first"
            )
        del self._groups[group_id]
        self._rendered_with_group.clear()
        self._version += 1
        return _copy_group(group)

    # -- cheap per-card attributes, used by filtering and sorting ---------------------------

    def _bits(self, index: int) -> int:
        return _mix64(self._key ^ index)

    def _status(self, bits: int) -> str:
        return _STATUS_BY_BITS[bits & 31]

    def _tags(self, bits: int) -> list[str]:
        pool = self._tag_pool
        if not pool:
            return []
        count = (bits >> 5) & 3
        picked = {pool[(bits >> (7 + 6 * slot)) % len(pool)] for slot in range(count)}
        # Pool order rather than pick order, so a card's tags read the same way everywhere.
        return [tag for tag in pool if tag in picked]

    def _group_id(self, bits: int) -> str:
        return self._group_ids[(bits >> 25) % _GROUP_COUNT]

    def _iccid(self, index: int) -> str:
        payload = self._iccid_prefix + f"{index:09d}"
        return payload + luhn_check_digit(payload)

    def _msisdn(self, index: int, bits: int) -> str:
        # The last seven digits hold the index below 10 million; each further 10 million turns
        # the area code one step through the list, from where the card's bits placed it. So
        # numbers stay unique while the index is below len(_AREA_CODES) * 10**7, and cards
        # below 10 million keep the numbers they always had.
        block, subscriber = divmod(index, 10**7)
        if block:
            bits = self._bits(subscriber)
        area = _AREA_CODES[((bits >> 59) + block) % len(_AREA_CODES)]
        return f"+1{area}{subscriber:07d}"

    def _consumed_tenths(self, index: int) -> int:
        if index >= self._size:
            return 0
        bits = self._bits(index)
        limit_mb = _DATA_LIMITS[(bits >> 33) & 7][2]
        spread = (bits >> 36) & 0xFFFFF
        if self._status(bits) == "data_limit_exceeded":
            return limit_mb * 10 + spread % (limit_mb * 10 // 4) + 1
        return spread % (limit_mb * 10)

    def _synthetic_matches(self, index: int, query: CardQuery) -> bool:
        bits = self._bits(index)
        if query.statuses and self._status(bits) not in query.statuses:
            flagged = index % UNAUTHORIZED_IMEI_INTERVAL == 0
            if not (flagged and "unauthorized_imei" in query.statuses):
                return False
        if query.sim_card_group_id is not None and self._group_id(bits) != query.sim_card_group_id:
            return False
        if query.tags and not query.tags.issubset(self._tags(bits)):
            return False
        if query.iccid is not None and query.iccid not in self._iccid(index):
            return False
        return query.msisdn is None or query.msisdn in self._msisdn(index, bits)

    # -- whole cards and groups --------------------------------------------------------------

    def _synthetic_card(self, index: int, bits: int) -> dict[str, Any]:
        # A second scramble feeds the fields no filter looks at, keeping the first one's bit
        # budget for the filterable attributes.
        more = _mix64(bits)
        status = self._status(bits)
        is_esim = (bits >> 56) & 3 == 0
        limit_amount, limit_unit, _ = _DATA_LIMITS[(bits >> 33) & 7]
        created = _EPOCH + timedelta(seconds=more % _SIX_YEARS_S, milliseconds=(more >> 40) % 1000)
        updated = created + timedelta(seconds=(more >> 20) % _ONE_YEAR_S)
        flagged = index % UNAUTHORIZED_IMEI_INTERVAL == 0
        card = self._base_card(index, bits)
        card.update(
            status={"value": status, "reason": STATUS_REASONS[status]},
            type="esim" if is_esim else "physical",
            sim_card_group_id=self._group_id(bits),
            tags=self._tags(bits),
            data_limit={"amount": limit_amount, "unit": limit_unit},
            current_billing_period_consumed_data={
                "amount": _amount(self._consumed_tenths(index)),
                "unit": "MB",
            },
            actions_in_progress=False,  # only an action started through the API runs
            created_at=_timestamp(created),
            updated_at=_timestamp(updated),
            esim_installation_status=(
                ("released", "disabled")[(more >> 8) & 1] if is_esim else None
            ),
            version=_SIM_VERSIONS[(more >> 10) & 3],
            eid=f"89049032{(more >> 12) % 10**14:014d}{index:010d}" if is_esim else None,
            # A flagged card always has an allow-list, since being used from an IMEI outside it
            # is exactly what the flag means.
            authorized_imeis=_imeis(more, 1 + (more >> 2) % 3 if flagged else (more >> 2) % 4),
            voice_enabled=bool((bits >> 58) & 1),
        )
        return card

    def _registered_card(
        self, index: int, bits: int, registration: _Registration
    ) -> dict[str, Any]:
        registered_at = _timestamp(_REGISTRATION_EPOCH + timedelta(minutes=index - self._size))
        card = self._base_card(index, bits)
        card.update(
            status={"value": registration.status, "reason": STATUS_REASONS[registration.status]},
            # Registration codes come printed on physical SIM cards.
            type="physical",
            sim_card_group_id=registration.sim_card_group_id,
            tags=list(registration.tags),
            data_limit={"amount": "2048.0", "unit": "MB"},
            current_billing_period_consumed_data={"amount": "0.0", "unit": "MB"},
            actions_in_progress=False,
            created_at=registered_at,
            updated_at=registered_at,
            esim_installation_status=None,
            version=_SIM_VERSIONS[0],
            eid=None,
            authorized_imeis=None,
            voice_enabled=False,
        )
        return card

    def _base_card(self, index: int, bits: int) -> dict[str, Any]:
        """Return the identity fields, in the order the API documents them."""
        return {
            "id": self.card_id(index),
            "record_type": "sim_card",
            "status": None,
            "type": None,
            "iccid": self._iccid(index),
            "imsi": f"310260{index:09d}",
            "msisdn": self._msisdn(index, bits),
            "sim_card_group_id": None,
            "tags": None,
            "data_limit": None,
            "current_billing_period_consumed_data": None,
            "actions_in_progress": None,
            "created_at": None,
            "updated_at": None,
            "esim_installation_status": None,
            "version": None,
            "resources_with_in_progress_actions": [],
            "eid": None,
            "authorized_imeis": None,
            "voice_enabled": None,
        }

    def _synthetic_group(self, number: int) -> dict[str, Any]:
        bits = _mix64(self._key ^ (0xC0FFEE << 32 | number))
        limit_amount, limit_unit, limit_mb = _DATA_LIMITS[bits & 7]
        created = _EPOCH + timedelta(seconds=(bits >> 3) % _ONE_YEAR_S)
        return {
            "id": _derived_uuid(self._seed, "sim_card_group", number),
            "record_type": "sim_card_group",
            "name": _GROUP_NAMES[number],
            "default": number == 0,
            "data_limit": {"amount": limit_amount, "unit": limit_unit},
            "consumed_data": {"amount": _amount((bits >> 30) % (limit_mb * 10)), "unit": "MB"},
            "private_wireless_gateway_id": None,
            "wireless_blocklist_id": None,
            "created_at": _timestamp(created),
            "updated_at": _timestamp(created + timedelta(days=(bits >> 50) % 365)),
        }


def _imeis(bits: int, count: int) -> list[str] | None:
    """Return ``count`` Luhn-valid IMEIs derived from ``bits``, or None when ``count`` is 0."""
    if count == 0:
        return None
    imeis = []
    for slot in range(count):
        payload = f"35{_mix64(bits + slot) % 10**12:012d}"
        imeis.append(payload + luhn_check_digit(payload))
    return imeis


def _copy_group(group: dict[str, Any]) -> dict[str, Any]:
    """Copy a group deeply enough that callers cannot alter the stored one."""
    copy = dict(group)
    copy["data_limit"] = dict(group["data_limit"])
    copy["consumed_data"] = dict(group["consumed_data"])
    return copy


class _RangeWithout(Sequence[int]):
    """``range(stop)`` without a few sorted indexes: the unfiltered listing once cards are deleted.

    Item ``k`` is found by bisection over the removed indexes, so a page costs a few hundred
    bisections however large the inventory.
    """

    def __init__(self, stop: int, removed: tuple[int, ...]) -> None:
        self._stop = stop
        self._removed = removed
        # removed[j] - j: how many kept indexes lie before the j-th removed one.
        self._kept_before = tuple(index - position for position, index in enumerate(removed))

    def __len__(self) -> int:
        return self._stop - len(self._removed)

    @overload
    def __getitem__(self, item: int) -> int: ...

    @overload
    def __getitem__(self, item: slice) -> list[int]: ...

    def __getitem__(self, item: int | slice) -> int | list[int]:
        if isinstance(item, slice):
            return [self[k] for k in range(*item.indices(len(self)))]
        if item < 0:
            item += len(self)
        if not 0 <= item < len(self):
            raise IndexError(item)
        return item + bisect.bisect_right(self._kept_before, item)

    def __iter__(self) -> Iterator[int]:
        return (self[k] for k in range(len(self)))
