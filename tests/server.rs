//! The team server end to end: the real `meedoen-server` binary on a loopback port, a real
//! PostgreSQL (`common::pg`), and HTTP through ureq as the sync client will speak it.
//!
//! Each test starts its own PostgreSQL and servers; without PostgreSQL installed they say so and
//! pass (CI sets `MEEDOEN_REQUIRE_POSTGRES=1`, which makes that a failure).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use meedoen::protocol::{
    self, Base, InvitePayload, InviteRequest, Item, JoinRequest, JoinResponse, KEY_ITEM, Outcome, PullResponse,
    PushRequest, PushResponse,
};

const SERVER: &str = env!("CARGO_BIN_EXE_meedoen-server");
const MEEDOEN: &str = env!("CARGO_BIN_EXE_meedoen");

/// A running `meedoen-server`, killed on drop.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` or `https://localhost:PORT`.
    base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(url: &str) -> Server {
        Server::start_with(url, &[])
    }

    fn start_with(url: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(SERVER)
            .args(["--database", url, "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let Some(at) = line.trim().strip_prefix("meedoen-server listening on ") else {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            let _ = child.kill();
            panic!("the server did not start: {line}{rest}");
        };
        let base = at.replace("https://127.0.0.1", "https://localhost");
        let log = Arc::new(Mutex::new(line.clone()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&line);
            }
        });
        Server { child, base, log }
    }

    fn http(&self) -> Http {
        Http::new(&self.base, None)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small blocking client: (status, body) whatever the status.
#[derive(Clone)]
struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Http {
    fn new(base: &str, tls: Option<ureq::tls::TlsConfig>) -> Http {
        let mut config =
            ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(30)));
        if let Some(tls) = tls {
            config = config.tls_config(tls);
        }
        Http { agent: config.build().into(), base: base.to_string() }
    }

    fn answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Vec<u8>) {
        let mut response = result.unwrap();
        let status = response.status().as_u16();
        let body = response.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap();
        (status, body)
    }

    fn post(&self, path: &str, token: Option<&[u8; 32]>, body: &[u8]) -> (u16, Vec<u8>) {
        let mut request = self.agent.post(format!("{}{path}", self.base)).content_type("application/octet-stream");
        if let Some(token) = token {
            request = request.header("Authorization", bearer(token));
        }
        Http::answer(request.send(body))
    }

    fn get(&self, path: &str, token: Option<&[u8; 32]>) -> (u16, Vec<u8>) {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", bearer(token));
        }
        Http::answer(request.call())
    }
}

