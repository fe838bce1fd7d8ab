"""SIM card operations: paths and parameters only; the session does the HTTP."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from telnyx_wireless_async._registration import account_for_codes
from telnyx_wireless_async._serde import structure_page
from telnyx_wireless_async._validation import (
    MAX_PAGE_SIZE,
    check_bool,
    check_enum,
    check_enum_list,
    check_int_range,
    check_registration_codes,
    check_str_list,
    check_text,
    check_uuid,
)
from telnyx_wireless_async.models import (
    RegistrationResult,
    RegistrationStatus,
    SimCardPage,
    SimCardStatusFilter,
    SortOrder,
)

if TYPE_CHECKING:
    from telnyx_wireless_async._session import AsyncSession

__all__ = ["SimCards", "list_params"]

LIST_PATH = "/sim_cards"
REGISTER_PATH = "/actions/register/sim_cards"


def list_params(
    *,
    tags: Iterable[str] | None = None,
    iccid: str | None = None,
    msisdn: str | None = None,
    status: str | Iterable[str] | None = None,
    sim_card_group_id: str | UUID | None = None,
    include_sim_card_group: bool = False,
    sort: str | None = None,
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, str]:
    """Check the list options and return them as wire query parameters.

    Array filters are comma-joined (``filter[tags]=a,b``), as the official SDK sends them.

    Raises:
        TypeError: An option has the wrong type.
        ValueError: An option has a value the API does not accept.
    """
    params: dict[str, str] = {}
    if tags is not None:
        params["filter[tags]"] = ",".join(check_str_list("tags", tags))
    if iccid is not None:
        params["filter[iccid]"] = check_text("iccid", iccid)
    if msisdn is not None:
        params["filter[msisdn]"] = check_text("msisdn", msisdn)
    if status is not None:
        statuses = check_enum_list("status", status, SimCardStatusFilter)
        params["filter[status]"] = ",".join(s.value for s in statuses)
    if sim_card_group_id is not None:
        params["filter[sim_card_group_id]"] = check_uuid("sim_card_group_id", sim_card_group_id)
    if check_bool("include_sim_card_group", include_sim_card_group):
        params["include_sim_card_group"] = "true"
    if sort is not None:
        params["sort"] = check_enum("sort", sort, SortOrder).value
    params["page[number]"] = str(check_int_range("page_number", page_number, low=1))
    params["page[size]"] = str(check_int_range("page_size", page_size, low=1, high=MAX_PAGE_SIZE))
    return params


class SimCards:
    """SIM card operations, reached as ``session.sim_cards``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(
        self,
        *,
        tags: Iterable[str] | None = None,
        iccid: str | None = None,
        msisdn: str | None = None,
        status: str | Iterable[str] | None = None,
        sim_card_group_id: str | UUID | None = None,
        include_sim_card_group: bool = False,
        sort: str | None = None,
        page_number: int = 1,
        page_size: int = 20,
    ) -> SimCardPage:
        """Fetch one page of the SIM cards that match the filters.

        Args:
            tags: Only cards that carry all of these tags.
            iccid: Only cards whose ICCID contains this string.
            msisdn: Only cards whose MSISDN matches this string.
            status: Only cards in any of these states (`SimCardStatusFilter` values).
            sim_card_group_id: Only cards in this group (a UUID).
            include_sim_card_group: Include each card's `SimCardGroup`.
            sort: A `SortOrder` value; ascending unless it starts with ``-``.
            page_number: Which page, from 1.
            page_size: Cards per page, 1 to 250.

        Returns:
            The page's cards and its `PageMeta`.

        Raises:
            TypeError, ValueError: A bad option, before any request is sent.
            TelnyxError: The request failed.
        """
        params = list_params(
            tags=tags,
            iccid=iccid,
            msisdn=msisdn,
            status=status,
            sim_card_group_id=sim_card_group_id,
            include_sim_card_group=include_sim_card_group,
            sort=sort,
            page_number=page_number,
            page_size=page_size,
        )
        return await self._session.request("GET", LIST_PATH, params=params, parse=structure_page)

    async def register(
        self,
        registration_codes: Iterable[str],
        *,
        sim_card_group_id: str | UUID | None = None,
        tags: Iterable[str] | None = None,
        status: str | None = None,
    ) -> RegistrationResult:
        """Register the SIM cards behind these registration codes, in one request.

        Duplicate codes are sent once.

        Args:
            registration_codes: 10-digit registration codes (a list, not one string).
            sim_card_group_id: Put the cards in this group instead of the default one.
            tags: Tags to give the cards.
            status: A `RegistrationStatus` to put the cards in (the API's default: enabled).

        Returns:
            What became of each unique code: registered, failed with its error, or unknown.

        Raises:
            TypeError, ValueError: A bad argument, before any request is sent.
            TelnyxError: The request failed.
        """
        codes = check_registration_codes("registration_codes", registration_codes)
        body: dict[str, object] = {"registration_codes": codes}
        if sim_card_group_id is not None:
            body["sim_card_group_id"] = check_uuid("sim_card_group_id", sim_card_group_id)
        if tags is not None:
            body["tags"] = check_str_list("tags", tags)
        if status is not None:
            body["status"] = check_enum("status", status, RegistrationStatus).value
        return await self._session.request(
            "POST", REGISTER_PATH, json=body, parse=partial(account_for_codes, codes)
        )
