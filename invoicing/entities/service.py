"""Entities: a business customer's own legal identity, numbering, branding and settings."""

from __future__ import annotations

import msgspec
from babel.numbers import get_territory_currencies
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound
from invoicing.auth import keys
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.locales import default_locale, locale_field
from invoicing.core.paging import apply_metadata, page
from invoicing.core.tax_numbers import validate_tax_number
from invoicing.core.validate import country_field, currency_field
from invoicing.customers.peppol import peppol_id_field
from invoicing.db.models import ApiKey, Entity
from invoicing.emails.headers import check_header
from invoicing.entities import settings as entity_settings
from invoicing.entities.schemas import (
    ApiKeyOut,
    Contact,
    EntityCreate,
    EntityList,
    EntityOut,
    EntitySettings,
    EntityUpdate,
)
from invoicing.events import emit, publish


def to_out(entity: Entity) -> EntityOut:
    return EntityOut(
        id=entity.id,
        object="entity",
        environment=entity.environment,
        name=entity.name,
        country=entity.country,
        address=entity.address,
        city=entity.city,
        post_code=entity.post_code,
        tax_number=entity.tax_number,
        is_tax_subject=entity.is_tax_subject,
        currency_code=entity.currency_code,
        locale=entity.locale,
        email=entity.email,
        registration_number=entity.registration_number,
        peppol_id=entity.peppol_id,
        contact=msgspec.convert(entity.contact or {}, Contact),
        settings=entity_settings.as_schema(entity_settings.effective(entity.settings), entity.country),
        metadata=entity.metadata_ or {},
        created_at=entity.created_at,
    )


def _text(value: str | None) -> str | None:
    """Stripped; None when empty."""
    return (value or "").strip() or None


def _contact(contact: Contact | None) -> dict[str, str] | None:
    """What is stored of the contact: its non-empty fields, None without any."""
    if contact is None:
        return None
    stored = {k: v.strip() for k, v in msgspec.structs.asdict(contact).items() if v and v.strip()}
    return stored or None


def _name(value: str) -> str:
    """The entity's name, stripped; it is the default sender name and part of every default e-mail subject,
    so it must be header text (one line: 422 naming ``name``)."""
    return check_header(value.strip(), "name")


def _check_sender_name(settings: EntitySettings | msgspec.UnsetType | None) -> None:
    """A ``settings.email.sender_name`` being set must be header text (422 naming it)."""
    email = getattr(settings, "email", None)
    sender_name = getattr(email, "sender_name", None)
    if isinstance(sender_name, str):
        check_header(sender_name, "settings.email.sender_name")


def _default_currency(country: str) -> str:
    currencies = get_territory_currencies(country, tender=True)
    return currencies[0] if currencies else "EUR"


async def get_entity(session: AsyncSession, scope: Scope, entity_id: str) -> Entity:
    principal = scope.principal
    entity = await session.get(Entity, entity_id)
    if (
        entity is None
        or entity.account_id != principal.account_id
        or entity.environment != principal.environment
        or (principal.entity_id is not None and principal.entity_id != entity_id)
    ):
        raise NotFound(f"Entity {entity_id} was not found.")
    return entity


def _visible(scope: Scope) -> Select:
    principal = scope.principal
    stmt = select(Entity).where(Entity.account_id == principal.account_id, Entity.environment == principal.environment)
    if principal.entity_id is not None:
        stmt = stmt.where(Entity.id == principal.entity_id)
    return stmt


