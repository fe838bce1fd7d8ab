"""SIM card group operations: paths and parameters only; the session does the HTTP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import TypedDict, Unpack
from uuid import UUID

from telnyx_wireless_async._listing import DEFAULT_PREFETCH, Listing
from telnyx_wireless_async._not_given import NOT_GIVEN, NotGiven
from telnyx_wireless_async._query import Param, filter_param, filter_params, uuid_text
from telnyx_wireless_async._retry import RetryOutcome
from telnyx_wireless_async._validation import check_bool
from telnyx_wireless_async.models import DataAmount, SimCardGroup
from telnyx_wireless_async.resources._base import Resource, path_id
from telnyx_wireless_async.resources._data_limit import data_limit_body

__all__ = [
    "SIM_CARD_GROUP_FILTERS",
    "SimCardGroupFilters",
    "SimCardGroups",
    "check_name",
]

logger = logging.getLogger(__name__)

PATH = "/sim_card_groups"


def check_name(name: str, value: object) -> str:
    """Return `value` if it is a str with something besides white space in it."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {value!r}")
    if not value.strip():
        raise ValueError(f"{name} must not be blank, got {value!r}")
    return value


def _name_text(name: str, value: object) -> str | None:
    return None if value is None else check_name(name, value)


class SimCardGroupFilters(TypedDict, total=False):
    """The filters of `SimCardGroups.list`.

    Attributes:
        name: Only groups with this name. The API does not say whether it matches the
            name exactly or in part; compare ``group.name`` when it matters (as
            `SimCardGroups.resolve` does).
        private_wireless_gateway_id: Only groups with this Private Wireless Gateway
            (a UUID).
        wireless_blocklist_id: Only groups with this Wireless Blocklist (a UUID).
    """

    name: str
    private_wireless_gateway_id: str | UUID
    wireless_blocklist_id: str | UUID


SIM_CARD_GROUP_FILTERS: Mapping[str, Param] = {
    "name": filter_param("name", _name_text),
    "private_wireless_gateway_id": filter_param("private_wireless_gateway_id", uuid_text),
    "wireless_blocklist_id": filter_param("wireless_blocklist_id", uuid_text),
}
"""How each of `SimCardGroupFilters` goes on the wire."""


