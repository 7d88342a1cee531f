//! The caseload held in memory for the UI: every participant, their Dutch name order, and the
//! search index over them.
//!
//! The first frame needs only the coach's own people with an open trajectory (the start screen
//! is about them), so when the store can tell who they are without decrypting anyone else (coach
//! tags, see [`crate::store::crypto::CoachTag`]) only they are read before it; everyone else,
//! the name order and the search index are read and derived on a second thread while the start
//! screen is computed and drawn. Whatever needs the whole caseload waits for that thread, so no
//! screen ever sees a part of it: only [`Caseload::open_of`], [`Caseload::own_by_id`] and
//! [`Caseload::counts`] answer from the part.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

pub use crate::domain::same_coach;
use crate::domain::search::{Entry, SearchIndex};
use crate::domain::{Participant, ParticipantId, Status};
use crate::store::{Store, StoreError};

/// What is derived from the people: the Dutch name order and the search index (whose entries
/// are in that order and point into `people`).
struct Derived {
    order: Vec<usize>,
    index: SearchIndex,
}

/// Every participant, in storage order; indexes into it are stable until a save.
#[derive(Default)]
struct All {
    people: Arc<Vec<Participant>>,
    /// Where each participant is in `people`.
    index: HashMap<ParticipantId, usize>,
}

impl All {
    fn new(people: Vec<Participant>) -> All {
        let index = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        All { people: Arc::new(people), index }
    }
}

/// The coach's own people, read before the first frame: those with an open trajectory (and
/// those with a closed one the start screen needs, see [`Caseload::read_closed`]), and the ids of
/// those with a closed one.
struct Own {
    coach: String,
    people: Vec<Participant>,
    index: HashMap<ParticipantId, usize>,
    closed: std::collections::HashSet<ParticipantId>,
}

type Rest = JoinHandle<Result<(Vec<Participant>, Derived), StoreError>>;

pub struct Caseload {
    all: OnceLock<All>,
    /// Until the whole caseload is read: the coach's own people, and the thread reading the rest.
    own: Option<Own>,
    rest: Mutex<Option<Rest>>,
    /// The name order and search index the reading thread derived, until they are taken up.
    arrived: Mutex<Option<Derived>>,
    /// Why the whole caseload could not be read (the caseload then holds the coach's own people).
    failed: OnceLock<StoreError>,
    ready: Option<Derived>,
    building: Option<JoinHandle<Derived>>,
}

impl Caseload {
    /// Reads everyone now.
    pub fn load(store: &Store) -> Result<Caseload, StoreError> {
        Ok(Caseload::from_people(store.participants()?))
    }

    /// Reads `coach`'s own people now and everyone else on a second thread; reads everyone now
    /// when the store cannot tell who the coach's people are or no thread can be had.
    pub fn load_for(store: &Store, coach: &str) -> Result<Caseload, StoreError> {
        let Some(crate::store::OwnPeople { open: people, closed }) = store.own_participants(coach)? else {
            return Caseload::load(store);
        };
        let reader = store.participant_reader();
        let read = move || {
            let people = reader.read()?;
            let derived = derive(&people);
            Ok((people, derived))
        };
        let Ok(rest) = std::thread::Builder::new().name("caseload".into()).spawn(read) else {
            return Caseload::load(store);
        };
        let index = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let own = Own { coach: coach.to_string(), people, index, closed: closed.into_iter().collect() };
        Ok(Caseload::new(OnceLock::new(), Some(own), Some(rest)))
    }

    fn new(all: OnceLock<All>, own: Option<Own>, rest: Option<Rest>) -> Caseload {
        Caseload {
            all,
            own,
            rest: Mutex::new(rest),
            arrived: Mutex::new(None),
            failed: OnceLock::new(),
            ready: None,
            building: None,
        }
    }

    pub fn from_people(people: Vec<Participant>) -> Caseload {
        let mut c = Caseload::new(OnceLock::from(All::new(people)), None, None);
        c.derive_in_background();
        c
    }