class EntityService:
    """The caller's entities and their keys, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def create(self, data: EntityCreate) -> EntityOut:
        principal = self.scope.principal
        country = country_field(data.country, "country")
        stored = msgspec.to_builtins(data.settings) if data.settings else {}
        entity_settings.check(stored)
        _check_sender_name(data.settings)
        entity = Entity(
            id=new_id("entity"),
            account_id=principal.account_id,
            environment=principal.environment,
            name=_name(data.name),
            country=country,
            address=data.address,
            city=data.city,
            post_code=data.post_code,
            tax_number=validate_tax_number(data.tax_number, country, "tax_number") if data.tax_number else None,
            is_tax_subject=data.is_tax_subject,
            currency_code=currency_field(data.currency_code, "currency_code")
            if data.currency_code
            else _default_currency(country),
            locale=locale_field(data.locale, "locale") if data.locale else default_locale(country),
            email=data.email,
            registration_number=_text(data.registration_number),
            peppol_id=peppol_id_field(data.peppol_id, "peppol_id") if data.peppol_id else None,
            contact=_contact(data.contact),
            settings=stored,
            metadata_=data.metadata or {},
        )
        self.session.add(entity)
        emit(self.session, Scope(principal, entity), "entity.created", entity.id)
        return publish(self.session, to_out(entity))

    async def list(self, limit: int, cursor: str | None, metadata: dict[str, str]) -> EntityList:
        stmt = apply_metadata(_visible(self.scope), Entity.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, Entity.id, limit, cursor, to_out)
        return EntityList(data=data, next_cursor=next_cursor)

    async def get(self, entity_id: str) -> EntityOut:
        return to_out(await get_entity(self.session, self.scope, entity_id))

    async def update(self, entity_id: str, data: EntityUpdate) -> EntityOut:
        entity = await get_entity(self.session, self.scope, entity_id)
        changes = msgspec.structs.asdict(data)
        country = country_field(data.country, "country") if data.country is not msgspec.UNSET else entity.country
        changed = []  # what really changed: sending a field's current value again changes nothing
        for field, value in changes.items():
            if value is msgspec.UNSET or field in ("settings", "metadata"):
                continue
            if field == "country":
                value = country
            elif field == "name":
                value = _name(value)
            elif field == "tax_number" and value:
                value = validate_tax_number(value, country, "tax_number")
            elif field == "currency_code":
                value = currency_field(value, "currency_code")
            elif field == "locale":
                value = locale_field(value, "locale")
            elif field == "registration_number":
                value = _text(value)
            elif field == "peppol_id" and value:
                value = peppol_id_field(value, "peppol_id")
            elif field == "contact":
                value = _contact(value)
            if getattr(entity, field) != value:
                setattr(entity, field, value)
                changed.append(field)
        if data.settings is not msgspec.UNSET:
            merged = entity_settings.merged(entity.settings, data.settings)
            entity_settings.check(merged)
            _check_sender_name(data.settings)
            if entity_settings.effective(merged) != entity_settings.effective(entity.settings):
                entity.settings = merged
                changed.append("settings")
        if data.metadata is not msgspec.UNSET and data.metadata != entity.metadata_:
            entity.metadata_ = data.metadata
            changed.append("metadata")
        if changed:  # no event, webhook or audit entry for a change that changes nothing
            emit(
                self.session,
                Scope(self.scope.principal, entity),  # the entity's own event, also when an account key changes it
                "entity.updated",
                entity.id,
                {"fields": sorted(changed)},
            )
        return publish(self.session, to_out(entity))

    async def create_key(self, entity_id: str, name: str | None) -> ApiKeyOut:
        entity = await get_entity(self.session, self.scope, entity_id)
        key = keys.generate("ek", entity.environment)
        row = ApiKey(
            id=new_id("api_key"),
            account_id=entity.account_id,
            environment=entity.environment,
            entity_id=entity.id,
            key_hash=keys.digest(key),
            last4=key[-4:],
            name=name,
        )
        self.session.add(row)
        await self.session.flush()
        emit(self.session, Scope(self.scope.principal, entity), "api_key.created", row.id)
        return ApiKeyOut(
            id=row.id,
            object="api_key",
            entity_id=entity.id,
            environment=entity.environment,
            key=key,
            name=name,
            created_at=row.created_at,
        )