def _as_uuid(text: str) -> UUID | None:
    """Return `text` as a UUID if it is one in any of the forms `uuid.UUID` reads."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


class SimCardGroups(Resource):
    """SIM card group operations, reached as ``session.sim_card_groups``."""

    async def create(self, name: str, *, data_limit: DataAmount | None = None) -> SimCardGroup:
        """Create a SIM card group.

        Creating is not idempotent. A retried request whose earlier attempt may have
        reached the server (a timeout, a dropped connection, a 5xx) may leave two
        groups of that name: a WARNING is logged then; ``list(name=...)`` finds them.

        Args:
            name: The group's name, not blank.
            data_limit: The most data the group's cards may use, such as
                ``DataAmount(amount=Decimal("2048"), unit="MB")``.

        Returns:
            The new group (the API answers 200, not 201).

        Raises:
            TypeError, ValueError: A bad argument, before anything is sent.
            TelnyxError: The request failed.
        """
        body: dict[str, object] = {"name": check_name("name", name)}
        if data_limit is not None:
            body["data_limit"] = data_limit_body("data_limit", data_limit, any_unit=True)
        outcome = RetryOutcome()
        group = await self._post(PATH, body=body, cast_to=SimCardGroup, outcome=outcome)
        if outcome.attempts > 1 and outcome.maybe_processed:
            logger.warning(
                "SIM card group %r was created after a retry; an earlier attempt may have"
                " created one too: list the groups named so to check",
                name,
            )
        return group

    async def get(self, group_id: str | UUID, *, include_iccids: bool = False) -> SimCardGroup:
        """Fetch one SIM card group.

        Args:
            group_id: The group's id.
            include_iccids: Also fetch the ICCIDs of the group's cards, into
                ``group.iccids`` (None when the server sends them under another key:
                the API documents the option, not where its answer goes).

        Raises:
            TypeError, ValueError: A bad argument, before anything is sent.
            NotFoundError: No such group.
            TelnyxError: The request failed otherwise.
        """
        path = f"{PATH}/{path_id('group_id', group_id)}"
        params = {"include_iccids": "true"} if check_bool("include_iccids", include_iccids) else {}
        return await self._get(path, cast_to=SimCardGroup, params=params)

    async def update(
        self,
        group_id: str | UUID,
        *,
        name: str | NotGiven = NOT_GIVEN,
        data_limit: DataAmount | NotGiven = NOT_GIVEN,
    ) -> SimCardGroup:
        """Change a SIM card group's name or data limit; only what is given is sent.

        Args:
            group_id: The group's id.
            name: The new name, not blank.
            data_limit: The new data limit (see `create`). The API documents no way to
                remove one, so None is refused.

        Returns:
            The group as changed.

        Raises:
            TypeError, ValueError: A bad argument, or none to change, before anything
                is sent.
            NotFoundError: No such group.
            TelnyxError: The request failed otherwise.
        """
        path = f"{PATH}/{path_id('group_id', group_id)}"
        body: dict[str, object] = {}
        if name is not NOT_GIVEN:
            body["name"] = check_name("name", name)
        if data_limit is not NOT_GIVEN:
            body["data_limit"] = data_limit_body("data_limit", data_limit, any_unit=True)
        if not body:
            raise TypeError("update() needs name or data_limit: nothing to change")
        return await self._patch(path, body=body, cast_to=SimCardGroup)

    async def delete(self, group_id: str | UUID) -> SimCardGroup:
        """Delete a SIM card group for good.

        The account's default group cannot be deleted; whether a group that still
        holds cards can be is up to the API (a refusal raises its typed error).

        Returns:
            The deleted group, as the API answers.

        Raises:
            TypeError, ValueError: A bad id, before anything is sent.
            NotFoundError: No such group.
            TelnyxError: The request failed otherwise (refused, say).
        """
        path = f"{PATH}/{path_id('group_id', group_id)}"
        return await self._delete(path, cast_to=SimCardGroup)

    def list(
        self,
        *,
        page_number: int = 1,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardGroupFilters],
    ) -> Listing[SimCardGroup]:
        """List the SIM card groups that match the filters: await for a page, iterate for all.

        Works as `SimCards.list` does: ``await`` fetches one page, ``async for`` yields
        every group across the pages, ``.pages()`` walks the pages. Each group
        carries ``sim_card_count``, the number of cards in it.

        Args:
            page_number: The page to fetch when awaited, from 1.
            page_size: Groups per page, 1 to 250: by default 20 for one page and 250
                when iterating.
            prefetch: The most page requests in flight while iterating, 1 to 64.
            **filters: Any of `SimCardGroupFilters`: ``name``,
                ``private_wireless_gateway_id``, ``wireless_blocklist_id``.

        Returns:
            A `Listing` of `SimCardGroup`.

        Raises:
            TypeError, ValueError: A bad option, raised by this call.
            PaginationError: While iterating, pages that contradict each other.
            TelnyxError: A request failed.
        """
        return self._list(
            PATH,
            cast_to=SimCardGroup,
            params=filter_params(SIM_CARD_GROUP_FILTERS, filters),
            page_number=page_number,
            page_size=page_size,
            prefetch=prefetch,
            noun="groups",
        )

    async def resolve(self, id_or_name: str | UUID) -> SimCardGroup:
        """Find one SIM card group by its id or by its name, which must be unique.

        A UUID (a `uuid.UUID`, or a str in UUID form) is taken as an id and fetched
        with `get`; anything else as a name, looked up with ``list(name=...)`` and
        compared exactly (case and spaces included), since the API's name filter may
        also match part of a name. So a group whose name is in UUID form is found by
        its id only.

        Returns:
            The group: from `get` for an id, from the list (with ``sim_card_count``)
            for a name.

        Raises:
            TypeError, ValueError: `id_or_name` is not a str or UUID, or is blank,
                before anything is sent.
            LookupError: No group has that name, or several have (the message lists
                their ids).
            NotFoundError: No group has that id.
            TelnyxError: A request failed otherwise.
        """
        if isinstance(id_or_name, UUID):
            return await self.get(id_or_name)
        name = check_name("id_or_name", id_or_name)
        if (group_id := _as_uuid(name)) is not None:
            return await self.get(group_id)
        matches = [group async for group in self.list(name=name) if group.name == name]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise LookupError(f"no SIM card group is named {name!r}")
        ids = ", ".join(str(group.id) for group in matches)
        raise LookupError(
            f"{len(matches)} SIM card groups are named {name!r} ({ids}); give the id of one"
        )
