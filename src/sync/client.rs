//! The replica's side of sync: blocking HTTPS to the team's server (no async runtime in the
//! terminal program), and one sync round: push what this device changed, then pull what the
//! team changed.

use std::time::Duration;

use rand::RngCore;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::protocol::{
    self, InviteRequest, Item, JoinRequest, JoinResponse, Outcome, PullQuery, PullResponse, PushRequest, PushResponse,
};
use crate::store::sync::{Applied, TeamLink};
use crate::store::{Kind, Store, StoreError};

/// Why a sync (or a team command) did not complete.
#[derive(Debug)]
pub enum SyncError {
    /// The server could not be reached (no network, server down): everything is kept for later.
    Unreachable(String),
    /// The server answered with an error status.
    Refused {
        status: u16,
        message: String,
    },
    /// The server's certificate is not trusted (or the `--ca` file holds none).
    Insecure(String),
    /// The address is not one meedoen sends data to: plain http off this computer, no https://.
    BadAddress(String),
    /// This caseload is not part of a team.
    NotInTeam,
    Store(StoreError),
    /// An answer that does not decode.
    BadAnswer(String),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::Unreachable(why) => write!(f, "the server cannot be reached ({why})"),
            SyncError::Refused { status, message } => write!(f, "the server refused ({status}): {message}"),
            SyncError::Insecure(why) => write!(f, "{why}"),
            SyncError::BadAddress(server) => {
                write!(f, "{server}: meedoen sends data to https:// addresses only (http:// on this computer only)")
            }
            SyncError::NotInTeam => write!(f, "this caseload is not part of a team (meedoen team join)"),
            SyncError::Store(e) => write!(f, "{e}"),
            SyncError::BadAnswer(why) => write!(f, "the server's answer does not read ({why})"),
        }
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e)
    }
}

/// A connection to one server.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<[u8; 32]>,
}

impl Client {
    /// A client for `server` (`https://host[:port]`, or `http://` on a loopback address only),
    /// trusting `ca` (PEM) besides nothing else when given, else the usual web roots.
    pub fn new(server: &str, ca: Option<&str>) -> Result<Client, SyncError> {
        let base = server.trim_end_matches('/').to_string();
        let rest = if let Some(rest) = base.strip_prefix("http://") {
            if !is_loopback(rest) {
                return Err(SyncError::BadAddress(server.to_string()));
            }
            rest
        } else if let Some(rest) = base.strip_prefix("https://") {
            rest
        } else {
            return Err(SyncError::BadAddress(server.to_string()));
        };
        if rest.is_empty() {
            return Err(SyncError::BadAddress(server.to_string()));
        }
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = ca {
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem.as_bytes())
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(SyncError::Insecure("the --ca file holds no certificate (PEM)".into()));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(60)))
            .build();
        Ok(Client { agent: config.into(), base, token: None })
    }

    /// The same client, authenticated as an account.
    pub fn with_token(mut self, token: [u8; 32]) -> Client {
        self.token = Some(token);
        self
    }

    fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&Req>,
    ) -> Result<Option<Resp>, SyncError> {
        let url = format!("{}{path}", self.base);
        let auth = self.token.map(|t| format!("Bearer {}", hex(&t)));
        let result = match body {
            Some(b) => {
                let bytes = protocol::encode(b).map_err(SyncError::BadAnswer)?;
                let mut req = self.agent.post(&url).content_type("application/octet-stream");
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.send(&bytes[..])
            }
            None => {
                let mut req = self.agent.get(&url);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.call()
            }
        };
        let mut resp = result.map_err(transport_error)?;
        let status = resp.status().as_u16();
        let bytes =
            resp.body_mut().with_config().limit(protocol::MAX_BODY as u64).read_to_vec().map_err(transport_error)?;
        if !(200..300).contains(&status) {
            let message = String::from_utf8_lossy(&bytes).chars().take(300).collect::<String>();
            return Err(SyncError::Refused { status, message });
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        protocol::decode(&bytes).map(Some).map_err(SyncError::BadAnswer)
    }

    fn expect<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&Req>,
    ) -> Result<Resp, SyncError> {
        self.call(path, body)?.ok_or_else(|| SyncError::BadAnswer("an empty answer".into()))
    }

    pub fn join(&self, req: &JoinRequest) -> Result<JoinResponse, SyncError> {
        self.expect("/v1/join", Some(req))
    }

    pub fn invite(&self, req: &InviteRequest) -> Result<(), SyncError> {
        self.call::<_, ()>("/v1/invites", Some(req)).map(|_| ())
    }

    pub fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        self.expect("/v1/push", Some(req))
    }

    pub fn pull(&self, q: &PullQuery) -> Result<PullResponse, SyncError> {
        let mut path = format!("/v1/pull?since={}&limit={}", q.since, q.limit);
        if q.people {
            path.push_str("&people=1");
        }
        if q.skip_people > 0 {
            path.push_str(&format!("&skip_people={}", q.skip_people));
        }
        self.expect::<(), _>(&path, None)
    }
}

