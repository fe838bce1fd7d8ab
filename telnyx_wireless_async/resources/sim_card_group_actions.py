"""SIM card group actions: follow the asynchronous operations on SIM card groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict, Unpack
from uuid import UUID

from telnyx_wireless_async._listing import DEFAULT_PREFETCH, Listing
from telnyx_wireless_async._query import Param, enum_value, filter_param, filter_params, uuid_text
from telnyx_wireless_async.models import (
    SimCardGroupAction,
    SimCardGroupActionStatus,
    SimCardGroupActionType,
)
from telnyx_wireless_async.resources._base import Resource, path_id

__all__ = ["SIM_CARD_GROUP_ACTION_FILTERS", "SimCardGroupActionFilters", "SimCardGroupActions"]

PATH = "/sim_card_group_actions"


class SimCardGroupActionFilters(TypedDict, total=False):
    """The filters of `SimCardGroupActions.list`; each takes one value.

    Attributes:
        sim_card_group_id: Only actions on this group (a UUID).
        status: Only actions with this `SimCardGroupActionStatus`.
        type: Only actions of this `SimCardGroupActionType`.
    """

    sim_card_group_id: str | UUID
    status: str
    type: str


SIM_CARD_GROUP_ACTION_FILTERS: Mapping[str, Param] = {
    "sim_card_group_id": filter_param("sim_card_group_id", uuid_text),
    "status": filter_param("status", enum_value(SimCardGroupActionStatus)),
    "type": filter_param("type", enum_value(SimCardGroupActionType)),
}
"""How each of `SimCardGroupActionFilters` goes on the wire."""


class SimCardGroupActions(Resource):
    """SIM card group actions, reached as ``session.sim_card_group_actions``."""

    async def get(self, action_id: str | UUID) -> SimCardGroupAction:
        """Fetch one SIM card group action, to follow its progress.

        Raises:
            TypeError, ValueError: A bad id, before anything is sent.
            NotFoundError: No such action.
            TelnyxError: The request failed otherwise.
        """
        path = f"{PATH}/{path_id('action_id', action_id)}"
        return await self._get(path, cast_to=SimCardGroupAction)

    def list(
        self,
        *,
        page_number: int = 1,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardGroupActionFilters],
    ) -> Listing[SimCardGroupAction]:
        """List the SIM card group actions that match the filters: await a page, iterate all.

        Works as `SimCards.list` does: ``await`` fetches one page, ``async for`` yields
        every action across the pages, ``.pages()`` walks the pages.

        Args:
            page_number: The page to fetch when awaited, from 1.
            page_size: Actions per page, 1 to 250: by default 20 for one page and 250
                when iterating.
            prefetch: The most page requests in flight while iterating, 1 to 64.
            **filters: Any of `SimCardGroupActionFilters`: ``sim_card_group_id``,
                ``status``, ``type``.

        Returns:
            A `Listing` of `SimCardGroupAction`.

        Raises:
            TypeError, ValueError: A bad option, raised by this call.
            PaginationError: While iterating, pages that contradict each other.
            TelnyxError: A request failed.
        """
        return self._list(
            PATH,
            cast_to=SimCardGroupAction,
            params=filter_params(SIM_CARD_GROUP_ACTION_FILTERS, filters),
            page_number=page_number,
            page_size=page_size,
            prefetch=prefetch,
            noun="actions",
        )