fn bearer(token: &[u8; 32]) -> String {
    format!("Bearer {}", token.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn random16() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

/// `meedoen-server create-team`'s code (its last line).
fn create_team(url: &str, name: &str) -> String {
    let out = Command::new(SERVER).args(["create-team", "--database", url, name]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap().trim().to_string();
    assert!(text.lines().count() > 1, "an explanation comes before the code: {text}");
    last
}

/// A coach's device joined to a team.
#[derive(Clone, Copy)]
struct Coach {
    token: [u8; 32],
    team: [u8; 16],
    device: [u8; 16],
}

fn join(http: &Http, code: &str) -> (u16, Option<JoinResponse>, [u8; 16]) {
    let (invite, secret) = protocol::parse_code(code).unwrap();
    let device = random16();
    let req = JoinRequest { invite, verifier: protocol::verifier(&secret), device, sealed_name: vec![9; 40] };
    let (status, body) = http.post("/v1/join", None, &protocol::encode(&req).unwrap());
    (status, (status == 200).then(|| protocol::decode(&body).unwrap()), device)
}

/// A new team with its first coach.
fn new_team(url: &str, http: &Http, name: &str) -> Coach {
    let code = create_team(url, name);
    let (status, answer, device) = join(http, &code);
    assert_eq!(status, 200);
    let answer = answer.unwrap();
    assert_eq!(answer.payload, None, "a team's first code carries no payload");
    Coach { token: answer.token, team: answer.team, device }
}

/// A colleague invited by `coach` (through `/v1/invites`) joins.
fn invite_colleague(http: &Http, coach: &Coach) -> Coach {
    let (invite, secret) = (random16(), random16());
    let payload = protocol::encode(&InvitePayload { master: [1; 32], name: "sealed in real life".into() }).unwrap();
    let req =
        InviteRequest { invite, verifier: protocol::verifier(&secret), payload: payload.clone(), expires_in: 3600 };
    let (status, _) = http.post("/v1/invites", Some(&coach.token), &protocol::encode(&req).unwrap());
    assert_eq!(status, 204);
    let (status, answer, device) = join(http, &protocol::format_code(&invite, &secret));
    assert_eq!(status, 200);
    let answer = answer.unwrap();
    assert_eq!(answer.team, coach.team);
    assert_eq!(answer.payload, Some(payload), "the invite's payload comes back as stored");
    Coach { token: answer.token, team: answer.team, device }
}

fn hlc(ms: u64) -> [u8; 12] {
    let mut out = [0u8; 12];
    out[..8].copy_from_slice(&ms.to_be_bytes());
    out
}

fn item(coach: &Coach, kind: u8, key: &[u8], participant: Option<[u8; 16]>, ms: u64, envelope: &[u8]) -> Item {
    Item {
        kind,
        key: key.to_vec(),
        participant,
        revision: 1,
        hlc: hlc(ms),
        device: coach.device,
        tombstone: false,
        erased: false,
        envelope: envelope.to_vec(),
    }
}

fn push_batch(http: &Http, coach: &Coach, batch: [u8; 16], items: Vec<Item>) -> Vec<Outcome> {
    let bases = vec![None; items.len()];
    push_on(http, coach, batch, items, bases)
}

/// A push of items made on the versions `bases` names.
fn push_on(http: &Http, coach: &Coach, batch: [u8; 16], items: Vec<Item>, bases: Vec<Option<Base>>) -> Vec<Outcome> {
    let req = PushRequest { device: coach.device, batch, items, bases };
    let (status, body) = http.post("/v1/push", Some(&coach.token), &protocol::encode(&req).unwrap());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    protocol::decode::<PushResponse>(&body).unwrap().outcomes
}

fn push(http: &Http, coach: &Coach, items: Vec<Item>) -> Vec<Outcome> {
    push_batch(http, coach, random16(), items)
}

/// The versions of the record under `key` in `pulled`.
fn items_of(pulled: &[(i64, Item)], key: &[u8]) -> Vec<Item> {
    pulled.iter().filter(|(_, i)| i.key == key).map(|(_, i)| i.clone()).collect()
}

/// Everything the coach's team holds after `since`, page by page.
fn pull_all(http: &Http, coach: &Coach, since: i64) -> Vec<(i64, Item)> {
    let mut out = Vec::new();
    let mut since = since;
    loop {
        let (status, body) = http.get(&format!("/v1/pull?since={since}&limit=7"), Some(&coach.token));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let page: PullResponse = protocol::decode(&body).unwrap();
        if let Some((seq, _)) = page.items.last() {
            since = *seq;
        }
        out.extend(page.items);
        if !page.more {
            return out;
        }
    }
}

fn accepted(outcome: &Outcome) -> i64 {
    match outcome {
        Outcome::Accepted(seq) => *seq,
        other => panic!("not accepted: {other:?}"),
    }
}

#[test]
fn a_code_joins_once_and_a_wrong_one_not_at_all() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start(&pg.url);
    let http = server.http();
    assert_eq!(http.get("/v1/health", None).0, 204);

    let code = create_team(&pg.url, "Wijkteam Oost");
    assert!(protocol::parse_code(&code).is_some(), "the last line is the code alone: {code:?}");
    let (status, answer, _) = join(&http, &code);
    assert_eq!(status, 200);
    let answer = answer.unwrap();
    assert_ne!(answer.token, [0; 32]);
    assert_eq!(answer.payload, None);
    // The token works.
    assert_eq!(http.get("/v1/pull", Some(&answer.token)).0, 200);

    // The same code again (a replay), and a code the server never made.
    assert_eq!(join(&http, &code).0, 410);
    assert_eq!(join(&http, &protocol::format_code(&random16(), &random16())).0, 404);
    // The right invite with the wrong secret is as unknown as any.
    let (invite, _) = protocol::parse_code(&code).unwrap();
    assert_eq!(join(&http, &protocol::format_code(&invite, &random16())).0, 404);

    // An invite longer than allowed is refused; a colleague's works once.
    let coach = Coach { token: answer.token, team: answer.team, device: [0; 16] };
    let long = InviteRequest {
        invite: random16(),
        verifier: [0; 32],
        payload: vec![1],
        expires_in: protocol::MAX_INVITE_SECS + 1,
    };
    assert_eq!(http.post("/v1/invites", Some(&coach.token), &protocol::encode(&long).unwrap()).0, 400);
    let colleague = invite_colleague(&http, &coach);
    assert_eq!(colleague.team, coach.team);

    // `meedoen server create-team` is the same command through the main binary.
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(MEEDOEN)
        .args(["server", "create-team", "--database", &pg.url, "Team West"])
        .env("MEEDOEN_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let code = text.lines().last().unwrap();
    assert_eq!(join(&http, code).0, 200, "the code of `meedoen server create-team` joins");
}

#[test]
fn pushes_come_back_byte_identical_and_teams_never_see_each_other() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start(&pg.url);
    let http = server.http();
    let a = new_team(&pg.url, &http, "Team A");
    let b = new_team(&pg.url, &http, "Team B");
    let p = random16();

    let items_a = vec![
        item(&a, 1, &p, Some(p), 10, b"sealed participant"),
        item(&a, 3, b"contact-1", Some(p), 11, &[0, 255, 7, 1, 2]),
        item(&a, 9, b"settings", None, 12, &vec![42u8; 100_000]),
        item(&a, KEY_ITEM, &p, Some(p), 13, &[5; 60]),
    ];
    let outcomes = push(&http, &a, items_a.clone());
    let seqs: Vec<i64> = outcomes.iter().map(accepted).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let pulled = pull_all(&http, &a, 0);
    assert_eq!(pulled.iter().map(|(_, i)| i.clone()).collect::<Vec<_>>(), items_a, "byte-identical, in order");
    assert_eq!(pulled.iter().map(|(s, _)| *s).collect::<Vec<_>>(), seqs);
    assert_eq!(pull_all(&http, &a, seqs[1]).len(), 2, "since skips what was pulled");

    // Team B: the same record key is its own record; neither sees the other's rows.
    let b_item = item(&b, 3, b"contact-1", Some(p), 1, b"team b's");
    assert_eq!(push(&http, &b, vec![b_item.clone()]).len(), 1);
    let pulled_b = pull_all(&http, &b, 0);
    assert_eq!(pulled_b.iter().map(|(_, i)| i.clone()).collect::<Vec<_>>(), vec![b_item]);
    assert_eq!(pull_all(&http, &a, 0).len(), 4);
    assert_eq!(pull_all(&http, &a, 0)[1].1.envelope, [0, 255, 7, 1, 2]);

    // A device that is not the account's: team B's device with team A's token, or an item of
    // another device.
    let wrong = PushRequest { device: b.device, batch: random16(), items: Vec::new(), bases: Vec::new() };
    let (status, body) = http.post("/v1/push", Some(&a.token), &protocol::encode(&wrong).unwrap());
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    let mut foreign = item(&a, 1, b"x", None, 20, b"y");
    foreign.device = b.device;
    let wrong = PushRequest { device: a.device, batch: random16(), items: vec![foreign], bases: vec![None] };
    assert_eq!(http.post("/v1/push", Some(&a.token), &protocol::encode(&wrong).unwrap()).0, 403);

    // Malformed bodies and broken limits: 400; no token or an unknown one: 401.
    assert_eq!(http.post("/v1/push", Some(&a.token), b"\xff\xff\xff not bincode").0, 400);
    assert_eq!(http.post("/v1/join", None, b"").0, 400);
    let long_key = item(&a, 1, &[1; protocol::MAX_KEY + 1], None, 30, b"z");
    let req = PushRequest { device: a.device, batch: random16(), items: vec![long_key], bases: vec![None] };
    assert_eq!(http.post("/v1/push", Some(&a.token), &protocol::encode(&req).unwrap()).0, 400);
    let many = vec![item(&a, 1, b"k", None, 1, b""); protocol::MAX_ITEMS + 1];
    let bases = vec![None; many.len()];
    let req = PushRequest { device: a.device, batch: random16(), items: many, bases };
    assert_eq!(http.post("/v1/push", Some(&a.token), &protocol::encode(&req).unwrap()).0, 400);
    assert_eq!(http.get("/v1/pull", None).0, 401);
    assert_eq!(http.get("/v1/pull", Some(&[7; 32])).0, 401);
    let (status, body) = http.post("/v1/push", None, b"");
    assert_eq!(status, 401);
    assert!(String::from_utf8(body).unwrap().contains("token"), "the error is a sentence");
    assert_eq!(http.get("/v1/pull?since=abc", Some(&a.token)).0, 400);

    // A body over the limit: 413 before it is read, and the server goes on serving.
    let addr = server.base.trim_start_matches("http://");
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        raw,
        "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Length: {}\r\n\r\n",
        bearer(&a.token),
        protocol::MAX_BODY + 1
    )
    .unwrap();
    let mut head = [0u8; 12];
    raw.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(raw);
    // One that streams more than the limit without saying so (chunked): 413 too.
    let big = vec![0u8; protocol::MAX_BODY + 10];
    let request = http
        .agent
        .post(format!("{}/v1/push", server.base))
        .header("Authorization", bearer(&a.token))
        .send(ureq::SendBody::from_reader(&mut &big[..]));
    if let Ok(mut response) = request {
        assert_eq!(response.status().as_u16(), 413);
        let _ = response.body_mut().read_to_vec();
    }
    assert_eq!(pull_all(&http, &a, 0).len(), 4, "the server still serves");
    assert_eq!(http.get("/v1/health", None).0, 204);
}

#[test]
fn a_retried_push_is_applied_once_and_a_change_not_made_on_the_stored_version_is_a_conflict() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start(&pg.url);
    let http = server.http();
    let a = new_team(&pg.url, &http, "Team A");
    let a2 = invite_colleague(&http, &a);
    let p = random16();

    let batch = random16();
    let items = vec![item(&a, 1, b"r1", Some(p), 100, b"one"), item(&a, 1, b"r2", Some(p), 101, b"two")];
    let first = push_batch(&http, &a, batch, items.clone());
    let again = push_batch(&http, &a, batch, items);
    assert_eq!(first, again, "the same answer");
    let pulled = pull_all(&http, &a, 0);
    assert_eq!(pulled.len(), 2);
    assert_eq!(pulled.iter().map(|(s, _)| Outcome::Accepted(*s)).collect::<Vec<_>>(), first, "seqs unchanged");

    // The colleague's change made on the stored version is taken, whatever its clock says.
    let one = items_of(&pull_all(&http, &a, 0), b"r1")[0].version();
    let newer = item(&a2, 1, b"r1", Some(p), 90, b"newer");
    accepted(&push_on(&http, &a2, random16(), vec![newer.clone()], vec![Some(one)])[0]);
    // A change made on the version before, or on none, is a conflict and overwrites nothing,
    // even with a later clock time.
    let stale = item(&a, 1, b"r1", Some(p), 500, b"stale");
    assert_eq!(push_on(&http, &a, random16(), vec![stale.clone()], vec![Some(one)]), vec![Outcome::Conflict]);
    assert_eq!(push(&http, &a, vec![stale]), vec![Outcome::Conflict]);
    assert_eq!(items_of(&pull_all(&http, &a, 0), b"r1"), vec![newer.clone()]);
    // The merge, made on the stored version, is taken.
    let merged = item(&a, 1, b"r1", Some(p), 501, b"merged");
    accepted(&push_on(&http, &a, random16(), vec![merged.clone()], vec![Some(newer.version())])[0]);
    // The very version stored, sent again in a new batch, keeps its number and is not written again.
    let before = pull_all(&http, &a, 0);
    let seq = before.iter().find(|(_, i)| i.key == b"r1").unwrap().0;
    assert_eq!(push(&http, &a, vec![merged]), vec![Outcome::Accepted(seq)]);
    assert_eq!(pull_all(&http, &a, 0), before);
    // A later version of the device whose version is stored was made on it, whatever base it
    // names (the answer to its push was lost); an earlier one of that device is a conflict.
    let earlier = item(&a, 1, b"r1", Some(p), 450, b"earlier");
    assert_eq!(push(&http, &a, vec![earlier]), vec![Outcome::Conflict]);
    let later = item(&a, 1, b"r1", Some(p), 600, b"later");
    accepted(&push(&http, &a, vec![later.clone()])[0]);
    assert_eq!(items_of(&pull_all(&http, &a, 0), b"r1"), vec![later]);
    // A push without one base per item is refused whole.
    let req = PushRequest {
        device: a.device,
        batch: random16(),
        items: vec![item(&a, 1, b"r9", None, 1, b"x")],
        bases: vec![],
    };
    assert_eq!(http.post("/v1/push", Some(&a.token), &protocol::encode(&req).unwrap()).0, 400);

    // An erasure tombstones every row of its participant, the key item included; nothing of
    // theirs is taken after it.
    let q = random16();
    let other = random16();
    push(
        &http,
        &a,
        vec![
            item(&a, 1, &q, Some(q), 300, b"person"),
            item(&a, 3, b"c-q", Some(q), 301, b"contact"),
            item(&a, KEY_ITEM, &q, Some(q), 302, b"wrapped key"),
            item(&a, 3, b"c-other", Some(other), 303, b"someone else"),
        ],
    );
    let mut erasure = item(&a2, 1, &q, Some(q), 400, b"");
    erasure.tombstone = true;
    erasure.erased = true;
    let since = pull_all(&http, &a, 0).last().unwrap().0;
    accepted(&push(&http, &a2, vec![erasure])[0]);
    let after = pull_all(&http, &a, since);
    let of_q: Vec<&Item> = after.iter().map(|(_, i)| i).filter(|i| i.participant == Some(q)).collect();
    assert_eq!(of_q.len(), 3, "the erasure and the two other rows, with fresh numbers: {after:?}");
    assert!(of_q.iter().all(|i| i.tombstone && i.erased && i.envelope.is_empty()));
    assert!(of_q.iter().any(|i| i.kind == KEY_ITEM));
    let all = pull_all(&http, &a, 0);
    assert!(all.iter().any(|(_, i)| i.key == b"c-other" && !i.tombstone), "someone else's rows stay");
    let seqs: Vec<i64> = all.iter().map(|(s, _)| *s).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let late = item(&a, 3, b"c-q2", Some(q), 500, b"too late");
    assert_eq!(push(&http, &a, vec![late]), vec![Outcome::Refused("erased".into())]);
    let late_key = item(&a, KEY_ITEM, &q, Some(q), 501, b"again");
    assert_eq!(push(&http, &a, vec![late_key]), vec![Outcome::Refused("erased".into())]);
}

