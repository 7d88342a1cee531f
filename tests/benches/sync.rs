#![allow(clippy::unwrap_used, clippy::panic)]
//! Team sync on loopback, against a throwaway PostgreSQL and the real `meedoen-server`:
//!
//! 1. **join**: a first coach's 2,600-person demo caseload (two years of history) goes up with
//!    `meedoen team join` (timed: the upload); then fresh devices join with invite codes
//!    (`meedoen team join` into an empty data directory, the real binary, wall clock) until each
//!    has the whole replica; then the same join in-process, timed step by step (redeem, the
//!    caseload made with the standard argon2, each page pulled, each page applied) to show where
//!    the time goes. Bytes on the wire are the encoded bodies (pull answers as sent; the upload
//!    as the same items in pushes of 5,000).
//! 2. **visible**: replica A (the first coach) saves a participant change and syncs; replica B
//!    (a joined device) syncs and sees it. Both in-process, 30 rounds: A's round (push, empty
//!    pull) and B's (empty push, pull, apply), and B's poll when nothing changed.
//! 3. **load**: 60 coaches of one team (accounts made with `redeem`, no stores) each push one
//!    contact-sized item (300 random bytes) a second for 30 s; every push's latency is kept.
//!    Then a team's pulls. Then the same after 100,000 participants' worth of rows of 38 other
//!    teams are put straight into the database (SQL, indexes rebuilt after the load).
//!
//! `cargo bench --bench sync` runs everything (about 4 minutes) and prints a summary at the end;
//! `cargo bench --bench sync -- load` (or `join`, `visible`) runs a part. Without PostgreSQL it
//! says so and does nothing.

#[path = "../common/team.rs"]
mod team;
use team::{Coach, Server, last_line};
#[path = "../common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use meedoen::protocol::{self, Item, Outcome, PushRequest};
use meedoen::store::Store;
use meedoen::store::crypto::{KdfParams, Key};
use meedoen::store::sync::TeamLink;
use meedoen::sync::client::{self, Client};
use rand::{Rng, RngCore};

const PASS: &str = "een lange teamzin voor de bench";
/// The first coach's caseload.
const PARTICIPANTS: usize = 2_600;
/// Timed joins of a fresh device with the real binary, and in-process joins with a breakdown.
const JOINS: usize = 5;
const JOINS_IN_PROCESS: usize = 2;
const ROUNDS: usize = 30;
const COACHES: usize = 60;
const LOAD_SECS: u64 = 30;
/// Participants' worth of rows of other teams for the second load run, in teams of about 2,600.
const BULK_PARTICIPANTS: usize = 100_000;
const BULK_TEAMS: usize = 38;

