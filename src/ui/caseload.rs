//! The caseload held in memory for the UI: every participant, their Dutch name order, and the
//! search index over them.
//!
//! The first frame needs neither the name order nor the search index, so both are derived on a
//! second thread while the start screen is drawn; the list and search wait for them if needed.

use std::sync::Arc;
use std::thread::JoinHandle;

use crate::domain::search::{Entry, SearchIndex};
use crate::domain::{Participant, ParticipantId, Status};
use crate::store::{Store, StoreError};

/// What is derived from the people: the Dutch name order and the search index (whose entries
/// are in that order and point into `people`).
struct Derived {
    order: Vec<usize>,
    index: SearchIndex,
}

pub struct Caseload {
    /// Every participant, in storage order; indexes into this list are stable until a save.
    people: Arc<Vec<Participant>>,
    /// Where each participant is in `people`.
    index: std::collections::HashMap<ParticipantId, usize>,
    ready: Option<Derived>,
    building: Option<JoinHandle<Derived>>,
}

impl Caseload {
    pub fn load(store: &Store) -> Result<Caseload, StoreError> {
        Ok(Caseload::from_people(store.participants()?))
    }

    pub fn from_people(people: Vec<Participant>) -> Caseload {
        let index = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let mut c = Caseload { people: Arc::new(people), index, ready: None, building: None };
        c.derive_in_background();
        c
    }

    fn derive_in_background(&mut self) {
        let people = Arc::clone(&self.people);
        self.ready = None;
        // Without a thread to be had, the first use derives it.
        self.building = std::thread::Builder::new().name("caseload-index".into()).spawn(move || derive(&people)).ok();
    }

    fn derived(&mut self) -> &Derived {
        if let Some(handle) = self.building.take() {
            self.ready = handle.join().ok();
        }
        let people = &self.people;
        self.ready.get_or_insert_with(|| derive(people))
    }

    pub fn people(&self) -> &[Participant] {
        &self.people
    }

    pub fn get(&self, i: usize) -> Option<&Participant> {
        self.people.get(i)
    }

    /// Indexes into [`Caseload::people`] in Dutch name order ("Berg, Jan van der" under B).
    pub fn dutch_order(&mut self) -> &[usize] {
        &self.derived().order
    }

    /// The search index, waiting for it if it is still being built.
    pub fn search(&mut self) -> &mut SearchIndex {
        self.derived();
        let people = &self.people;
        &mut self.ready.get_or_insert_with(|| derive(people)).index
    }

    /// The search index if it is ready (it always is once a search screen was opened).
    pub fn search_ready(&self) -> Option<&SearchIndex> {
        self.ready.as_ref().map(|d| &d.index)
    }

    pub fn index_of(&self, id: ParticipantId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    pub fn by_id(&self, id: ParticipantId) -> Option<&Participant> {
        self.index_of(id).and_then(|i| self.people.get(i))
    }

    /// Puts a saved participant in its place and derives the order and index again.
    pub fn upsert(&mut self, p: Participant) {
        // Let a running derivation finish so the list is not copied.
        if let Some(h) = self.building.take() {
            let _ = h.join();
        }
        self.ready = None;
        let people = Arc::make_mut(&mut self.people);
        match self.index.get(&p.id) {
            Some(&i) => people[i] = p,
            None => {
                self.index.insert(p.id, people.len());
                people.push(p);
            }
        }
        self.derive_in_background();
    }

    /// Takes an erased participant out and derives the order and index again.
    pub fn remove(&mut self, id: ParticipantId) {
        if let Some(h) = self.building.take() {
            let _ = h.join();
        }
        self.ready = None;
        Arc::make_mut(&mut self.people).retain(|p| p.id != id);
        self.index = self.people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        self.derive_in_background();
    }

    /// Counts per status, for one coach (`Some`) or everyone.
    pub fn counts(&self, coach: Option<&str>) -> [usize; 5] {
        let mut c = [0; 5];
        for p in self.people.iter().filter(|p| coach.is_none_or(|name| same_coach(&p.coach, name))) {
            c[Status::ALL.iter().position(|s| *s == p.status).unwrap_or(0)] += 1;
        }
        c
    }
}

fn derive(people: &[Participant]) -> Derived {
    let mut keys: Vec<(String, u32, usize)> =
        people.iter().enumerate().map(|(i, p)| (p.name().sort_key(), p.number, i)).collect();
    keys.sort_unstable();
    let order: Vec<usize> = keys.into_iter().map(|(_, _, i)| i).collect();
    let entries = order.iter().filter_map(|&i| people.get(i).map(|p| Entry::from_participant(i, p))).collect();
    Derived { order, index: SearchIndex::new(entries) }
}

/// Coach names compare without regard to case and surrounding spaces.
pub fn same_coach(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}
