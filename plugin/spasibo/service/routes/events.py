"""``GET /events/dead-letters``: the inbound events the bot's webhook never accepted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from spasibo.service.auth import grant_of
from spasibo.service.routes.openapi import errors
from spasibo.service.schemas import DeadLetterList
from spasibo.service.state import service_state

router = APIRouter(prefix="/events", tags=["events"])

DEAD_LETTERS_PAGE_MAX = 1000


@router.get("/dead-letters", response_model=DeadLetterList, responses=errors(401, 422, 500, 503))
async def dead_letters(
    request: Request, limit: Annotated[int, Query(ge=1, le=DEAD_LETTERS_PAGE_MAX)] = 100
) -> DeadLetterList:
    """The latest ``limit`` dead letters of the companies the caller's key may act for, newest first: each
    event with its attempts and last error.
    """
    state = service_state(request)
    grant = grant_of(request)
    # a key bound to companies looks through every kept letter (at most dead_letters_max) for its own
    letters = await state.gateway.outbox.dead_letters(
        limit if grant.companies is None else state.settings.dead_letters_max
    )
    own = [letter for letter in letters if grant.may_act_for(str(letter.event.get("companyId")))]
    return DeadLetterList(deadLetters=own[:limit])