#[test]
fn concurrent_pushes_get_distinct_numbers_and_a_killed_server_duplicates_nothing() {
    let Some(pg) = common::pg::start() else { return };
    // Three servers starting at once on a fresh database migrate it once.
    let servers: Vec<Server> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(|| Server::start(&pg.url))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let http = servers[0].http();
    let first = new_team(&pg.url, &http, "Team A");
    let mut coaches = vec![first];
    for _ in 0..3 {
        coaches.push(invite_colleague(&http, &first));
    }
    // 20 pushes from 4 devices at once, spread over the three servers.
    let seqs: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|n| {
                let coach = coaches[n % 4];
                let http = servers[n % 3].http();
                s.spawn(move || {
                    let items = (0..5).map(|k| item(&coach, 2, format!("{n}-{k}").as_bytes(), None, 1, b"e")).collect();
                    push(&http, &coach, items).iter().map(accepted).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut distinct = seqs.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 100);
    let pulled = pull_all(&http, &first, 0);
    assert_eq!(pulled.iter().map(|(s, _)| *s).collect::<Vec<_>>(), distinct, "a pull returns all, in order");
    drop(servers);

    // The server is killed outright while a push is under way; after a restart the retry and
    // a pull work, and nothing is there twice.
    let server = Server::start(&pg.url);
    let http = server.http();
    let batch = random16();
    let items: Vec<Item> =
        (0..2000).map(|k| item(&first, 4, format!("kill-{k}").as_bytes(), None, 1, &[3; 200])).collect();
    let sender = {
        let (http, items) = (http.clone(), items.clone());
        std::thread::spawn(move || {
            let bases = vec![None; items.len()];
            let req = PushRequest { device: first.device, batch, items, bases };
            let body = protocol::encode(&req).unwrap();
            let _ = http
                .agent
                .post(format!("{}/v1/push", http.base))
                .header("Authorization", bearer(&first.token))
                .send(&body[..]);
        })
    };
    std::thread::sleep(Duration::from_millis(150));
    let mut server = server;
    let _ = server.child.kill();
    sender.join().unwrap();
    let log = server.log.lock().unwrap().clone();
    drop(server);
    let server = Server::start(&pg.url);
    let http = server.http();
    let outcomes = push_batch(&http, &first, batch, items);
    assert_eq!(outcomes.len(), 2000);
    assert!(outcomes.iter().all(|o| matches!(o, Outcome::Accepted(_))), "{log}");
    let pulled = pull_all(&http, &first, 0);
    assert_eq!(pulled.len(), 2100, "every row once");
    let mut keys: Vec<&Vec<u8>> = pulled.iter().map(|(_, i)| &i.key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 2100);
    let again = push_batch(&http, &first, batch, Vec::new());
    assert_eq!(again, outcomes, "a batch id answered once is answered the same");
}

#[test]
fn tls_with_the_certificate_trusted_works_and_without_it_fails() {
    let Some(pg) = common::pg::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(&key_file, cert.signing_key.serialize_pem()).unwrap();
    let server = Server::start_with(
        &pg.url,
        &["--tls-cert", cert_file.to_str().unwrap(), "--tls-key", key_file.to_str().unwrap()],
    );
    assert!(server.base.starts_with("https://"), "{}", server.base);

    let trusted = ureq::tls::Certificate::from_der(cert.cert.der()).to_owned();
    let tls =
        ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![trusted]))).build();
    let http = Http::new(&server.base, Some(tls));
    assert_eq!(http.get("/v1/health", None).0, 204);
    let coach = new_team(&pg.url, &http, "Team TLS");
    assert_eq!(push(&http, &coach, vec![item(&coach, 1, b"k", None, 1, b"sealed")]).len(), 1);

    let default_roots = Http::new(&server.base, None);
    let failed = default_roots.agent.get(format!("{}/v1/health", server.base)).call();
    assert!(failed.is_err(), "a client that does not trust the certificate gets nowhere");
    // Plain HTTP to the TLS port gets no answer either, and the server goes on.
    let plain = Http::new(&server.base.replace("https://", "http://"), None);
    assert!(plain.agent.get(format!("{}/v1/health", plain.base)).call().is_err());
    assert_eq!(http.get("/v1/health", None).0, 204);
}

