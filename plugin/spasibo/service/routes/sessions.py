"""Session management: list, add (QR payload or pairing code), remove, logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from spasibo.service.auth import grant_of, require_company
from spasibo.service.errors import from_pool_error
from spasibo.service.placement import owned_elsewhere
from spasibo.service.routes.openapi import COMMON, errors
from spasibo.service.schemas import AddSessionBody, Done, PairingAnswer, SessionAnswer, SessionList
from spasibo.service.state import service_state
from spasibo.whatsapp.errors import InvalidInputError, SessionExistsError
from spasibo.whatsapp.stats import SessionInfo
from spasibo.whatsapp.validation import validate_company_id

router = APIRouter(prefix="/sessions", tags=["sessions"])

CompanyId = Annotated[str, Path(min_length=1, max_length=255)]


def _answer(info: SessionInfo) -> SessionAnswer:
    return SessionAnswer(
        companyId=info.company_id,
        state=info.state,
        phoneMasked=info.phone_masked,
        breakerState=info.breaker_state,
        breakerRetryAfterS=info.breaker_retry_after_s,
        reconnectAttempt=info.reconnect_attempt,
        connects=info.connects,
        lastError=info.last_error,
        terminalReason=info.terminal_reason,
    )


def _company(request: Request, company_id: str) -> str:
    """``company_id`` when it is valid (else 422) and the caller's key may act for it (else 403)."""
    state = service_state(request)
    try:
        company_id = validate_company_id(company_id, state.pool.settings.company_id_max_length)
    except InvalidInputError as error:
        raise from_pool_error(error) from None
    require_company(grant_of(request), company_id)
    return company_id


@router.get("", response_model=SessionList, responses=errors(401, 500))
async def list_sessions(request: Request) -> SessionList:
    """This instance's sessions with their state: those of the companies the caller's key may act for."""
    grant = grant_of(request)
    infos = service_state(request).pool.sessions()
    return SessionList(sessions=[_answer(info) for info in infos if grant.may_act_for(info.company_id)])


@router.post(
    "",
    status_code=201,
    response_model=PairingAnswer,
    responses=errors(*COMMON, 403, 409, 421, 503),
    summary="Start a company's session; pair by QR, or by code when phone is given",
)
async def add_session(body: AddSessionBody, request: Request) -> PairingAnswer:
    """Claim the company's lease and connect; answer with the QR payload or pairing code to show."""
    state = service_state(request)
    company_id = _company(request, body.companyId)
    if any(info.company_id == company_id for info in state.pool.sessions()):
        raise from_pool_error(
            SessionExistsError(f"company {company_id!r} already has a WhatsApp session; remove it first")
        )
    owner = await state.keeper.acquire(company_id)
    if owner != state.keeper.ownership.me:
        raise owned_elsewhere(company_id, owner)
    try:
        info = await state.pool.add_session(company_id, body.phone)
    except BaseException:
        await state.keeper.give_up(company_id)
        raise
    await state.keeper.keep(company_id)  # remembered across restarts (the session runs even if this fails)
    return PairingAnswer(
        companyId=company_id, state=info.state, method=info.method, qr=info.qr, pairCode=info.pair_code
    )


@router.delete("/{company_id}", response_model=Done, responses=errors(401, 403, 404, 421, 422, 500, 503))
async def remove_session(company_id: CompanyId, request: Request) -> Done:
    """Stop the company's session here and release its lease (its stored login stays valid)."""
    state = service_state(request)
    company_id = _company(request, company_id)
    await state.placement.require_here(company_id)  # never stop wanting a company we only stand by for
    await state.pool.remove_session(company_id)
    await state.keeper.give_up(company_id)
    return Done(companyId=company_id)


@router.post(
    "/{company_id}/logout", response_model=Done, responses=errors(401, 403, 404, 421, 422, 500, 502, 503)
)
async def logout(company_id: CompanyId, request: Request) -> Done:
    """Log the company out of WhatsApp (its login becomes invalid) and remove the session."""
    state = service_state(request)
    company_id = _company(request, company_id)
    await state.placement.require_here(company_id)  # a standby must not give up its takeover
    try:
        await state.pool.logout(company_id)
    finally:
        await state.keeper.give_up(company_id)
    return Done(companyId=company_id)
