//! The server's tables and their versioned migrations.
//!
//! Every migration runs at start, in one transaction under an advisory lock, so several server
//! processes that start at once migrate once. A migration is never edited after release: a
//! change is a new entry at the end of [`MIGRATIONS`].
//!
//! What the tables hold is routing metadata and sealed bytes only: random ids (teams, accounts,
//! devices, invites, participants, record keys), kinds, revisions, hybrid clock times, sizes. The
//! team's name is the organisation's; a coach's name is sealed by the client.

use tokio_postgres::Client;

/// The advisory lock that serialises migrations ("meedoen" in ASCII as a number).
const MIGRATION_LOCK: i64 = 0x006d_6565_646f_656e;

/// The migrations in order: (version, SQL).
pub const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        r"
CREATE TABLE teams (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    next_seq bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    team uuid NOT NULL REFERENCES teams (id),
    token_hash bytea NOT NULL UNIQUE,
    sealed_name bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_team ON accounts (team);
CREATE TABLE devices (
    team uuid NOT NULL REFERENCES teams (id),
    device uuid NOT NULL,
    account uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, device)
);
CREATE TABLE invites (
    id uuid PRIMARY KEY,
    team uuid NOT NULL REFERENCES teams (id),
    verifier bytea NOT NULL,
    payload bytea,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_by uuid REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE records (
    team uuid NOT NULL REFERENCES teams (id),
    kind smallint NOT NULL,
    key bytea NOT NULL,
    participant uuid,
    revision bigint NOT NULL,
    hlc bytea NOT NULL,
    device uuid NOT NULL,
    account uuid NOT NULL REFERENCES accounts (id),
    tombstone boolean NOT NULL,
    erased boolean NOT NULL,
    envelope bytea NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (team, kind, key)
);
CREATE UNIQUE INDEX records_seq ON records (team, seq);
CREATE INDEX records_participant ON records (team, participant) WHERE participant IS NOT NULL;
CREATE TABLE erased (
    team uuid NOT NULL REFERENCES teams (id),
    participant uuid NOT NULL,
    erased_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, participant)
);
CREATE TABLE pushes (
    team uuid NOT NULL REFERENCES teams (id),
    batch uuid NOT NULL,
    response bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, batch)
);
",
    ),
    // A fresh device pulls the people and their keys first (`?people=1`): their rows by sequence.
    (2, "CREATE INDEX records_people_seq ON records (team, seq) WHERE kind IN (1, 200);"),
];

/// Creates the tables or brings them up to date. Returns the versions applied now.
pub async fn migrate(client: &mut Client) -> Result<Vec<i32>, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version int PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let row = tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[]).await?;
    let current: i32 = row.get(0);
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).await?;
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", &[version]).await?;
        applied.push(*version);
    }
    tx.commit().await?;
    Ok(applied)
}
