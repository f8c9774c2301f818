"""Tables that belong to no single service: accounts, the shared clock, worker leases."""

from __future__ import annotations

from fogbank.storage.in_use import mark_existing_store
from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "core",
        1,
        "accounts, clock, leases",
        (
            """CREATE TABLE accounts (
                account_id {text} PRIMARY KEY,
                name {text} NOT NULL,
                email {text},
                created_at {double} NOT NULL
            )""",
            """CREATE TABLE clock_state (
                id INTEGER PRIMARY KEY,
                anchor_real {double} NOT NULL,
                anchor_sim {double} NOT NULL,
                scale {double} NOT NULL,
                generation {bigint} NOT NULL
            )""",
            """CREATE TABLE leases (
                name {text} PRIMARY KEY,
                holder {text} NOT NULL,
                expires_at {double} NOT NULL
            )""",
        ),
    ),
    Migration(
        "core",
        2,
        "services in use (built by every gateway process)",
        (
            """CREATE TABLE services_in_use (
                name {text} PRIMARY KEY,
                since {double} NOT NULL
            )""",
        ),
        run=mark_existing_store,
    ),
)
