//! The connection pool and the queries of every request but a push ([`super::push`]).

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rand::RngCore;
use tokio_postgres::NoTls;
use uuid::Uuid;

use super::Fail;
use crate::protocol::{self, InviteRequest, Item, JoinRequest, JoinResponse, PullResponse};

/// How long a request waits for a free connection, or for a new one, before it answers 503.
const WAIT: Duration = Duration::from_secs(5);
/// Connections the pool keeps at most.
const POOL_SIZE: usize = 16;

/// A pool of connections to `url` (a `postgres://` URL or a libpq key=value string). Connects
/// lazily: a database that is down shows at the first request (or at the migration at start).
pub fn pool(url: &str) -> Result<Pool, String> {
    let config: tokio_postgres::Config = url.parse().map_err(|e| format!("the database URL is not valid: {e}"))?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(POOL_SIZE)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(WAIT))
        .create_timeout(Some(WAIT))
        .recycle_timeout(Some(WAIT))
        .build()
        .map_err(|e| format!("cannot set up the database connections: {e}"))
}

/// A connection from the pool, or 503.
pub async fn client(pool: &Pool) -> Result<deadpool_postgres::Object, Fail> {
    pool.get().await.map_err(|e| Fail::Unavailable(format!("the database cannot be reached ({e})")))
}

/// Who a request is from.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub account: Uuid,
    pub team: Uuid,
}

/// The account whose token this is, or 401.
pub async fn caller(pool: &Pool, token: &[u8; 32]) -> Result<Caller, Fail> {
    let client = client(pool).await?;
    let hash = protocol::token_hash(token);
    let row = client.query_opt("SELECT id, team FROM accounts WHERE token_hash = $1", &[&hash.as_slice()]).await?;
    let row = row.ok_or(Fail::Unauthorized)?;
    Ok(Caller { account: row.try_get(0)?, team: row.try_get(1)? })
}

/// The database answers.
pub async fn health(pool: &Pool) -> Result<(), Fail> {
    client(pool).await?.query_one("SELECT 1", &[]).await?;
    Ok(())
}

/// Two byte strings are equal, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new random bearer token.
fn new_token() -> [u8; 32] {
    let mut token = [0u8; 32];
    rand::rng().fill_bytes(&mut token);
    token
}

/// A device joins with an invite code: the invite is used up, an account is made and the device
/// registered to it, all in one transaction.
pub async fn join(pool: &Pool, req: &JoinRequest) -> Result<JoinResponse, Fail> {
    let mut client = client(pool).await?;
    let tx = client.transaction().await?;
    let invite = Uuid::from_bytes(req.invite);
    let row = tx
        .query_opt(
            "SELECT team, verifier, used_at IS NOT NULL OR expires_at <= now(), payload FROM invites \
             WHERE id = $1 FOR UPDATE",
            &[&invite],
        )
        .await?;
    let Some(row) = row else { return Err(Fail::NotFound("no such invite code".into())) };
    let verifier: Vec<u8> = row.try_get(1)?;
    if !same(&verifier, &req.verifier) {
        return Err(Fail::NotFound("no such invite code".into()));
    }
    if row.try_get::<_, bool>(2)? {
        return Err(Fail::Gone("this invite code was used already or has expired".into()));
    }
    // The payload (the team's key, sealed) is kept no longer than it is needed.
    let used = tx
        .query_opt(
            "UPDATE invites SET used_at = now(), payload = NULL \
             WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING team",
            &[&invite],
        )
        .await?;
    let Some(used) = used else { return Err(Fail::Gone("this invite code was used already or has expired".into())) };
    let team: Uuid = used.try_get(0)?;
    let payload: Option<Vec<u8>> = row.try_get(3)?;
    let account = Uuid::new_v4();
    let token = new_token();
    let hash = protocol::token_hash(&token);
    tx.execute(
        "INSERT INTO accounts (id, team, token_hash, sealed_name) VALUES ($1, $2, $3, $4)",
        &[&account, &team, &hash.as_slice(), &req.sealed_name],
    )
    .await?;
    // A device that joins again (a lost token, a second code) moves to its new account.
    tx.execute(
        "INSERT INTO devices (team, device, account) VALUES ($1, $2, $3) \
         ON CONFLICT (team, device) DO UPDATE SET account = EXCLUDED.account",
        &[&team, &Uuid::from_bytes(req.device), &account],
    )
    .await?;
    tx.commit().await?;
    Ok(JoinResponse { team: team.into_bytes(), account: account.into_bytes(), token, payload })
}

/// A coach stores an invite for a colleague in their own team. The same request again (a retry)
/// is fine; another invite under a taken id is not.
pub async fn invite(pool: &Pool, caller: Caller, req: &InviteRequest) -> Result<(), Fail> {
    if req.expires_in == 0 || req.expires_in > protocol::MAX_INVITE_SECS {
        return Err(Fail::BadRequest(format!("an invite expires within 1 to {} seconds", protocol::MAX_INVITE_SECS)));
    }
    if req.payload.len() > protocol::MAX_ENVELOPE {
        return Err(Fail::BadRequest("the invite's payload is too large".into()));
    }
    let client = client(pool).await?;
    let id = Uuid::from_bytes(req.invite);
    let inserted = client
        .execute(
            "INSERT INTO invites (id, team, verifier, payload, expires_at, created_by) \
             VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6) ON CONFLICT (id) DO NOTHING",
            &[&id, &caller.team, &req.verifier.as_slice(), &req.payload, &f64::from(req.expires_in), &caller.account],
        )
        .await?;
    if inserted == 1 {
        return Ok(());
    }
    let row = client.query_opt("SELECT team, verifier FROM invites WHERE id = $1", &[&id]).await?;
    match row {
        Some(row) if row.try_get::<_, Uuid>(0)? == caller.team && row.try_get::<_, Vec<u8>>(1)? == req.verifier => {
            Ok(())
        }
        _ => Err(Fail::BadRequest("that invite id is taken".into())),
    }
}