fn transport_error(e: ureq::Error) -> SyncError {
    match e {
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => SyncError::Insecure(format!(
            "the server's certificate is not trusted ({e}); pass --ca FILE for a certificate of your own"
        )),
        other => SyncError::Unreachable(other.to_string()),
    }
}

/// Whether the host part of an address (`host[:port][/...]`) is this computer.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What one sync round did.
#[derive(Debug, Default)]
pub struct Report {
    pub sent: usize,
    pub accepted: usize,
    /// Sent, but the server holds a later version (which came down).
    pub superseded: usize,
    /// Sent, but changed elsewhere meanwhile: merged with that version and sent again.
    pub conflicts: usize,
    /// Claims of a participant number block refused: another device claimed the block first.
    /// Its claim comes down and this device claims again (see `store::numbers`); no conflict.
    pub claims_lost: usize,
    /// People registered here while waiting for a number who got one (see `store::numbers`).
    pub numbered: usize,
    /// Refused by the server, with its reason (kept here, not sent again).
    pub refused: Vec<String>,
    pub received: Applied,
    /// The server had gone back (restored from a backup): everything this device wrote, its
    /// erasures included, went up again, and the team's records came down from the start.
    pub server_went_back: bool,
}

/// One sync round: the whole caseload once (a team's first coach), this device's changes since
/// the last push, then the team's changes since the last pull. Progress is saved after every
/// step, so a round cut off (kill, network) goes on where it stopped.
pub fn sync(store: &Store) -> Result<Report, SyncError> {
    sync_telling(store, &mut |_| {})
}

/// How far a round's pull got, told after every page taken in (for a screen that shows a fresh
/// replica filling: its people first, then the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The first phase of a fresh replica: the people and their keys.
    pub people: bool,
    /// The sequence number taken in up to, and the team's newest.
    pub at: i64,
    pub head: i64,
    /// Records taken in by this page.
    pub records: usize,
    /// The phase's last page.
    pub last: bool,
}

/// [`sync`], telling `progress` after every page pulled.
pub fn sync_telling(store: &Store, progress: &mut dyn FnMut(Progress)) -> Result<Report, SyncError> {
    let mut link = store.team()?.ok_or(SyncError::NotInTeam)?;
    let client = Client::new(&link.server, link.ca.as_deref())?.with_token(link.token);
    let device = store.device_id()?;
    let mut report = Report::default();
    // The team learns who works on this device (a conflict says who changed what).
    let confirmed = Some(link.coach.clone()).filter(|c| !c.trim().is_empty());
    if let Some(coach) = confirmed.or(store.settings()?.coach).filter(|c| !c.trim().is_empty()) {
        store.set_member(coach.trim())?;
    }
    if !link.uploaded {
        let end = store.log_end()?;
        let items = store.everything_outgoing()?;
        push_all(store, &client, device, items, &mut report)?;
        link.uploaded = true;
        link.pushed = end;
        store.set_team(&link)?;
    }
    push_pages(store, &client, device, &mut link, &mut report, false)?;
    if !link.parked.is_empty() {
        let retry = std::mem::take(&mut link.parked);
        let mut applied = store.apply_incoming(&retry)?;
        link.parked = std::mem::take(&mut applied.parked);
        merge(&mut report.received, applied);
        store.set_team(&link)?;
    }
    if link.pulled == 0 && link.people_until == TeamLink::PEOPLE_FIRST {
        // A fresh replica: the people and their keys first, so the coach's own people are
        // there while the rest of the team's history comes in. (A stop here starts this phase
        // again: it is the small part.)
        let mut since = 0;
        loop {
            let page = client.pull(&PullQuery { since, limit: protocol::MAX_PULL, people: true, skip_people: 0 })?;
            let records = take_in(store, &mut link, &page.items, &mut report)?;
            since = page.items.last().map_or(since, |(seq, _)| *seq);
            progress(Progress { people: true, at: since, head: page.head, records, last: !page.more });
            if !page.more {
                // Every person and key up to the team's newest sequence number is in.
                link.people_until = page.head.max(0);
                store.set_team(&link)?;
                break;
            }
        }
    }
    loop {
        let skip_people = link.people_until.max(0);
        let page =
            client.pull(&PullQuery { since: link.pulled, limit: protocol::MAX_PULL, people: false, skip_people })?;
        if page.head < link.pulled && !report.server_went_back {
            // The server went back: what it lost since its backup is on the team's computers.
            // Each sends everything it wrote again (the erasures it made too, so none is
            // undone), and takes the team's records in again from the start.
            report.server_went_back = true;
            link.pulled = 0;
            link.pushed = 0;
            link.people_until = 0;
            store.set_team(&link)?;
            push_pages(store, &client, device, &mut link, &mut report, true)?;
            continue;
        }
        let Some(last) = page.items.last().map(|(seq, _)| *seq) else { break };
        let records = take_in(store, &mut link, &page.items, &mut report)?;
        link.pulled = last;
        store.set_team(&link)?;
        progress(Progress { people: false, at: last, head: page.head, records, last: !page.more });
        if !page.more {
            break;
        }
    }
    // What the pull merged (changes made here and elsewhere to one record) goes up, made on
    // the version that came down; with it the participant numbers: the people waiting for one
    // get it from a confirmed block, and a block claimed ahead goes up to be confirmed (then
    // the waiting get numbers from it in the next round).
    for _ in 0..3 {
        let (numbered, claimed) = store.settle_numbers()?;
        report.numbered += numbered;
        push_pages(store, &client, device, &mut link, &mut report, false)?;
        if !claimed {
            break;
        }
    }
    Ok(report)
}

