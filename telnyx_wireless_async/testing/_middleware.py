"""What happens around every API request: record, fault, limit, delay, authenticate, deliver.

One request goes through these steps, in this order:

1. On arrival, before anything can interleave with other requests: take an ``x-request-id``,
   draw the request's fate from the fault profile, take a scripted `Fault` if one matches, and
   count the request against the rate limit. A request dropped before processing, or answered
   by a scripted fault, is not counted; neither is one the limit refuses.
2. Read and record the request, then wait the latency (``state.latency`` plus the profile's).
3. Answer, the first that applies: the scripted fault (run through the route first if it is
   ``after_processing``); a dropped connection (``drop_before``); the 429 of the rate limit;
   an injected error status. Otherwise authenticate, finish every SIM card action due by the
   clock, and run the route (or answer 413 if the body was over aiohttp's size limit), then
   apply a fault that needs its answer: close the connection instead of answering
   (``drop_after``), cut or replace a 2xx body (``truncated``, ``malformed``), or trickle the
   body (``slow_body``).
4. Stamp ``x-request-id`` and, with a rate limit, the ``x-ratelimit-*`` headers, count the
   outcome in `EmulatorStats`, and send.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import hdrs, web

from ._errors import (
    AUTHENTICATION_FAILED,
    NOT_FOUND,
    TOO_MANY_REQUESTS,
    UNEXPECTED,
    ApiError,
    error,
    error_response,
    status_error,
)
from ._faults import FaultDecision, Outcome, malformed_body, truncated_body
from ._ratelimit import RateLimitStatus
from ._state import EmulatorState, Fault, RecordedRequest
from ._stats import UNMATCHED_ROUTE

if TYPE_CHECKING:
    from aiohttp.typedefs import Middleware

__all__ = ["CONTROL_PREFIX", "emulation_middleware"]

CONTROL_PREFIX = "/_emulator/"
"""Paths of the test-only endpoints, which skip everything this module does."""

_LOGGER = logging.getLogger(__name__)

_SLOW_BODY_PIECES = 10

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def emulation_middleware(state: EmulatorState) -> Middleware:
    """Return the middleware that applies ``state``'s faults, limits and checks to each request.

    Args:
        state: The account the application serves.

    Returns:
        An aiohttp middleware.
    """

    @web.middleware
    async def middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            return await _serve(request, handler, state)
        finally:
            state.in_flight -= 1

    return middleware


async def _serve(
    request: web.Request, handler: _Handler, state: EmulatorState
) -> web.StreamResponse:
    # Step 1: everything that depends on arrival order, before the first await.
    request_id = state.next_request_id()
    decision = state.draw_fault()
    scripted = state.take_fault(request.method, request.path)
    route = _route_of(request)
    limiter = state.rate_limiter
    limit: RateLimitStatus | None = None
    if limiter is not None:
        if scripted is not None:
            limit = limiter.peek()
        elif decision.kind is not Outcome.DROP_BEFORE:
            limit = limiter.admit()

    # Step 2.
    try:
        received = await request.read()
        oversized = False
    except web.HTTPRequestEntityTooLarge:
        # Over aiohttp's client_max_size. Reading again would return the rest of the body as
        # if it were all of it, so the route is never run; it is answered in Telnyx's shape.
        received = b""
        oversized = True
    record = RecordedRequest(
        method=request.method,
        path=request.path,
        query=list(request.query.items()),
        headers=dict(request.headers),
        body=received,
    )
    state.requests.append(record)

    def count(outcome: Outcome, status: int | None) -> None:
        record.outcome = outcome
        state.stats.record(route, outcome, status)

    delay = state.latency + decision.latency
    if delay > 0:
        await asyncio.sleep(delay)

    # Step 3.
    response: web.StreamResponse
    if scripted is not None:
        outcome = Outcome.SCRIPTED
        if scripted.after_processing:
            # The work is done; only its answer is lost or replaced.
            await _process(request, handler, state, oversized=oversized)
        if scripted.drop_connection:
            count(outcome, None)
            return _drop(request)
        response = _scripted_response(scripted)
    elif decision.kind is Outcome.DROP_BEFORE:
        count(Outcome.DROP_BEFORE, None)
        return _drop(request)
    elif limit is not None and not limit.allowed:
        outcome = Outcome.RATE_LIMITED
        response = _too_many_requests(limit, state.fault_profile.rate_limit_window)
    elif decision.kind is Outcome.ERROR_STATUS:
        outcome = Outcome.ERROR_STATUS
        response = _injected_error(decision)
    else:
        response = await _process(request, handler, state, oversized=oversized)
        outcome = _plain_outcome(response.status)
        if decision.kind is Outcome.DROP_AFTER:
            count(Outcome.DROP_AFTER, None)
            return _drop(request)
        if decision.kind in (Outcome.TRUNCATED, Outcome.MALFORMED):
            body = response.body if isinstance(response, web.Response) else None
            # Only a success is mangled: the point is a 2xx the client cannot trust.
            if (
                isinstance(response, web.Response)
                and isinstance(body, bytes)
                and len(body) >= 2
                and 200 <= response.status < 300
            ):
                if decision.kind is Outcome.TRUNCATED:
                    response.body = truncated_body(body, decision.position)
                else:
                    response.body = malformed_body(decision.position)
                outcome = decision.kind
        elif decision.kind is Outcome.SLOW_BODY and isinstance(response, web.Response):
            outcome = Outcome.SLOW_BODY

    # Step 4.
    response.headers["x-request-id"] = request_id
    if limit is not None:
        for name, value in limit.headers().items():
            # A scripted fault may set its own, to test a client against odd values.
            response.headers.setdefault(name, value)
    count(outcome, response.status)
    if outcome is Outcome.SLOW_BODY and isinstance(response, web.Response):
        return await _trickle(request, response, state.fault_profile.slow_body_seconds)
    return response


def _route_of(request: web.Request) -> str:
    match = request.match_info
    if match.http_exception is not None:
        return UNMATCHED_ROUTE
    resource = match.route.resource
    path = resource.canonical if resource is not None else request.path
    return f"{request.method} {path}"


def _plain_outcome(status: int) -> Outcome:
    if status < 400:
        return Outcome.OK
    if status < 500:
        return Outcome.CLIENT_ERROR
    return Outcome.SERVER_ERROR


async def _process(
    request: web.Request, handler: _Handler, state: EmulatorState, *, oversized: bool
) -> web.StreamResponse:
    """Authenticate and run the route, turning every failure into an errors body.

    ``oversized`` says the body was over the size limit, so it was not read and is refused.
    """
    try:
        _authenticate(request, state.api_key)
        # Actions finish lazily: whatever is due by now is done before the route reads state.
        state.settle()
        if oversized:
            code, title, _ = status_error(413)
            detail = f"The request body is larger than {request.client_max_size} bytes."
            raise ApiError(413, [error((code, title), detail)])
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.errors)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            # The real API has no method-specific routes to advertise, so it is all "not found".
            detail = f"No route matches {request.method} {request.path}."
            return error_response(404, [error(NOT_FOUND, detail)])
        code, title, detail = status_error(exc.status)
        return error_response(exc.status, [error((code, title), detail)])
    except Exception:
        _LOGGER.exception("Emulator failed on %s %s", request.method, request.path)
        return error_response(500, [error(UNEXPECTED, "The emulator failed; see its log.")])


def _authenticate(request: web.Request, api_key: str) -> None:
    header = request.headers.get("Authorization")
    if header is None:
        detail = "The Authorization header is missing; send 'Authorization: Bearer <API key>'."
        raise ApiError(401, [error(AUTHENTICATION_FAILED, detail)])
    scheme, _, token = header.partition(" ")
    # The key is never echoed back: error details end up in client logs.
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(errors="surrogateescape"), api_key.encode(errors="surrogateescape")
    ):
        detail = "The API key in the Authorization header is not valid."
        raise ApiError(401, [error(AUTHENTICATION_FAILED, detail)])


def _drop(request: web.Request) -> web.Response:
    """Close the connection with no response at all."""
    transport = request.transport
    if transport is not None:
        transport.close()
    # Never reaches the client: aiohttp treats the failed write to the closed transport as a
    # premature client disconnect and logs it at debug level only, so no noise.
    return web.Response(status=500)


def _scripted_response(fault: Fault) -> web.Response:
    body = fault.body
    response: web.Response
    if isinstance(body, bytes | bytearray):
        response = web.Response(body=bytes(body), status=fault.status)
        response.content_type = "application/json"
    else:
        if body is None:
            code, title, detail = status_error(fault.status)
            body = {"errors": [error((code, title), detail)]}
        response = web.json_response(body, status=fault.status)
    response.headers.update(fault.headers)
    return response


def _too_many_requests(limit: RateLimitStatus, window: float) -> web.Response:
    detail = (
        f"At most {limit.limit} requests are allowed every {window:g} seconds; "
        f"retry in {limit.reset} seconds."
    )
    return error_response(429, [error(TOO_MANY_REQUESTS, detail)])


def _injected_error(decision: FaultDecision) -> web.Response:
    code, title, detail = status_error(decision.status)
    response = error_response(decision.status, [error((code, title), detail)])
    if decision.retry_after is not None:
        response.headers["Retry-After"] = str(decision.retry_after)
    return response


async def _trickle(
    request: web.Request, response: web.Response, seconds: float
) -> web.StreamResponse:
    """Send the headers now, then the body in pieces spread over ``seconds``."""
    body = response.body if isinstance(response.body, bytes) else b""
    stream = web.StreamResponse(status=response.status, reason=response.reason)
    for name, value in response.headers.items():
        if name != hdrs.CONTENT_LENGTH:
            stream.headers.add(name, value)
    stream.content_length = len(body)
    step = max(1, -(-len(body) // _SLOW_BODY_PIECES))
    pieces = [body[start : start + step] for start in range(0, len(body), step)] or [b""]
    await stream.prepare(request)
    try:
        for piece in pieces:
            await asyncio.sleep(seconds / len(pieces))
            await stream.write(piece)
        await stream.write_eof()
    except ConnectionError:
        pass  # The client gave up, as a client whose timeout tripped does.
    return stream
