"""The case file: the subject's details, organisations, money and property, documents, recusals and named members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.auth.interface import User
from hub.cases.access import CaseContext, check_separation, load_clue
from hub.cases.models import (
    AssetStatus,
    CaseAsset,
    CaseDocument,
    CaseMember,
    CaseOrganisation,
    CaseRecusal,
    Clue,
    Duty,
    Gender,
    RankLevel,
)
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.org.interface import OfficeCode, OrgUnit


def _left_out() -> Any:
    """The default of a field that may be left out but never emptied: None means "not given", so the schema shows no
    default (a null default would contradict the field's type, and null is refused)."""

    def drop_default(schema: dict[str, Any]) -> None:
        schema.pop("default", None)

    return Field(None, json_schema_extra=drop_default)


class SubjectPatch(BaseModel):
    """A correction: a field left out stays as it is. Gender, birth date and rank may be cleared with null; the other
    fields can never be empty (their columns hold no null), so null is refused for them, and not offered in the schema."""

    version: int
    subject_name: Annotated[str, Field(min_length=1, max_length=80)] | SkipJsonSchema[None] = _left_out()
    subject_gender: Gender | None = None
    subject_birth_date: dt.date | None = None
    subject_party_member: bool | SkipJsonSchema[None] = _left_out()
    subject_rank: RankLevel | None = None
    subject_post: Annotated[str, Field(max_length=120)] | SkipJsonSchema[None] = _left_out()
    subject_lower_leader: bool | SkipJsonSchema[None] = _left_out()
    summary: Annotated[str, Field(min_length=1, max_length=20000)] | SkipJsonSchema[None] = _left_out()

    @field_validator("subject_name", "subject_party_member", "subject_post", "subject_lower_leader", "summary")
    @classmethod
    def _not_emptied(cls, value: object) -> object:
        # runs for values given only (a left-out field keeps its default without validation)
        if value is None:
            raise ValueError("this field cannot be emptied")
        return value


class AssetIn(BaseModel):
    kind: str = Field(min_length=1, max_length=80)
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    status: AssetStatus
    note: str = Field("", max_length=300)


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=160)
    role: str = Field("", max_length=120)


class DocumentIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: str = Field("upload", pattern="^(upload|generated|recording)$")
    stored_file_id: str | None = Field(None, max_length=100)


class RecusalIn(BaseModel):
    user_id: int | None = None
    org_unit_id: int | None = None
    reason: str = Field(min_length=1, max_length=300)


class MemberIn(BaseModel):
    user_id: int
    duty: Duty


async def _editable(session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int) -> Clue:
    clue = await load_clue(session, ctx, actor, clue_id)
    ctx.policy.require(actor, "edit", clue)
    return clue


async def update_subject(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, patch: SubjectPatch, now: dt.datetime
) -> Clue:
    clue = await _editable(session, ctx, actor, clue_id)
    if clue.version != patch.version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    changes = patch.model_dump(exclude_unset=True, exclude={"version"})
    for key, value in changes.items():
        setattr(clue, key, value)
    clue.updated_at = now
    await session.flush()
    await audit.record(session, actor.audit, "clue.update", "clue", clue.id, changes, at=now)
    return clue


async def add_asset(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: AssetIn, now: dt.datetime
) -> CaseAsset:
    clue = await _editable(session, ctx, actor, clue_id)
    asset = CaseAsset(clue_id=clue.id, **data.model_dump())
    session.add(asset)
    await session.flush()
    await audit.record(
        session, actor.audit, "clue.asset.add", "clue", clue.id, {"asset": asset.id, **data.model_dump(mode="json")}, at=now
    )
    return asset