/// Takes a pulled page in; how many records it brought.
fn take_in(store: &Store, link: &mut TeamLink, items: &[(i64, Item)], report: &mut Report) -> Result<usize, SyncError> {
    let mut applied = store.apply_incoming(items)?;
    // A kept item whose record came again since is replaced by that newer version.
    link.parked.retain(|(_, p)| !items.iter().any(|(_, i)| i.kind == p.kind && i.key == p.key));
    link.parked.append(&mut applied.parked);
    let records = applied.records + applied.erased + applied.kept_local;
    merge(&mut report.received, applied);
    Ok(records)
}

/// This device's changes since the last push, in pages of the log; `again` (a server that went
/// back) with the colleagues' erasures this replica took in (see [`Store::outgoing_again`]).
fn push_pages(
    store: &Store,
    client: &Client,
    device: [u8; 16],
    link: &mut TeamLink,
    report: &mut Report,
    again: bool,
) -> Result<(), SyncError> {
    loop {
        let (items, next) =
            if again { store.outgoing_again(link.pushed, 20_000)? } else { store.outgoing(link.pushed, 20_000)? };
        if next == link.pushed {
            return Ok(());
        }
        push_all(store, client, device, items, report)?;
        link.pushed = next;
        store.set_team(link)?;
    }
}

fn push_all(
    store: &Store,
    client: &Client,
    device: [u8; 16],
    items: Vec<protocol::Item>,
    report: &mut Report,
) -> Result<(), SyncError> {
    for chunk in items.chunks(protocol::MAX_ITEMS) {
        let mut batch = [0u8; 16];
        rand::rng().fill_bytes(&mut batch);
        let bases = store.bases_for(chunk)?;
        let req = PushRequest { device, batch, items: chunk.to_vec(), bases };
        report.sent += chunk.iter().filter(|i| i.kind != protocol::KEY_ITEM).count();
        let resp = client.push(&req)?;
        let mut taken = Vec::new();
        for (outcome, item) in resp.outcomes.iter().zip(chunk) {
            if item.kind == protocol::KEY_ITEM {
                continue;
            }
            match outcome {
                Outcome::Accepted(_) => {
                    report.accepted += 1;
                    taken.push(item);
                }
                Outcome::Superseded => report.superseded += 1,
                // Changed elsewhere meanwhile: the pull brings that version, merged here.
                Outcome::Conflict if item.kind == Kind::NumberBlock as u8 => report.claims_lost += 1,
                Outcome::Conflict => report.conflicts += 1,
                // An erased person's own tombstones, from a replica that took in the erasure.
                Outcome::Refused(_) if item.erased || item.tombstone => report.accepted += 1,
                Outcome::Refused(why) => report.refused.push(why.clone()),
            }
        }
        store.note_synced(&taken)?;
    }
    Ok(())
}

