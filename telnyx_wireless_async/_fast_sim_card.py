"""A hand-written `SimCard` builder: the one model on the hot path of a stream.

Why it exists: a stream builds every card of the inventory, hundreds of thousands of
them, and building is most of the client's CPU per card. cattrs' generated function
calls a hook per field, and one more for each optional field; this function calls the
same checks (`_wire_rules`) directly and shares repeated statuses and data limits
between cards. It builds a card in about two thirds of the time, which saves about
2.8 us of the ~15 us of client CPU a streamed card costs (benchmarks/stream.py), a
fifth of it.

Why only for `SimCard` itself: it knows `SimCard`'s fields and no others. A subclass
(the detailed card that ``GET /sim_cards/{id}`` returns has eight more fields) would be
built as a plain `SimCard`, its extra fields silently dropped; `_serde` registers this
builder for the exact type, and a subclass gets cattrs' generated function.

The detailed and strict converters keep cattrs' own function, and
tests/test_sim_card_structure.py holds the two to the same results for every field of
`SimCard`, so a field added to the model cannot be missed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telnyx_wireless_async._wire_rules import (
    as_amount,
    as_flag,
    as_member,
    as_objects,
    as_text,
    as_texts,
    as_timestamp,
)
from telnyx_wireless_async.models._common import DataAmount, DataUnit
from telnyx_wireless_async.models.sim_card_groups import SimCardGroup
from telnyx_wireless_async.models.sim_cards import (
    ESimInstallationStatus,
    SimCard,
    SimCardStatus,
    SimCardStatusValue,
    SimCardType,
)

__all__ = ["make_sim_card_builder"]

_CARD_STATUSES = SimCardStatusValue._value2member_map_
_CARD_TYPES = SimCardType._value2member_map_
_DATA_UNITS = DataUnit._value2member_map_
_ESIM_STATUSES = ESimInstallationStatus._value2member_map_

# Statuses and data limits are frozen values that repeat from card to card (a handful
# of statuses, a few limits), so cards share them: one object per distinct value
# instead of one per card. Only exact strings, short ones, are keys, and only once the
# checks have passed, so a shared value is the one a fresh build would give. A cache
# that fills up starts again. (Consumed data differs from card to card: not shared.)
_SHARED_MAX = 256
_SHARED_KEY_MAX = 256
_SharedKey = tuple[Any, Any]  # two short exact strings, or a string and None
_shared_statuses: dict[_SharedKey, SimCardStatus] = {}
_shared_limits: dict[_SharedKey, DataAmount] = {}


def _shareable(text: Any, other: Any) -> bool:
    """Tell whether two JSON values may key a shared value: short exact strings (or null)."""
    return (
        type(text) is str
        and len(text) <= _SHARED_KEY_MAX
        and (other is None or (type(other) is str and len(other) <= _SHARED_KEY_MAX))
    )


def _share(cache: dict[_SharedKey, Any], key: _SharedKey, value: Any) -> None:
    if len(cache) >= _SHARED_MAX:
        cache.clear()
    cache[key] = value


def _data_amount(value: Any) -> DataAmount | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    amount = value.get("amount")
    return DataAmount(
        amount=None if amount is None else as_amount(amount),
        unit=as_member(_DATA_UNITS, value.get("unit")),
    )


def _data_limit(value: Any) -> DataAmount | None:
    if type(value) is not dict:
        return _data_amount(value)
    amount, unit = value.get("amount"), value.get("unit")
    if not _shareable(amount, unit):
        return _data_amount(value)  # a number, say: valid, but not shared
    limit = _shared_limits.get((amount, unit))
    if limit is None:
        limit = _data_amount(value)
        _share(_shared_limits, (amount, unit), limit)
    return limit


def _card_status(value: Any) -> SimCardStatus | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    name, reason = value.get("value"), value.get("reason")
    shareable = _shareable(name, reason)
    status = _shared_statuses.get((name, reason)) if shareable else None
    if status is None:
        status = SimCardStatus(value=as_member(_CARD_STATUSES, name), reason=as_text(reason))
        if shareable:
            _share(_shared_statuses, (name, reason), status)
    return status


def make_sim_card_builder(
    structure_group: Callable[[Any], SimCardGroup],
) -> Callable[..., SimCard]:
    """Return a function that builds a `SimCard` from its JSON object as cattrs would, faster.

    Args:
        structure_group: Builds the card's `SimCardGroup`, there only with
            ``include_sim_card_group``: the converter's own function is fast enough.

    Returns:
        ``structure_sim_card(value, _=SimCard)``, a cattrs structure hook for `SimCard`
        exactly. It raises TypeError, ValueError or ArithmeticError for JSON that does
        not fit; the caller reruns that through the detailed converter to say where.
    """

    def structure_sim_card(value: Any, _: Any = SimCard) -> SimCard:
        if type(value) is not dict:
            raise TypeError(f"expected a JSON object, got {value!r:.40}")
        get = value.get
        authorized_imeis = get("authorized_imeis")
        group = get("sim_card_group")
        return SimCard(
            id=as_text(get("id")),
            record_type=as_text(get("record_type")),
            status=_card_status(get("status")),
            type=as_member(_CARD_TYPES, get("type")),
            iccid=as_text(get("iccid")),
            imsi=as_text(get("imsi")),
            msisdn=as_text(get("msisdn")),
            sim_card_group_id=as_text(get("sim_card_group_id")),
            tags=as_texts(value["tags"]) if "tags" in value else (),
            data_limit=_data_limit(get("data_limit")),
            current_billing_period_consumed_data=_data_amount(
                get("current_billing_period_consumed_data")
            ),
            actions_in_progress=as_flag(get("actions_in_progress")),
            created_at=as_timestamp(get("created_at")),
            updated_at=as_timestamp(get("updated_at")),
            esim_installation_status=as_member(_ESIM_STATUSES, get("esim_installation_status")),
            version=as_text(get("version")),
            resources_with_in_progress_actions=(
                as_objects(value["resources_with_in_progress_actions"])
                if "resources_with_in_progress_actions" in value
                else ()
            ),
            eid=as_text(get("eid")),
            authorized_imeis=None if authorized_imeis is None else as_texts(authorized_imeis),
            voice_enabled=as_flag(get("voice_enabled")),
            sim_card_group=None if group is None else structure_group(group),
        )

    return structure_sim_card