/// The caller's team's current versions written after `since`, at most `limit`.
pub async fn pull(pool: &Pool, caller: Caller, q: &protocol::PullQuery) -> Result<PullResponse, Fail> {
    let client = client(pool).await?;
    let limit = q.limit;
    // The people and their keys (kinds 1 and 200, as the partial index `records_people_seq`;
    // a test below holds these numbers to the protocol's).
    let rows = if q.people {
        client
            .query(
                "SELECT seq, kind, key, participant, revision, hlc, device, tombstone, erased, envelope \
                 FROM records WHERE team = $1 AND seq > $2 AND kind IN (1, 200) ORDER BY seq LIMIT $3",
                &[&caller.team, &q.since, &(i64::from(limit) + 1)],
            )
            .await?
    } else {
        client
            .query(
                "SELECT seq, kind, key, participant, revision, hlc, device, tombstone, erased, envelope \
                 FROM records WHERE team = $1 AND seq > $2 AND NOT (seq <= $4 AND kind IN (1, 200)) \
                 ORDER BY seq LIMIT $3",
                &[&caller.team, &q.since, &(i64::from(limit) + 1), &q.skip_people],
            )
            .await?
    };
    // Read after the rows: never below the last one returned.
    let head: i64 = client.query_one("SELECT next_seq FROM teams WHERE id = $1", &[&caller.team]).await?.try_get(0)?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len().min(limit as usize));
    for row in rows.iter().take(limit as usize) {
        items.push((row.try_get(0)?, item_from_row(row, 1)?));
    }
    Ok(PullResponse { items, more, head: head - 1 })
}

/// An item from the columns kind, key, participant, revision, hlc, device, tombstone, erased,
/// envelope, starting at column `at`.
fn item_from_row(row: &tokio_postgres::Row, at: usize) -> Result<Item, Fail> {
    let kind: i16 = row.try_get(at)?;
    let participant: Option<Uuid> = row.try_get(at + 2)?;
    let revision: i64 = row.try_get(at + 3)?;
    let hlc: Vec<u8> = row.try_get(at + 4)?;
    let device: Uuid = row.try_get(at + 5)?;
    Ok(Item {
        kind: u8::try_from(kind).map_err(|_| Fail::Internal(format!("a stored kind out of range: {kind}")))?,
        key: row.try_get(at + 1)?,
        participant: participant.map(Uuid::into_bytes),
        revision: revision as u64,
        hlc: hlc.as_slice().try_into().map_err(|_| Fail::Internal("a stored clock time of the wrong size".into()))?,
        device: device.into_bytes(),
        tombstone: row.try_get(at + 6)?,
        erased: row.try_get(at + 7)?,
        envelope: row.try_get(at + 8)?,
    })
}

/// Forgets what is no longer needed: the payloads of expired invites, and the answers to pushes
/// older than 30 days (a batch sent again after that is applied again, which changes nothing: a
/// version already stored is answered with its stored number).
pub async fn tidy(pool: &Pool) -> Result<(), Fail> {
    let client = client(pool).await?;
    client.execute("UPDATE invites SET payload = NULL WHERE payload IS NOT NULL AND expires_at <= now()", &[]).await?;
    client.execute("DELETE FROM pushes WHERE created_at < now() - interval '30 days'", &[]).await?;
    Ok(())
}

/// Makes a team and the one-time code of its first coach (no payload: the first coach's caseload
/// key becomes the team's). Returns the code as a coach types it.
pub async fn create_team(client: &mut tokio_postgres::Client, name: &str) -> Result<String, tokio_postgres::Error> {
    let team = Uuid::new_v4();
    let mut invite = [0u8; 16];
    let mut secret = [0u8; 16];
    rand::rng().fill_bytes(&mut invite);
    rand::rng().fill_bytes(&mut secret);
    let tx = client.transaction().await?;
    tx.execute("INSERT INTO teams (id, name) VALUES ($1, $2)", &[&team, &name]).await?;
    tx.execute(
        "INSERT INTO invites (id, team, verifier, payload, expires_at) \
         VALUES ($1, $2, $3, NULL, now() + make_interval(secs => $4))",
        &[
            &Uuid::from_bytes(invite),
            &team,
            &protocol::verifier(&secret).as_slice(),
            &f64::from(protocol::MAX_INVITE_SECS),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(protocol::format_code(&invite, &secret))
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn same_compares_whole_strings() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }

    #[test]
    fn the_people_first_kinds_in_the_queries_and_the_index_are_the_protocols() {
        let kinds = format!("kind IN ({}, {})", crate::protocol::PARTICIPANT_KIND, crate::protocol::KEY_ITEM);
        let source = include_str!("db.rs");
        assert_eq!(source.matches(&kinds).count(), 2, "both queries");
        assert!(crate::server::schema::MIGRATIONS.iter().any(|(_, sql)| sql.contains(&kinds)));
    }
}
