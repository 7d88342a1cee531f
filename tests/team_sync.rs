#![allow(clippy::unwrap_used, clippy::panic)]
//! Team sync under stress, against the real `meedoen-server` on a real PostgreSQL
//! (`common::pg`; without PostgreSQL these tests say so and pass):
//! - a property test: three replicas edit, add and erase in random order and sync now and
//!   then; after two rounds of syncs they hold the same caseload, every save is there unless a
//!   later one (by hybrid clock, then device) replaced it, the erased are gone everywhere, and
//!   each replica's change log and indexes check clean;
//! - a sync killed part-way (`kill -9`) loses and doubles nothing;
//! - a laptop clock three hours behind does not hide an edit it had seen;
//! - a push sent twice (its answer lost) is applied once.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
use meedoen::domain::goal::{Area, Goal, GoalId};
use meedoen::domain::{Participant, ParticipantId};
use meedoen::protocol::{self, PushRequest};
use meedoen::store::crypto::{KdfParams, Key};
use meedoen::store::hlc::Hlc;
use meedoen::store::sync::TeamLink;
use meedoen::store::{Kind, Store};
use meedoen::sync::client;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const MEEDOEN: &str = env!("CARGO_BIN_EXE_meedoen");
const SERVER: &str = env!("CARGO_BIN_EXE_meedoen-server");
const PASSPHRASE: &str = "een lange teamzin voor de test";

