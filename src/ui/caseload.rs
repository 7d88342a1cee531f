//! The caseload held in memory for the UI: every participant in Dutch name order, and the
//! search index over them.

use crate::domain::search::SearchIndex;
use crate::domain::{Participant, ParticipantId, Status};
use crate::store::{Store, StoreError};

pub struct Caseload {
    people: Vec<Participant>,
    pub search: SearchIndex,
}

impl Caseload {
    pub fn load(store: &Store) -> Result<Caseload, StoreError> {
        Ok(Caseload::from_people(store.participants()?))
    }

    pub fn from_people(mut people: Vec<Participant>) -> Caseload {
        let mut keyed: Vec<(String, Participant)> = people.drain(..).map(|p| (p.name().sort_key(), p)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.number.cmp(&b.1.number)));
        let people: Vec<Participant> = keyed.into_iter().map(|(_, p)| p).collect();
        let search = SearchIndex::from_participants(&people);
        Caseload { people, search }
    }

    pub fn people(&self) -> &[Participant] {
        &self.people
    }

    pub fn get(&self, i: usize) -> Option<&Participant> {
        self.people.get(i)
    }

    pub fn index_of(&self, id: ParticipantId) -> Option<usize> {
        self.people.iter().position(|p| p.id == id)
    }

    pub fn by_id(&self, id: ParticipantId) -> Option<&Participant> {
        self.index_of(id).and_then(|i| self.people.get(i))
    }

    /// Puts a saved participant in its place and rebuilds the search index.
    pub fn upsert(&mut self, p: Participant) {
        let mut people = std::mem::take(&mut self.people);
        people.retain(|q| q.id != p.id);
        people.push(p);
        *self = Caseload::from_people(people);
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

/// Coach names compare without regard to case and surrounding spaces.
pub fn same_coach(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}
