"""Deterministic synthetic SIM-card inventory and registration codes for the emulator.

Every synthetic card is a pure function of ``(seed, index)``: nothing is stored per card, so an
inventory of a million cards costs no memory until a request pages through it. Cards registered
through the API are the only per-card state, appended after the synthetic ones.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "CARD_STATUSES",
    "DEFAULT_TAG_POOL",
    "FILTER_STATUSES",
    "MAX_INVENTORY_SIZE",
    "REGISTRATION_STATUSES",
    "SORT_CONSUMED_DATA_ASC",
    "SORT_CONSUMED_DATA_DESC",
    "UNAUTHORIZED_IMEI_INTERVAL",
    "CardQuery",
    "Inventory",
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

# Weighted so that most cards are enabled, as in a live fleet, while every status still occurs.
_STATUS_BY_BITS: tuple[str, ...] = (
    ("enabled",) * 12
    + ("disabled",) * 5
    + ("standby",) * 4
    + ("data_limit_exceeded",) * 3
    + ("registering",) * 2
    + ("enabling",) * 2
    + ("disabling",) * 2
    + ("setting_standby",) * 2
)

_STATUS_REASONS: dict[str, str] = {
    "registering": "The SIM card is being registered.",
    "enabling": "The SIM card is being connected to the network.",
    "enabled": "The SIM card is active, ready to connect to networks and consume data.",
    "disabling": "The SIM card is being disconnected from the network.",
    "disabled": "The SIM card has been deactivated and cannot connect to networks.",
    "data_limit_exceeded": "The SIM card has exceeded its data consumption limit.",
    "setting_standby": "The SIM card is being put in standby.",
    "standby": "The SIM card is in standby: it can connect to networks but cannot consume data.",
}

_TRANSITIONAL_STATUSES = frozenset({"registering", "enabling", "disabling", "setting_standby"})

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


class Inventory:
    """The cards an emulated account owns: synthetic ones first, then registered ones.

    Synthetic card ``i`` (``0 <= i < size``) is a pure function of ``(seed, i)``. Registered cards
    take the indexes after them, in registration order.
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
        self._iccid_prefix = f"8901260{seed % 100:02d}"
        self._groups: dict[str, dict[str, Any]] = {}
        for number in range(_GROUP_COUNT):
            group = self._synthetic_group(number)
            self._groups[group["id"]] = group
        self._group_ids: tuple[str, ...] = tuple(self._groups)
        self._registrations: list[_Registration] = []
        self._rendered: dict[tuple[int, bool], bytes] = {}
        self._selections: dict[tuple[CardQuery, int], Sequence[int]] = {}
        self._registered_codes: set[str] = set()

    def __repr__(self) -> str:
        return (
            f"Inventory(size={self._size}, seed={self._seed}, "
            f"registered={len(self._registrations)})"
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
        """Number of cards: synthetic plus registered."""
        return self._size + len(self._registrations)

    @property
    def group_ids(self) -> tuple[str, ...]:
        """IDs of the synthetic SIM-card groups; the first is the account's default group."""
        return self._group_ids

    @property
    def default_group_id(self) -> str:
        """ID of the group cards join when registered without one."""
        return self._group_ids[0]

    def group(self, group_id: str) -> dict[str, Any] | None:
        """Return a copy of the ``SIMCardGroup`` with this ID, or None if there is none."""
        group = self._groups.get(group_id)
        return None if group is None else _copy_group(group)

    def card(self, index: int, *, include_group: bool = False) -> dict[str, Any]:
        """Return card ``index`` as a ``SimpleSIMCard`` JSON object.

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
        if include_group:
            group = self._groups[card["sim_card_group_id"]]
            card["sim_card_group"] = _copy_group(group)
        return card

    def card_json(self, index: int, *, include_group: bool = False) -> bytes:
        """Return card ``index`` encoded as JSON, as `card` builds it.

        Synthetic cards never change, so the encodings of the first ``RENDER_CACHE_SIZE``
        served are kept: a client walking the inventory again, as benchmarks and retries
        do, then costs the emulator a join instead of building every card anew.
        """
        key = (index, include_group)
        cached = self._rendered.get(key)
        if cached is not None:
            return cached
        encoded = json.dumps(self.card(index, include_group=include_group)).encode()
        # Once full, the cache keeps what it has: evicting would make a walk over a larger
        # inventory miss on every card.
        if index < self._size and len(self._rendered) < RENDER_CACHE_SIZE:
            self._rendered[key] = encoded
        return encoded

    def select(self, query: CardQuery) -> Sequence[int]:
        """Return the indexes of the cards matching ``query``, in the order it asks for.

        A filtered or sorted selection scans the inventory; the last few are kept until a
        registration changes the inventory, so walking such a listing page by page scans
        it once, not once a page.
        """
        key = (query, self.total)
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
            # without materialising a million indexes.
            return range(self.total)
        matches = [index for index in range(self._size) if self._synthetic_matches(index, query)]
        first_registered = self._size
        for offset, registration in enumerate(self._registrations):
            if self._registered_matches(first_registered + offset, registration, query):
                matches.append(first_registered + offset)
        if query.sort == SORT_CONSUMED_DATA_ASC:
            matches.sort(key=lambda index: (self._consumed_tenths(index), index))
        elif query.sort == SORT_CONSUMED_DATA_DESC:
            # Ties keep inventory order in both directions, so pages never shuffle between calls.
            matches.sort(key=lambda index: (-self._consumed_tenths(index), index))
        return matches

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
            sim_card_group_id: Lower-case group UUID; None means the default group. An ID not
                seen before creates a non-default group, so the card's group can be embedded.

        Returns:
            The new card.

        Raises:
            ValueError: If the code is invalid or already registered, or the status is unknown.
        """
        if not is_valid_registration_code(code):
            raise ValueError(f"invalid registration code {code!r}")
        if code in self._registered_codes:
            raise ValueError(f"registration code {code!r} is already registered")
        if status not in REGISTRATION_STATUSES:
            raise ValueError(f"cannot register a card as {status!r}")
        group_id = self.default_group_id if sim_card_group_id is None else sim_card_group_id
        if group_id not in self._groups:
            self._groups[group_id] = self._adopted_group(group_id)
        self._registered_codes.add(code)
        self._registrations.append(_Registration(code, status, tuple(tags), group_id))
        return self.card(self.total - 1)

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

    def _registered_matches(
        self, index: int, registration: _Registration, query: CardQuery
    ) -> bool:
        # Registered cards keep what the request fixed, so filters read the stored values.
        if query.statuses and registration.status not in query.statuses:
            return False
        if query.sim_card_group_id is not None and (
            registration.sim_card_group_id != query.sim_card_group_id
        ):
            return False
        if query.tags and not query.tags.issubset(registration.tags):
            return False
        if query.iccid is not None and query.iccid not in self._iccid(index):
            return False
        return query.msisdn is None or query.msisdn in self._msisdn(index, self._bits(index))

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
            status={"value": status, "reason": _STATUS_REASONS[status]},
            type="esim" if is_esim else "physical",
            sim_card_group_id=self._group_id(bits),
            tags=self._tags(bits),
            data_limit={"amount": limit_amount, "unit": limit_unit},
            current_billing_period_consumed_data={
                "amount": _amount(self._consumed_tenths(index)),
                "unit": "MB",
            },
            actions_in_progress=status in _TRANSITIONAL_STATUSES,
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
            status={"value": registration.status, "reason": _STATUS_REASONS[registration.status]},
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
            "id": _derived_uuid(self._seed, "sim_card", index),
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

    def _adopted_group(self, group_id: str) -> dict[str, Any]:
        adopted_at = _timestamp(_REGISTRATION_EPOCH)
        return {
            "id": group_id,
            "record_type": "sim_card_group",
            "name": f"Group {group_id[:8]}",
            "default": False,
            "data_limit": {"amount": "2048.0", "unit": "MB"},
            "consumed_data": {"amount": "0.0", "unit": "MB"},
            "private_wireless_gateway_id": None,
            "wireless_blocklist_id": None,
            "created_at": adopted_at,
            "updated_at": adopted_at,
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