/// A running `meedoen-server`, killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(url: &str) -> Server {
        let mut child = Command::new(SERVER)
            .args(["--database", url, "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let base =
            line.trim().strip_prefix("meedoen-server listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
        std::thread::spawn(move || for _ in stderr.lines() {});
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// PostgreSQL, the server and a state directory for every store of the test.
struct Env {
    pg: common::pg::Pg,
    server: Server,
    state: tempfile::TempDir,
}

impl Env {
    fn start() -> Option<Env> {
        let pg = common::pg::start()?;
        let server = Server::start(&pg.url);
        let state = tempfile::tempdir().unwrap();
        meedoen::store::set_state_dir(Some(state.path().to_path_buf()));
        Some(Env { pg, server, state })
    }

    /// A new team's first invite code, as IT makes it.
    fn create_team(&self, name: &str) -> String {
        let out = Command::new(MEEDOEN)
            .args(["server", "create-team", "--database", &self.pg.url, name])
            .env("MEEDOEN_STATE_DIR", self.state.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "create-team: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").trim().to_string()
    }

    /// The first coach: a caseload of `people` demo participants, linked to a new team and
    /// uploaded whole.
    fn first_coach(&self, dir: &Path, people: usize) -> Store {
        let code = self.create_team("Team Zuid");
        let store = Store::create(dir, PASSPHRASE, KdfParams::LIGHT_FOR_TESTS).unwrap();
        if people > 0 {
            let now = Utc::now();
            meedoen::demo::fill(&store, people, 7, now.date_naive(), now).unwrap();
        }
        let (resp, payload) = client::redeem(&self.server.base, None, &code, store.device_id().unwrap()).unwrap();
        assert!(payload.is_none());
        store.set_team(&link(&self.server.base, &resp, false)).unwrap();
        sync_ok(&store);
        store
    }

    /// A colleague invited by `inviter`, with a new, empty caseload in `dir`, synced once.
    fn invited(&self, inviter: &Store, dir: &Path) -> Store {
        let code = client::invite(inviter, &inviter.team().unwrap().unwrap(), "Collega", 24).unwrap();
        let device = *uuid::Uuid::new_v4().as_bytes();
        let (resp, payload) = client::redeem(&self.server.base, None, &code, device).unwrap();
        let master = Key::from_secret(zeroize::Zeroizing::new(payload.unwrap().master));
        let store = Store::open_locked(dir)
            .unwrap()
            .init_with_master(PASSPHRASE, KdfParams::LIGHT_FOR_TESTS, master)
            .unwrap();
        store.adopt_device(device).unwrap();
        store.set_team(&link(&self.server.base, &resp, true)).unwrap();
        sync_ok(&store);
        store
    }
}

fn link(server: &str, resp: &protocol::JoinResponse, invited: bool) -> TeamLink {
    TeamLink {
        server: server.to_string(),
        ca: None,
        team: resp.team,
        account: resp.account,
        token: resp.token,
        pushed: 0,
        pulled: 0,
        uploaded: invited,
    }
}

fn sync_ok(store: &Store) -> client::Report {
    let report = client::sync(store).unwrap_or_else(|e| panic!("sync: {e}"));
    assert!(report.received.problems.is_empty(), "problems taking in a pull: {:?}", report.received.problems);
    report
}

/// What a coach sees of the caseload (the export, at a fixed time), without what is each
/// replica's own by nature (the access log: each coach's own reading of files).
fn shared(store: &Store) -> serde_json::Value {
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap();
    let mut e = serde_json::to_value(meedoen::export::build(store, at).unwrap()).unwrap();
    let obj = e.as_object_mut().unwrap();
    obj.remove("exported_at");
    obj.remove("access_log");
    e
}

fn checks_clean(store: &Store, who: &str) {
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new(), "{who}: change log");
    assert_eq!(store.check_indexes().unwrap(), Vec::<String>::new(), "{who}: indexes");
}

/// The hybrid clock time and device of the newest change-log entry of a record.
fn stamp(store: &Store, kind: Kind, key: &[u8]) -> (Hlc, [u8; 16]) {
    let change = store
        .changes()
        .unwrap()
        .into_iter()
        .rev()
        .find(|c| c.kind == kind as u8 && c.record == key)
        .unwrap_or_else(|| panic!("no change-log entry for a {kind:?}"));
    (change.hlc, change.device)
}

// ---- the property test -----------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Notes { replica: usize, pick: usize },
    Phone { replica: usize, pick: usize },
    Contact { replica: usize, pick: usize },
    Goal { replica: usize, pick: usize },
    AddPerson { replica: usize },
    Erase { replica: usize, pick: usize },
    Sync { replica: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0..3usize;
    let p = any::<usize>();
    prop_oneof![
        3 => (r.clone(), p.clone()).prop_map(|(replica, pick)| Op::Notes { replica, pick }),
        2 => (r.clone(), p.clone()).prop_map(|(replica, pick)| Op::Phone { replica, pick }),
        2 => (r.clone(), p.clone()).prop_map(|(replica, pick)| Op::Contact { replica, pick }),
        1 => (r.clone(), p.clone()).prop_map(|(replica, pick)| Op::Goal { replica, pick }),
        1 => r.clone().prop_map(|replica| Op::AddPerson { replica }),
        1 => (r.clone(), p).prop_map(|(replica, pick)| Op::Erase { replica, pick }),
        4 => r.prop_map(|replica| Op::Sync { replica }),
    ]
}

/// What the replicas must end with, built from the saves as they were made.
#[derive(Default)]
struct Expected {
    /// Per person, the winning save so far: its (hybrid clock time, device) and the record.
    people: HashMap<ParticipantId, ((Hlc, [u8; 16]), Participant)>,
    contacts: HashMap<RecordId, ParticipantId>,
    goals: HashMap<GoalId, ParticipantId>,
    erased: HashSet<ParticipantId>,
    erasures: usize,
}

impl Expected {
    fn saved(&mut self, store: &Store, p: &Participant) {
        let s = stamp(store, Kind::Participant, p.id.as_bytes());
        let entry = self.people.entry(p.id).or_insert_with(|| (s, p.clone()));
        if s >= entry.0 {
            *entry = (s, p.clone());
        }
    }
}

/// The person `pick` points at among those `store` holds (in id order), if any.
fn person(store: &Store, pick: usize) -> Option<Participant> {
    let mut people = store.participants().unwrap();
    people.sort_by_key(|p| p.id);
    let n = people.len();
    (n > 0).then(|| people.swap_remove(pick % n))
}

fn run_case(env: &Env, ops: &[Op]) {
    let root = tempfile::tempdir().unwrap();
    let first = env.first_coach(&root.path().join("a"), 8);
    let second = env.invited(&first, &root.path().join("b"));
    let third = env.invited(&first, &root.path().join("c"));
    let replicas = [first, second, third];
    let mut want = Expected::default();
    for p in replicas[0].participants().unwrap() {
        want.people.insert(p.id, ((Hlc::default(), [0; 16]), p));
    }
    for (n, op) in ops.iter().enumerate() {
        match *op {
            Op::Notes { replica, pick } | Op::Phone { replica, pick } => {
                let store = &replicas[replica];
                let Some(mut p) = person(store, pick) else { continue };
                if matches!(op, Op::Notes { .. }) {
                    p.notes = format!("notitie {n} van replica {replica}");
                } else {
                    p.phone = format!("06-{n:08}");
                }
                store.update_participant(&p).unwrap();
                want.saved(store, &p);
            }
            Op::Contact { replica, pick } => {
                let store = &replicas[replica];
                let Some(p) = person(store, pick) else { continue };
                let now = store.now().unwrap();
                let c = Contact {
                    id: RecordId::new_random(),
                    participant: p.id,
                    at: now.naive_local(),
                    channel: Channel::Phone,
                    initiative: Initiative::Coach,
                    minutes: 10,
                    reached: Reached::Made,
                    life_areas: Vec::new(),
                    summary: format!("gesprek {n}"),
                    coach: format!("coach {replica}"),
                    created_at: now,
                };
                store.save_contact(&c).unwrap();
                want.contacts.insert(c.id, p.id);
            }
            Op::Goal { replica, pick } => {
                let store = &replicas[replica];
                let Some(p) = person(store, pick) else { continue };
                let now = store.now().unwrap();
                let g = Goal::new(p.id, format!("doel {n}"), Area::Dimension(2), now.date_naive(), now);
                store.save_goal(&g).unwrap();
                want.goals.insert(g.id, p.id);
            }
            Op::AddPerson { replica } => {
                let store = &replicas[replica];
                let mut p = Participant::new(ParticipantId::new_random(), 0, store.now().unwrap());
                p.given_names = format!("Nieuw{n}");
                p.family_name = "Persoon".into();
                let p = store.add_participant(p).unwrap();
                want.saved(store, &p);
            }
            Op::Erase { replica, pick } => {
                let store = &replicas[replica];
                let Some(p) = person(store, pick) else { continue };
                store.erase(p.id, "Coach", Utc::now().date_naive()).unwrap();
                want.erased.insert(p.id);
                want.erasures += 1;
            }
            Op::Sync { replica } => {
                sync_ok(&replicas[replica]);
            }
        }
    }
    for _ in 0..2 {
        for store in &replicas {
            sync_ok(store);
        }
    }

    let names = ["first", "second", "third"];
    let exports: Vec<serde_json::Value> = replicas.iter().map(shared).collect();
    for (i, store) in replicas.iter().enumerate() {
        let who = names[i];
        checks_clean(store, who);
        assert!(exports[i] == exports[0], "{who} differs from first:\n{}", diff(&exports[0], &exports[i]));
        for p in &want.erased {
            assert!(store.participant(*p).unwrap().is_none(), "{who} still holds an erased person");
            assert!(store.contacts_of(*p).unwrap().is_empty(), "{who} still holds an erased person's contacts");
            assert!(store.goals_of(*p).unwrap().is_empty(), "{who} still holds an erased person's goals");
        }
        for (id, (_, p)) in want.people.iter().filter(|(id, _)| !want.erased.contains(id)) {
            let held = store.participant(*id).unwrap();
            assert_eq!(held.as_ref(), Some(p), "{who}: person {} is not their last save", p.number);
        }
        let contacts: HashSet<RecordId> = store.contacts().unwrap().iter().map(|c| c.id).collect();
        for (c, p) in &want.contacts {
            assert_eq!(contacts.contains(c), !want.erased.contains(p), "{who}: a contact");
        }
        let goals: HashSet<GoalId> = store.all_goals().unwrap().iter().map(|g| g.id).collect();
        for (g, p) in &want.goals {
            assert_eq!(goals.contains(g), !want.erased.contains(p), "{who}: a goal");
        }
        assert_eq!(store.erasures().unwrap().len(), want.erasures, "{who}: the erasure traces");
    }
}

/// The top-level fields in which two exports differ, with a short look at each.
fn diff(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
    let mut out = String::new();
    for (k, va) in a {
        let vb = &b[k];
        if va != vb {
            let short = |v: &serde_json::Value| v.to_string().chars().take(600).collect::<String>();
            out.push_str(&format!("{k}:\n  {}\n  {}\n", short(va), short(vb)));
        }
    }
    out
}

#[test]
fn three_replicas_converge_whatever_the_order_of_edits_and_syncs() {
    let Some(env) = Env::start() else { return };
    let cases = std::env::var("MEEDOEN_SYNC_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(8);
    let config = Config { cases, max_shrink_iters: 24, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(op(), 5..15), |ops| {
        run_case(&env, &ops);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