fn main() {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |part: &str| filters.is_empty() || filters.iter().any(|f| part.contains(f.as_str()));
    let Some(pg) = pg::start() else {
        println!("sync bench: PostgreSQL is not installed, nothing measured");
        return;
    };
    let server = Server::start(&pg.url);
    let sql = Sql::connect(&pg.url);
    let root = tempfile::tempdir().unwrap();
    let mut summary = Vec::new();
    let mut anna_team = None;
    if wanted("join") || wanted("visible") {
        let anna = Coach::new(root.path(), "anna", PASS);
        let (b, token) = join(&pg.url, &server, &sql, &anna, &mut summary);
        anna_team = Some(token);
        if wanted("visible") {
            visible(&anna, &b, &mut summary);
        }
    }
    if wanted("load") {
        load(&pg.url, &server, &sql, anna_team, root.path(), &mut summary);
    }
    drop(server);
    println!("\n==== sync bench summary (loopback, {} cores) ====", cores());
    for line in &summary {
        println!("{line}");
    }
    println!("==== end of summary ====");
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// SQL on the bench's database (the sizes, the bulk load), over one connection.
struct Sql {
    rt: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
}

impl Sql {
    fn connect(url: &str) -> Sql {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (client, connection) = rt.block_on(tokio_postgres::connect(url, tokio_postgres::NoTls)).unwrap();
        rt.spawn(async move {
            let _ = connection.await;
        });
        Sql { rt, client }
    }

    fn run(&self, sql: &str) {
        self.rt.block_on(self.client.batch_execute(sql)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    fn number(&self, sql: &str) -> i64 {
        self.rt.block_on(self.client.query_one(sql, &[])).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
    }

    fn sizes(&self) -> String {
        let mb = |sql: &str| self.number(sql) as f64 / 1e6;
        format!(
            "database {:.0} MB, records table with indexes {:.0} MB, {} rows",
            mb("SELECT pg_database_size(current_database())"),
            mb("SELECT pg_total_relation_size('records')"),
            self.number("SELECT count(*) FROM records")
        )
    }
}

/// `meedoen ARGS` on `coach`'s computer, which must succeed: how long it took, and its output.
fn timed(coach: &Coach, args: &[&str]) -> (Duration, String) {
    let t = Instant::now();
    let out = coach.ok(args);
    (t.elapsed(), out)
}

/// `meedoen team join ARGS` on `coach`'s computer, which must succeed: when it said the people
/// are in (the start screen could show them), when it finished, and its output.
fn timed_join(coach: &Coach, args: &[&str]) -> (Duration, Duration, String) {
    use std::io::BufRead;
    let t = Instant::now();
    let mut child = std::process::Command::new(team::MEEDOEN)
        .arg("--data-dir")
        .arg(&coach.data)
        .args(args)
        .env("MEEDOEN_STATE_DIR", &coach.state)
        .env("MEEDOEN_PASSPHRASE", coach.passphrase)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut people) = (String::new(), None);
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("deelnemers zijn binnen") {
            people = Some(t.elapsed());
        }
        out.push_str(&line);
        out.push('\n');
    }
    assert!(child.wait().unwrap().success(), "{out}");
    (people.unwrap_or_else(|| panic!("no people line: {out}")), t.elapsed(), out)
}

/// The number before `word` in `text` ("89959 wijzigingen verstuurd, 0 ontvangen").
fn count_before(text: &str, word: &str) -> usize {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words.iter().position(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == word);
    at.and_then(|i| words.get(i.checked_sub(1)?)?.parse().ok()).unwrap_or_else(|| panic!("no count in {text}"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The `q`-quantile of sorted samples (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Median and range, in the unit `show` gives.
fn spread(samples: &[Duration], show: fn(Duration) -> String) -> String {
    let mut v = samples.to_vec();
    v.sort();
    format!("median {} ({}–{}, n={})", show(quantile(&v, 0.5)), show(v[0]), show(v[v.len() - 1]), v.len())
}

/// p50 / p99 / max.
fn tails(samples: &[Duration]) -> String {
    let mut v = samples.to_vec();
    v.sort();
    format!(
        "p50 {} / p99 {} / max {} (n={})",
        ms(quantile(&v, 0.5)),
        ms(quantile(&v, 0.99)),
        ms(v[v.len() - 1]),
        v.len()
    )
}

/// Part 1. Returns a joined replica (for part 2) and a token of the first coach's team.
fn join(url: &str, server: &Server, sql: &Sql, anna: &Coach, summary: &mut Vec<String>) -> (Coach, [u8; 32]) {
    let first = last_line(&anna.ok(&["server", "create-team", "--database", url, "Team Noord"]));
    anna.ok(&["init"]);
    let (fill, _) = timed(anna, &["demo", "--participants", &PARTICIPANTS.to_string()]);
    println!("demo caseload of {PARTICIPANTS} made in {}", secs(fill));
    let (upload, out) = timed(anna, &["team", "join", "--server", &server.base, "--code", &first]);
    let sent = count_before(&out, "wijzigingen");
    println!("first coach's upload: {sent} records in {}", secs(upload));
    let sizes = sql.sizes();
    summary.push(format!("join: first coach's upload (meedoen team join, {PARTICIPANTS} demo participants): {} for {sent} records; {sizes}", secs(upload)));

    let (mut walls, mut firsts) = (Vec::new(), Vec::new());
    let mut last = None;
    for i in 0..JOINS {
        let code = last_line(&anna.ok(&["team", "invite", &format!("Apparaat {i}")]));
        let b = Coach::new(anna.data.parent().unwrap().parent().unwrap(), &format!("b{i}"), PASS);
        let (people, wall, out) = timed_join(&b, &["team", "join", "--server", &server.base, "--code", &code]);
        let got = count_before(&out, "ontvangen");
        // Besides the caseload: each device that joined before says who works on it (a team
        // member) and claims its block of participant numbers.
        assert_eq!(got, sent + 2 * i, "a joined replica has every record: {out}");
        println!("join {i}: {} ({got} records), the people in after {}", secs(wall), secs(people));
        walls.push(wall);
        firsts.push(people);
        if let Some(old) = last.replace(b) {
            let _ = std::fs::remove_dir_all(old.data.parent().unwrap());
        }
    }
    summary.push(format!(
        "join: a fresh device, `meedoen team join` into an empty data dir, wall clock to a complete replica of {sent} records: {}",
        spread(&walls, secs)
    ));
    summary.push(format!(
        "join: the same joins, wall clock until the people and their keys were in (people first; the start screen can show the coach's own): {}",
        spread(&firsts, secs)
    ));

    // The same join in-process, step by step.
    let mut token = [0u8; 32];
    let mut parts: Vec<[Duration; 5]> = Vec::new();
    let (mut down, mut up, mut pages) = (0usize, 0usize, 0usize);
    for i in 0..JOINS_IN_PROCESS {
        let code = last_line(&anna.ok(&["team", "invite", &format!("In-process {i}")]));
        let dir = anna.data.parent().unwrap().parent().unwrap().join(format!("p{i}"));
        let (times, link, bytes) = join_in_process(&server.base, &code, &dir);
        token = link.token;
        (down, up, pages) = bytes;
        println!(
            "in-process join {i}: redeem {}, new caseload {}, pull {}, apply {}, progress saved {}",
            ms(times[0]),
            ms(times[1]),
            ms(times[2]),
            ms(times[3]),
            ms(times[4])
        );
        parts.push(times);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let median = |k: usize| {
        let v: Vec<Duration> = parts.iter().map(|p| p[k]).collect();
        spread(&v, ms)
    };
    summary.push(format!(
        "join, in-process breakdown ({JOINS_IN_PROCESS} joins, {pages} pages of ≤{}): redeem {}; new caseload (standard argon2) {}; pulls (server + loopback + decode) {}; apply {}; progress saved {}",
        protocol::MAX_PULL,
        median(0),
        median(1),
        median(2),
        median(3),
        median(4)
    ));
    summary.push(format!(
        "join: bytes on the wire (encoded bodies): download {:.1} MB in {pages} pull answers; upload {:.1} MB as pushes of {}",
        down as f64 / 1e6,
        up as f64 / 1e6,
        protocol::MAX_ITEMS
    ));
    (last.unwrap(), token)
}

/// A new device joins with `code` and takes in the whole team, as `meedoen team join` does;
/// returns the time of each step (redeem, new caseload, pulls, applies, saved progress), the
/// link, and (download bytes, upload bytes of the same items as pushes, pages).
fn join_in_process(base: &str, code: &str, dir: &Path) -> ([Duration; 5], TeamLink, (usize, usize, usize)) {
    let mut times = [Duration::ZERO; 5];
    let device = *uuid::Uuid::new_v4().as_bytes();
    let t = Instant::now();
    let (resp, payload) = client::redeem(base, None, code, device).unwrap();
    times[0] = t.elapsed();
    let t = Instant::now();
    let master = Key::from_secret(zeroize::Zeroizing::new(payload.unwrap().master));
    let store = Store::open_locked(dir).unwrap().init_with_master(PASS, KdfParams::STANDARD, master).unwrap();
    store.adopt_device(device).unwrap();
    let mut link = TeamLink::joined(base, None, &resp, true);
    store.set_team(&link).unwrap();
    times[1] = t.elapsed();
    let api = Client::new(base, None).unwrap().with_token(link.token);
    let (mut down, mut up, mut pages) = (0, 0, 0);
    loop {
        let t = Instant::now();
        let page = api.pull(&protocol::PullQuery::after(link.pulled)).unwrap();
        times[2] += t.elapsed();
        down += protocol::encode(&page).unwrap().len();
        let items: Vec<Item> = page.items.iter().map(|(_, i)| i.clone()).collect();
        let bases = vec![None; items.len()];
        let push = PushRequest { device, batch: [0; 16], items, bases };
        up += protocol::encode(&push).unwrap().len();
        pages += 1;
        let Some(last) = page.items.last().map(|(seq, _)| *seq) else { break };
        let t = Instant::now();
        let applied = store.apply_incoming(&page.items).unwrap();
        times[3] += t.elapsed();
        assert!(applied.problems.is_empty(), "{:?}", applied.problems);
        let t = Instant::now();
        link.pulled = last;
        store.set_team(&link).unwrap();
        times[4] += t.elapsed();
        if !page.more {
            break;
        }
    }
    (times, link, (down, up, pages))
}

/// Part 2: a change saved on A, visible on B.
fn visible(a: &Coach, b: &Coach, summary: &mut Vec<String>) {
    let a = Store::open(&a.data, PASS).unwrap();
    let b = Store::open(&b.data, PASS).unwrap();
    client::sync(&a).unwrap();
    client::sync(&b).unwrap();
    let (mut save, mut push, mut pull, mut idle) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..ROUNDS {
        let number = 1010 + i as u32;
        let mut p = a.participant_by_number(number).unwrap();
        p.notes = format!("Ronde {i}: wil graag vrijwilligerswerk bij de voedselbank.");
        let t = Instant::now();
        a.update_participant(&p).unwrap();
        save.push(t.elapsed());
        let t = Instant::now();
        let sent = client::sync(&a).unwrap();
        push.push(t.elapsed());
        assert_eq!(sent.accepted, 1, "{sent:?}");
        let t = Instant::now();
        let got = client::sync(&b).unwrap();
        pull.push(t.elapsed());
        assert_eq!(got.received.records, 1, "{got:?}");
        assert_eq!(b.participant(p.id).unwrap().map(|q| q.notes), Some(p.notes.clone()));
        let t = Instant::now();
        let nothing = client::sync(&b).unwrap();
        idle.push(t.elapsed());
        assert_eq!(nothing.received.records, 0);
    }
    let worst = |v: &[Duration]| ms(v.iter().copied().max().unwrap());
    let med = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        ms(quantile(&v, 0.5))
    };
    summary.push(format!(
        "visible: {ROUNDS} rounds, 2,600-person replicas in-process, median / worst: save on A {} / {}; A's sync round (push 1, empty pull) {} / {}; B's sync round (empty push, pull 1, apply) {} / {}; B's poll with nothing new {} / {}",
        med(&save),
        worst(&save),
        med(&push),
        worst(&push),
        med(&pull),
        worst(&pull),
        med(&idle),
        worst(&idle)
    ));
}

/// Part 3: 60 coaches pushing, before and after 100,000 participants' worth of other teams.
fn load(url: &str, server: &Server, sql: &Sql, anna: Option<[u8; 32]>, root: &Path, summary: &mut Vec<String>) {
    let coaches = make_team(url, &server.base, root);
    let before = sql.sizes();
    let pushes = push_load(&server.base, &coaches);
    summary.push(format!(
        "load: {COACHES} coaches of one team, 1 push/s each for {LOAD_SECS} s ({before}): push latency {}",
        tails(&pushes)
    ));
    pulls(&server.base, &coaches[0], anna, "before the bulk rows", summary);

    let per_participant =
        if anna.is_some() { sql.number("SELECT count(*) FROM records") as f64 / PARTICIPANTS as f64 } else { 36.0 };
    let rows = (BULK_PARTICIPANTS as f64 * per_participant) as usize;
    let t = Instant::now();
    bulk(sql, rows);
    let after = sql.sizes();
    println!("bulk rows ({rows}, {per_participant:.1} a participant) in {}", secs(t.elapsed()));
    summary.push(format!(
        "load: {BULK_PARTICIPANTS} participants' worth of rows of {BULK_TEAMS} other teams put in by SQL ({rows} rows, {per_participant:.1} a participant as in the demo, indexes rebuilt) in {}: {after}",
        secs(t.elapsed())
    ));
    let pushes = push_load(&server.base, &coaches);
    summary.push(format!(
        "load: the same {COACHES} coaches again, with those rows in the database: push latency {}",
        tails(&pushes)
    ));
    pulls(&server.base, &coaches[0], anna, "with the bulk rows", summary);
}

/// One coach of the load team: their client and device.
struct Member {
    token: [u8; 32],
    device: [u8; 16],
}

/// A team of [`COACHES`]: the first joins with the team's code, the others with invites it
/// makes (`client::invite`, from a small caseload of its own holding the team's key).
fn make_team(url: &str, base: &str, root: &Path) -> Vec<Member> {
    let it = Coach::new(root, "it", PASS);
    let code = last_line(&it.ok(&["server", "create-team", "--database", url, "Team Load"]));
    let device = *uuid::Uuid::new_v4().as_bytes();
    let (resp, _) = client::redeem(base, None, &code, device).unwrap();
    let store = Store::open_or_create(&root.join("load-first"), PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
    let link = TeamLink::joined(base, None, &resp, true);
    let mut members = vec![Member { token: resp.token, device }];
    for i in 1..COACHES {
        let code = client::invite(&store, &link, &format!("Coach {i}"), 24).unwrap();
        let device = *uuid::Uuid::new_v4().as_bytes();
        let (resp, payload) = client::redeem(base, None, &code, device).unwrap();
        assert!(payload.is_some());
        members.push(Member { token: resp.token, device });
    }
    members
}

/// A contact-sized item: kind 11, random 32-byte key and participant, 300 random bytes.
fn contact_item(device: [u8; 16], counter: u32) -> Item {
    let mut rng = rand::rng();
    let mut key = vec![0u8; 32];
    rng.fill_bytes(&mut key);
    let mut envelope = vec![0u8; 300];
    rng.fill_bytes(&mut envelope);
    let mut hlc = [0u8; 12];
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
    hlc[..8].copy_from_slice(&now.to_be_bytes());
    hlc[8..].copy_from_slice(&counter.to_be_bytes());
    Item {
        kind: 11,
        key,
        participant: Some(rng.random()),
        revision: 1,
        hlc,
        device,
        tombstone: false,
        erased: false,
        envelope,
    }
}

/// Every coach pushes one item a second (each at its own offset within the second) for
/// [`LOAD_SECS`]; returns every push's latency.
fn push_load(base: &str, coaches: &[Member]) -> Vec<Duration> {
    let start = Arc::new(Barrier::new(coaches.len()));
    let threads: Vec<_> = coaches
        .iter()
        .map(|m| {
            let (token, device, base, start) = (m.token, m.device, base.to_string(), start.clone());
            std::thread::spawn(move || {
                let api = Client::new(&base, None).unwrap().with_token(token);
                let offset = Duration::from_millis(rand::rng().random_range(0..1000));
                start.wait();
                let t0 = Instant::now() + offset;
                let mut out = Vec::new();
                for k in 0..LOAD_SECS as u32 {
                    let due = t0 + Duration::from_secs(u64::from(k));
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let mut batch = [0u8; 16];
                    rand::rng().fill_bytes(&mut batch);
                    let req = PushRequest { device, batch, items: vec![contact_item(device, k)], bases: vec![None] };
                    let t = Instant::now();
                    let resp = api.push(&req).unwrap_or_else(|e| panic!("push: {e}"));
                    out.push(t.elapsed());
                    assert!(matches!(resp.outcomes[..], [Outcome::Accepted(_)]), "{:?}", resp.outcomes);
                }
                out
            })
        })
        .collect();
    threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
}

/// A team's pulls, 30 of each: a poll with nothing new, the last 60 items of the load team
/// (its last second), and the first coach's whole team (every page, pulls only) when it is there.
fn pulls(base: &str, member: &Member, anna: Option<[u8; 32]>, when: &str, summary: &mut Vec<String>) {
    let api = Client::new(base, None).unwrap().with_token(member.token);
    let mut end = 0;
    loop {
        let page = api.pull(&protocol::PullQuery::after(end)).unwrap();
        end = page.items.last().map_or(end, |(s, _)| *s);
        if !page.more {
            break;
        }
    }
    let timed = |since: i64, expect: usize| {
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                let page = api.pull(&protocol::PullQuery::after(since)).unwrap();
                let d = t.elapsed();
                assert_eq!(page.items.len(), expect);
                d
            })
            .collect::<Vec<_>>()
    };
    let empty = timed(end, 0);
    let last = timed(end - 60, 60);
    let mut line = format!(
        "load: pulls {when}, load team ({end} rows): nothing new {}; its last 60 items {}",
        tails(&empty),
        tails(&last)
    );
    if let Some(token) = anna {
        let api = Client::new(base, None).unwrap().with_token(token);
        let mut whole = Vec::new();
        let mut items = 0;
        for _ in 0..3 {
            let (t, mut since) = (Instant::now(), 0);
            items = 0;
            loop {
                let page = api.pull(&protocol::PullQuery::after(since)).unwrap();
                items += page.items.len();
                since = page.items.last().map_or(since, |(s, _)| *s);
                if !page.more {
                    break;
                }
            }
            whole.push(t.elapsed());
        }
        line += &format!("; first coach's whole team ({items} items, pulls only) {}", spread(&whole, ms));
    }
    summary.push(line);
}

/// `rows` rows of [`BULK_TEAMS`] other teams (their teams and accounts too), contact-sized
/// envelopes, random 32-byte keys, about 36 rows to a participant; the indexes are dropped for
/// the load and built again after (as they are declared in the server's schema), then analysed.
fn bulk(sql: &Sql, rows: usize) {
    let per_team = rows / BULK_TEAMS;
    let per_person = (rows as f64 / BULK_PARTICIPANTS as f64).max(1.0) as usize;
    sql.run(&format!(
        "INSERT INTO teams (id, name) SELECT gen_random_uuid(), 'Bulk ' || t FROM generate_series(1, {BULK_TEAMS}) t;
         INSERT INTO accounts (id, team, token_hash, sealed_name)
             SELECT gen_random_uuid(), id, uuid_send(gen_random_uuid()), ''::bytea FROM teams WHERE name LIKE 'Bulk %';
         ALTER TABLE records DROP CONSTRAINT records_pkey;
         DROP INDEX records_seq;
         DROP INDEX records_participant;
         INSERT INTO records (team, kind, key, participant, revision, hlc, device, account, tombstone, erased, envelope, seq)
             SELECT a.team, 11, uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()),
                 ('00000000-0000-4000-a000-' || lpad(to_hex(a.n * 1000000 + i / {per_person}), 12, '0'))::uuid,
                 1, '\\x000001930000000000000000'::bytea, a.id, a.id, false, false, e.envelope, i
             FROM (SELECT team, id, row_number() OVER (ORDER BY id) n FROM accounts
                   WHERE team IN (SELECT id FROM teams WHERE name LIKE 'Bulk %')) a,
             (SELECT decode(repeat('a5', 185), 'hex') AS envelope) e,
             generate_series(1, {per_team}) i;
         SET maintenance_work_mem = '256MB';
         ALTER TABLE records ADD PRIMARY KEY (team, kind, key);
         CREATE UNIQUE INDEX records_seq ON records (team, seq);
         CREATE INDEX records_participant ON records (team, participant) WHERE participant IS NOT NULL;
         ANALYZE;
         CHECKPOINT;"
    ));
}
