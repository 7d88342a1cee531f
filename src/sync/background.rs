//! Sync while the terminal program runs: a thread of its own that syncs at start, soon after a
//! save, and every few seconds, and tells the screen how it went. Blocking HTTPS on that thread:
//! the terminal program starts no async runtime, and a slow or absent network never holds a key
//! press up.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use chrono::{DateTime, Local};

use super::client::{self, SyncError};
use crate::store::Store;

/// How a sync round ended, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// In step with the server at this time; `held` changes of colleagues could not be taken
    /// in yet (kept, tried again at every round).
    Updated { at: DateTime<Local>, held: usize },
    /// The server cannot be reached; this many changes of this device wait.
    Offline { waiting: u64 },
    /// The server refused, or something else went wrong: in a few plain words.
    Failed(Failure),
    /// A round is taking in a long pull (a fresh replica filling): the people first, then the
    /// rest, up to sequence number `at` of the team's `head`.
    Filling { people: bool, at: i64, head: i64 },
}

/// Why a sync failed, as the header names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server does not accept this device's credentials any more.
    NotAllowed,
    /// The server's certificate is not trusted.
    Untrusted,
    /// The caseload here could not be read or written.
    Storage(String),
    /// Anything else, with the server's words.
    Other(String),
}

/// What one round reports to the screen.
#[derive(Debug, Clone)]
pub struct Round {
    pub state: State,
    /// Records that came in, and people here who got their number (the screens are read again
    /// when this is more than zero).
    pub received: usize,
    /// Why the server refused changes of this device in this round (each stays here).
    pub refused: Vec<String>,
}

/// The running syncer: wake it after a save, read what it reports.
pub struct Background {
    wake: Sender<()>,
    rounds: Receiver<Round>,
}

impl Background {
    /// Starts syncing `store` every `every` (and when woken), if it is part of a team.
    pub fn start(store: Arc<Store>, every: Duration) -> Option<Background> {
        if !matches!(store.team(), Ok(Some(_))) {
            return None;
        }
        let (wake, woken) = channel::<()>();
        let (report, rounds) = channel::<Round>();
        let run = move || {
            loop {
                let round = one_round(&store, &report);
                if report.send(round).is_err() {
                    return; // the screen is gone
                }
                match woken.recv_timeout(every) {
                    Ok(()) | Err(RecvTimeoutError::Timeout) => {
                        // Several wake-ups while a round ran are one more round.
                        while woken.try_recv().is_ok() {}
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        };
        std::thread::Builder::new().name("sync".into()).spawn(run).ok()?;
        Some(Background { wake, rounds })
    }

    /// Asks for a round now (after a save).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }

    /// The rounds finished since the last call, oldest first.
    pub fn finished(&self) -> Vec<Round> {
        self.rounds.try_iter().collect()
    }
}

fn one_round(store: &Store, report: &Sender<Round>) -> Round {
    // A pull of several pages is shown as it goes: what each page brought is on screen at once.
    let mut tell = |p: client::Progress| {
        if !p.last {
            let state = State::Filling { people: p.people, at: p.at, head: p.head };
            let _ = report.send(Round { state, received: p.records, refused: Vec::new() });
        }
    };
    match client::sync_telling(store, &mut tell) {
        Ok(report) => Round {
            state: State::Updated { at: Local::now(), held: store.team().ok().flatten().map_or(0, |l| l.parked.len()) },
            // People who got their number changed on screen too.
            received: report.received.records + report.received.erased + report.received.kept_local + report.numbered,
            refused: report.refused,
        },
        Err(e) => Round { state: state_of(store, e), received: 0, refused: Vec::new() },
    }
}

fn state_of(store: &Store, e: SyncError) -> State {
    match e {
        SyncError::Unreachable(_) => State::Offline { waiting: waiting(store) },
        SyncError::Refused { status: 401 | 403, .. } => State::Failed(Failure::NotAllowed),
        SyncError::Insecure(_) | SyncError::BadAddress(_) => State::Failed(Failure::Untrusted),
        SyncError::Store(e) => State::Failed(Failure::Storage(e.to_string())),
        other => State::Failed(Failure::Other(other.to_string())),
    }
}

/// How many changes of this device the server has not taken yet.
pub fn waiting(store: &Store) -> u64 {
    let pushed = store.team().ok().flatten().map_or(0, |t| t.pushed);
    store.waiting(pushed).map_or(0, |n| n as u64)
}
