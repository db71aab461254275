"""Hardware security keys (WebAuthn): keys, single-use challenges, one-time enrolment grants,
and the key that completed each session.

Generated with Alembic's autogenerate API (produce_migrations + render_python_code) against a database at f0001.

Revision ID: auth_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "auth_0001"
down_revision = "f0001"
branch_labels = ("auth",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrolment_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_enrolment_grants_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_grants")),
    )
    with op.batch_alter_table("enrolment_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_grants_user_id"), ["user_id"], unique=False)

    op.create_table(
        "security_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("aaguid", sa.String(length=36), nullable=False),
        sa.Column("attestation_format", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_security_keys_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_keys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_security_keys_credential_id")),
    )
    with op.batch_alter_table("security_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_keys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "webauthn_challenges",
        sa.Column("web_session_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.Enum("enrol", "sign_in", name="challengepurpose", native_enum=False, length=40), nullable=False),
        sa.Column("challenge", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["web_session_id"],
            ["web_sessions.id"],
            name=op.f("fk_webauthn_challenges_web_session_id_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("web_session_id", "purpose", name=op.f("pk_webauthn_challenges")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("security_key_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_web_sessions_security_key_id_security_keys"),
            "security_keys",
            ["security_key_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_web_sessions_security_key_id_security_keys"), type_="foreignkey")
        batch_op.drop_column("security_key_id")

    op.drop_table("webauthn_challenges")
    with op.batch_alter_table("security_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_keys_user_id"))

    op.drop_table("security_keys")
    with op.batch_alter_table("enrolment_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_grants_user_id"))

    op.drop_table("enrolment_grants")
