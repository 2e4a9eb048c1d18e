"""credentials: index (election_id, issued_seq)

Self-service registration numbers each new credential with max(issued_seq) + 1; without an index
that read scanned every credential of the election, once per registration.

Revision ID: 8c1d2e4f5a6b
Revises: 3f9d3f2e607e
Create Date: 2026-12-07 16:50:00
"""

from __future__ import annotations

from alembic import op

revision = "8c1d2e4f5a6b"
down_revision = "3f9d3f2e607e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index("ix_credentials_seq", ["election_id", "issued_seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_seq")