    /// The whole caseload, waiting for the reading thread if it still runs.
    fn all(&self) -> &All {
        self.all.get_or_init(|| {
            let handle = self.rest.lock().ok().and_then(|mut r| r.take());
            let result = match handle {
                Some(h) => h.join().unwrap_or_else(|_| Err(StoreError::Backend("the caseload reader stopped".into()))),
                None => Err(StoreError::Backend("the caseload was not read".into())),
            };
            match result {
                Ok((people, derived)) => {
                    if let Ok(mut a) = self.arrived.lock() {
                        *a = Some(derived);
                    }
                    All::new(people)
                }
                Err(e) => {
                    let _ = self.failed.set(e);
                    All::new(self.own.as_ref().map(|o| o.people.clone()).unwrap_or_default())
                }
            }
        })
    }

    /// Waits for the whole caseload. Afterwards: why it could not be read, if it could not, and
    /// whether the coach's people read before it were not exactly the coach's people in it (a
    /// coach tag out of date), so whatever was computed from them must be computed again.
    pub fn complete(&mut self) -> (Option<&StoreError>, bool) {
        self.all();
        let mut differs = false;
        if let Some(own) = self.own.take()
            && self.failed.get().is_none()
        {
            let mine = self.all().people.iter().filter(|p| same_coach(&p.coach, &own.coach));
            let (mut open, mut closed) = (0, 0);
            for p in mine {
                let read = own.index.get(&p.id).and_then(|&i| own.people.get(i));
                let known = if p.status.is_open() {
                    read.is_some_and(|q| q.status.is_open())
                } else {
                    own.closed.contains(&p.id)
                };
                differs |= !known;
                if p.status.is_open() { open += 1 } else { closed += 1 }
            }
            let read_open = own.people.iter().filter(|p| p.status.is_open()).count();
            differs |= open != read_open || closed != own.closed.len();
        }
        (self.failed.get(), differs)
    }

    /// Whether the whole caseload is in memory (not still being read).
    pub fn is_complete(&self) -> bool {
        self.all.get().is_some()
    }

    fn derive_in_background(&mut self) {
        let people = Arc::clone(&self.all().people);
        self.ready = None;
        // Without a thread to be had, the first use derives it.
        self.building = std::thread::Builder::new().name("caseload-index".into()).spawn(move || derive(&people)).ok();
    }

    fn derived(&mut self) -> &mut Derived {
        self.all();
        if let Some(d) = self.arrived.get_mut().ok().and_then(|a| a.take()) {
            self.ready = Some(d);
        }
        if let Some(handle) = self.building.take() {
            self.ready = handle.join().ok();
        }
        let people = &self.all.get_or_init(All::default).people;
        self.ready.get_or_insert_with(|| derive(people))
    }

    pub fn people(&self) -> &[Participant] {
        &self.all().people
    }

    pub fn get(&self, i: usize) -> Option<&Participant> {
        self.all().people.get(i)
    }

    /// The people of `coach` (of everyone with `None`) whose trajectory is open; from the part
    /// read first while the rest is still being read.
    pub fn open_of(&self, coach: Option<&str>) -> Vec<&Participant> {
        match self.part_for(coach) {
            Some(own) => own.people.iter().filter(|p| p.status.is_open()).collect(),
            None => self.people().iter().filter(|p| p.status.is_open() && is_of(p, coach)).collect(),
        }
    }

    /// Participant `id` if they are in `coach`'s caseload (anyone's with `None`), whatever their
    /// status: at once for the open ones, waiting for the whole caseload for a closed one.
    pub fn own_by_id(&self, coach: Option<&str>, id: ParticipantId) -> Option<&Participant> {
        if let Some(own) = self.part_for(coach) {
            if let Some(&i) = own.index.get(&id) {
                return own.people.get(i);
            }
            if !own.closed.contains(&id) {
                return None;
            }
        }
        self.by_id(id).filter(|p| is_of(p, coach))
    }

    /// Reads those of `ids` who are the coach's own with a closed trajectory, while only the
    /// coach's part is read, so [`Caseload::own_by_id`] has them at once.
    pub fn read_closed(
        &mut self,
        store: &Store,
        ids: impl IntoIterator<Item = ParticipantId>,
    ) -> Result<(), StoreError> {
        if self.is_complete() {
            return Ok(());
        }
        let Some(own) = self.own.as_mut() else { return Ok(()) };
        for id in ids {
            if own.closed.contains(&id)
                && !own.index.contains_key(&id)
                && let Some(p) = store.participant(id)?
            {
                own.index.insert(id, own.people.len());
                own.people.push(p);
            }
        }
        Ok(())
    }