fn merge(into: &mut Applied, more: Applied) {
    into.records += more.records;
    into.keys += more.keys;
    into.erased += more.erased;
    into.kept_local += more.kept_local;
    into.problems.extend(more.problems);
}

/// Joins the team with an invite code: the account's credentials are asked of the server; the
/// payload (for an invited colleague) carries the team's master key. Returns the server's answer
/// and the payload opened, for the caller to make or link the caseload.
pub fn redeem(
    server: &str,
    ca: Option<&str>,
    code: &str,
    device: [u8; 16],
) -> Result<(JoinResponse, Option<protocol::InvitePayload>), SyncError> {
    let (invite, secret) =
        protocol::parse_code(code).ok_or_else(|| SyncError::BadAnswer("this is not an invite code".into()))?;
    let client = Client::new(server, ca)?;
    let resp =
        client.join(&JoinRequest { invite, verifier: protocol::verifier(&secret), device, sealed_name: Vec::new() })?;
    let payload = match &resp.payload {
        None => None,
        Some(sealed) => Some(open_payload(&protocol::payload_key(&secret), sealed)?),
    };
    Ok((resp, payload))
}

/// A new invite for a colleague: the team's master key sealed under a key only the code gives.
/// Returns the code to pass on (by another channel than the server).
pub fn invite(store: &Store, link: &TeamLink, name: &str, hours: u32) -> Result<String, SyncError> {
    let mut invite = [0u8; 16];
    let mut secret = [0u8; 16];
    rand::rng().fill_bytes(&mut invite);
    rand::rng().fill_bytes(&mut secret);
    let payload = protocol::InvitePayload { master: *store.master_secret(), name: name.to_string() };
    let sealed = seal_payload(&protocol::payload_key(&secret), &payload)?;
    let client = Client::new(&link.server, link.ca.as_deref())?.with_token(link.token);
    client.invite(&InviteRequest {
        invite,
        verifier: protocol::verifier(&secret),
        payload: sealed,
        expires_in: hours.saturating_mul(3600).min(protocol::MAX_INVITE_SECS),
    })?;
    Ok(protocol::format_code(&invite, &secret))
}

fn seal_payload(key: &[u8; 32], payload: &protocol::InvitePayload) -> Result<Vec<u8>, SyncError> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let plain = zeroize::Zeroizing::new(protocol::encode(payload).map_err(SyncError::BadAnswer)?);
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
    let mut nonce = [0u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(aes_gcm::Nonce::from_slice(&nonce), Payload { msg: plain.as_slice(), aad: b"meedoen invite" })
        .map_err(|_| SyncError::BadAnswer("cannot seal the invite".into()))?;
    Ok([nonce.as_slice(), &ct].concat())
}

fn open_payload(key: &[u8; 32], sealed: &[u8]) -> Result<protocol::InvitePayload, SyncError> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let bad = || SyncError::BadAnswer("the invite does not open with this code".into());
    let (nonce, ct) = sealed.split_at_checked(12).ok_or_else(bad)?;
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).map_err(|_| bad())?;
    let plain = zeroize::Zeroizing::new(
        cipher
            .decrypt(aes_gcm::Nonce::from_slice(nonce), Payload { msg: ct, aad: b"meedoen invite" })
            .map_err(|_| bad())?,
    );
    protocol::decode(&plain).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_this_computer() {
        assert!(Client::new("http://127.0.0.1:8443", None).is_ok());
        assert!(Client::new("http://localhost:1", None).is_ok());
        assert!(Client::new("http://[::1]:80/", None).is_ok());
        assert!(matches!(Client::new("http://10.0.0.5:8443", None), Err(SyncError::BadAddress(_))));
        assert!(matches!(Client::new("http://example.org", None), Err(SyncError::BadAddress(_))));
        assert!(matches!(Client::new("ftp://example.org", None), Err(SyncError::BadAddress(_))));
        assert!(Client::new("https://sync.example.org", None).is_ok());
    }

    #[test]
    fn an_invite_payload_opens_only_with_its_code() {
        let p = protocol::InvitePayload { master: [9; 32], name: "Ayse".into() };
        let sealed = seal_payload(&[1; 32], &p).unwrap();
        assert_eq!(open_payload(&[1; 32], &sealed).unwrap().master, [9; 32]);
        assert!(open_payload(&[2; 32], &sealed).is_err());
        assert!(open_payload(&[1; 32], &sealed[..5]).is_err());
    }
}