#[test]
fn a_public_address_without_tls_is_refused() {
    let out = Command::new(SERVER)
        .args(["--database", "postgres://nobody@127.0.0.1:1/none", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--tls-cert") && err.contains("loopback"), "{err}");
    // Through `meedoen server` too.
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(MEEDOEN)
        .args(["server", "--database", "postgres://nobody@127.0.0.1:1/none", "--listen", "0.0.0.0:0"])
        .env("MEEDOEN_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // A database that is not there: one sentence, exit code 1, no panic.
    let out = Command::new(SERVER).args(["--database", "postgres://nobody@127.0.0.1:1/none"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("meedoen-server: cannot reach the database") && !err.contains("panicked"), "{err}");
}

#[test]
fn a_database_that_goes_away_answers_503_and_the_server_recovers() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start(&pg.url);
    let http = server.http();
    let coach = new_team(&pg.url, &http, "Team A");
    accepted(&push(&http, &coach, vec![item(&coach, 1, b"k", None, 1, b"sealed")])[0]);
    pg.stop();
    let started = std::time::Instant::now();
    let (status, body) = http.get("/v1/pull", Some(&coach.token));
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
    assert_eq!(http.get("/v1/health", None).0, 503);
    assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());
    pg.start_again().unwrap();
    assert_eq!(http.get("/v1/health", None).0, 204);
    assert_eq!(pull_all(&http, &coach, 0).len(), 1, "the same data, through new connections");
    let mut server = server;
    assert!(server.child.try_wait().unwrap().is_none(), "the server kept running");
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("503") && !log.contains("panicked"), "{log}");
}

/// The server holds no terminal UI and the UI's binary no async runtime: read from the built
/// binaries (the crates' names are in their panic locations and type names).
#[test]
fn the_server_binary_has_no_ui_and_the_app_binary_no_runtime() {
    let server = std::fs::read(SERVER).unwrap();
    let app = std::fs::read(MEEDOEN).unwrap();
    let has = |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!has(&server, "ratatui::") && !has(&server, "/ratatui-"), "the server binary holds ratatui");
    assert!(!has(&app, "tokio::runtime") && !has(&app, "/tokio-1."), "the meedoen binary holds tokio");
    // The checks can see what they look for.
    assert!(has(&server, "/tokio-1."), "the server binary's tokio is not visible to this test");
    assert!(has(&app, "/ratatui-"), "the meedoen binary's ratatui is not visible to this test");
}