    /// The part read first, while it is all there is and it is `coach`'s.
    fn part_for(&self, coach: Option<&str>) -> Option<&Own> {
        match (&self.own, coach) {
            (Some(own), Some(c)) if !self.is_complete() && same_coach(&own.coach, c) => Some(own),
            _ => None,
        }
    }

    /// Indexes into [`Caseload::people`] in Dutch name order ("Berg, Jan van der" under B).
    pub fn dutch_order(&mut self) -> &[usize] {
        &self.derived().order
    }

    /// The search index, waiting for it if it is still being built.
    pub fn search(&mut self) -> &mut SearchIndex {
        &mut self.derived().index
    }

    /// The search index if it is ready (it always is once a search screen was opened).
    pub fn search_ready(&self) -> Option<&SearchIndex> {
        self.ready.as_ref().map(|d| &d.index)
    }

    pub fn index_of(&self, id: ParticipantId) -> Option<usize> {
        self.all().index.get(&id).copied()
    }

    /// Participant `id`: one of the coach's own people at once, anyone else once the whole
    /// caseload is read.
    pub fn by_id(&self, id: ParticipantId) -> Option<&Participant> {
        if !self.is_complete()
            && let Some(own) = &self.own
            && let Some(&i) = own.index.get(&id)
        {
            return own.people.get(i);
        }
        self.index_of(id).and_then(|i| self.all().people.get(i))
    }

    /// Changes the whole caseload (read to the end first, no derivation running on it), then
    /// derives the order and index again.
    fn change(&mut self, f: impl FnOnce(&mut All)) {
        self.all();
        self.own = None;
        // Let a running derivation finish so the list is not copied.
        if let Some(h) = self.building.take() {
            let _ = h.join();
        }
        self.ready = None;
        if let Ok(a) = self.arrived.get_mut() {
            *a = None;
        }
        let mut all = self.all.take().unwrap_or_default();
        f(&mut all);
        self.all = OnceLock::from(all);
        self.derive_in_background();
    }

    /// Puts a saved participant in its place and derives the order and index again.
    pub fn upsert(&mut self, p: Participant) {
        self.change(|all| {
            let people = Arc::make_mut(&mut all.people);
            match all.index.get(&p.id) {
                Some(&i) => people[i] = p,
                None => {
                    all.index.insert(p.id, people.len());
                    people.push(p);
                }
            }
        });
    }

    /// Takes an erased participant out and derives the order and index again.
    pub fn remove(&mut self, id: ParticipantId) {
        self.change(|all| {
            Arc::make_mut(&mut all.people).retain(|p| p.id != id);
            all.index = all.people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        });
    }

    /// Counts per status, for one coach (`Some`) or everyone.
    pub fn counts(&self, coach: Option<&str>) -> [usize; 5] {
        let mut c = [0; 5];
        let mut count = |status: Status, n: usize| c[Status::ALL.iter().position(|s| *s == status).unwrap_or(0)] += n;
        match self.part_for(coach) {
            Some(own) => {
                own.people.iter().filter(|p| p.status.is_open()).for_each(|p| count(p.status, 1));
                count(Status::Closed, own.closed.len());
            }
            None => self.people().iter().filter(|p| is_of(p, coach)).for_each(|p| count(p.status, 1)),
        }
        c
    }
}

/// Whether `p` is in `coach`'s caseload (everyone is in the team's, `None`).
fn is_of(p: &Participant, coach: Option<&str>) -> bool {
    coach.is_none_or(|c| same_coach(&p.coach, c))
}

impl Drop for Caseload {
    /// A reading thread still running holds the store's files open: let it finish first.
    fn drop(&mut self) {
        if let Ok(rest) = self.rest.get_mut()
            && let Some(h) = rest.take()
        {
            let _ = h.join();
        }
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