async def set_asset_status(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    clue_id: int,
    asset_id: int,
    status: AssetStatus,
    version: int,
    now: dt.datetime,
) -> CaseAsset:
    clue = await _editable(session, ctx, actor, clue_id)
    asset = await session.get(CaseAsset, asset_id)
    if asset is None or asset.clue_id != clue.id:
        raise NotFound("asset")
    if asset.version != version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    before = asset.status.value
    asset.status = status
    await session.flush()
    await audit.record(
        session,
        actor.audit,
        "clue.asset.status",
        "clue",
        clue.id,
        {"asset": asset.id, "from": before, "to": status.value},
        at=now,
    )
    return asset


async def add_organisation(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: OrganisationIn, now: dt.datetime
) -> CaseOrganisation:
    clue = await _editable(session, ctx, actor, clue_id)
    org = CaseOrganisation(clue_id=clue.id, **data.model_dump())
    session.add(org)
    await session.flush()
    await audit.record(session, actor.audit, "clue.organisation.add", "clue", clue.id, data.model_dump(), at=now)
    return org


async def add_document(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: DocumentIn, now: dt.datetime
) -> CaseDocument:
    """Attach a document; ``stored_file_id`` names the file in the evidence store (hook for uploads and recordings)."""
    clue = await _editable(session, ctx, actor, clue_id)
    doc = CaseDocument(clue_id=clue.id, added_by=actor.user_id, added_at=now, **data.model_dump())
    session.add(doc)
    await session.flush()
    await audit.record(
        session, actor.audit, "clue.document.add", "clue", clue.id, {"document": doc.id, **data.model_dump()}, at=now
    )
    return doc


async def add_recusal(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: RecusalIn, now: dt.datetime
) -> CaseRecusal:
    """规则 65: the case management office or the main leader puts a person or a group on the recusal list."""
    clue = await load_clue(session, ctx, actor, clue_id)
    if not (actor.is_main_leader or ctx.offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT):
        raise Forbidden("not_allowed", "Recusals are recorded by the case management office or the main leader.")
    if (data.user_id is None) == (data.org_unit_id is None):
        raise Invalid("invalid", "Some fields are not valid.", fields={"user_id": "Name either a person or a group."})
    if data.user_id is not None and await session.get(User, data.user_id) is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"user_id": "No such person."})
    if data.org_unit_id is not None and await session.get(OrgUnit, data.org_unit_id) is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"org_unit_id": "No such unit."})
    row = CaseRecusal(
        clue_id=clue.id,
        user_id=data.user_id,
        org_unit_id=data.org_unit_id,
        reason=data.reason,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(session, actor.audit, "clue.recusal.add", "clue", clue.id, data.model_dump(), at=now)
    return row


async def add_member(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: MemberIn, now: dt.datetime
) -> CaseMember:
    """Name a person on the case with one duty; refused when they already hold another (§3.7 invariant 2) or are recused."""
    clue = await _editable(session, ctx, actor, clue_id)
    user = await session.get(User, data.user_id)
    if user is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"user_id": "No such person."})
    recused = await session.scalar(
        select(CaseRecusal.id).where(CaseRecusal.clue_id == clue.id, CaseRecusal.user_id == user.id).limit(1)
    )
    if recused is not None:
        await audit.record(
            session, actor.audit, "clue.recusal.block", "clue", clue.id, {"user": user.id, "duty": data.duty.value}, at=now
        )
        raise Conflict("recused", "This person is on the case's recusal list.")
    member_actor = Actor(kind="staff", user_id=user.id, username=user.username, role=user.role, org_unit_id=user.org_unit_id)
    try:
        await check_separation(session, member_actor, clue, data.duty, ctx.offices)
    except Forbidden as exc:
        raise Conflict("separation", exc.message) from None
    member = CaseMember(clue_id=clue.id, user_id=user.id, duty=data.duty)
    session.add(member)
    await session.flush()
    await audit.record(
        session, actor.audit, "clue.member.add", "clue", clue.id, {"user": user.id, "duty": data.duty.value}, at=now
    )
    return member


def asset_json(a: CaseAsset) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "amount": str(a.amount), "status": a.status.value, "note": a.note, "version": a.version}
