//! The typed repository over sled trees.

use std::path::{Path, PathBuf};

use chrono::Datelike;

use super::StoreError;
use super::codec::Kind;
use super::crypto::{Key, KeyReader, Keys};
use super::error::io_error;
use super::records::{AssessmentDraft, Draft, Settings};
use super::registry::Tree;
use crate::domain::goal::Goal;
use crate::domain::health::Assessment;
use crate::domain::module::{Closure, Enrolment, Module};
use crate::domain::{Participant, ParticipantId};

/// Version of the tree layout; migrations run on open when an older store is found.
/// 2: participant keys stored in chunks ([`super::crypto::KeyChunk`]) rather than one per entry.
/// 3: participant keys wrapped under key epochs (see [`super::crypto::epoch`]); an older store is
/// rewritten into a new data file when it is unlocked.
pub(super) const STORE_VERSION: u32 = 3;
pub(super) const META_VERSION: &[u8] = b"store_version";
pub(super) const META_SETTINGS: &[u8] = b"settings";
pub(super) const META_GENERATION: &[u8] = b"generation";
#[cfg(test)]
use super::numbers::FIRST_NUMBER;
use super::numbers::PENDING;

/// A caseload on disk.
pub struct Store {
    pub(super) db: sled::Db,
    pub(super) meta: sled::Tree,
    pub(super) participants: sled::Tree,
    pub(super) ix_number: sled::Tree,
    pub(super) drafts: sled::Tree,
    pub(super) assessments: sled::Tree,
    pub(super) goals: sled::Tree,
    pub(super) assessment_drafts: sled::Tree,
    pub(super) modules: sled::Tree,
    pub(super) enrolments: sled::Tree,
    pub(super) attendance: sled::Tree,
    pub(super) closures: sled::Tree,
    pub(super) contacts: sled::Tree,
    pub(super) appointments: sled::Tree,
    pub(super) trajectories: sled::Tree,
    pub(super) signals: sled::Tree,
    pub(super) referrals: sled::Tree,
    /// Per participant: the last contact made and the last attempt (kept with every contact).
    pub(super) ix_last_contact: sled::Tree,
    /// Appointments by day: date, participant, appointment (kept with every appointment).
    pub(super) ix_appointment_date: sled::Tree,
    /// Participant data keys, wrapped by the master key, by key id.
    pub(super) key_tree: sled::Tree,
    /// Per participant, in time order: who opened or changed what (append-only).
    pub(super) access_log: sled::Tree,
    pub(super) consents: sled::Tree,
    /// Anonymous "erased on DATE by COACH" entries.
    pub(super) erasures: sled::Tree,
    /// The change log (see `changelog`): entries by sequence number.
    pub(super) changes: sled::Tree,
    /// Per record, its latest revision and the entry that wrote it.
    pub(super) change_heads: sled::Tree,
    /// One record per person per session (module, day, person): see `facts`.
    pub(super) attendance_marks: sled::Tree,
    /// One record per change of a person's status (person, time written, device): see `facts`.
    pub(super) status_changes: sled::Tree,
    /// Per shared record: the version the team's server holds, as far as this replica knows (see
    /// `merge`): keyed like `change_heads`.
    pub(super) sync_base: sled::Tree,
    /// Conflicts to review, by participant (zeros: none) and conflict id.
    pub(super) conflicts: sled::Tree,
    /// The team's devices and their coaches, by device.
    pub(super) members: sled::Tree,
    /// The one writer: commits take it, so they are one at a time.
    pub(super) writer: std::sync::Mutex<super::changelog::Writer>,
    /// Taken while the `keys` tree is rewritten (see [`Store::writing_keys`]).
    pub(super) key_writes: std::sync::Mutex<()>,
    /// Counts explicit flushes; see [`Store::flush`].
    pub(super) generation: std::sync::atomic::AtomicU64,
    /// Shared with the thread that reads the rest of the caseload after the first frame.
    pub(super) keys: std::sync::Arc<Keys>,
    /// The secrets of the key epochs, outside sled.
    pub(super) slots: super::keyslots::KeySlots,
    pub(super) path: Option<PathBuf>,
    /// The record of how far this caseload got, outside its data directory (see `highwater`);
    /// set when it is opened.
    pub(super) mark: std::sync::OnceLock<PathBuf>,
}

impl Store {
    /// A store that lives in memory only and vanishes when dropped (tests, benchmarks). It has a
    /// random master key and no passphrase.
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        Store::with_db(db, None, super::keyslots::KeySlots::in_memory(), Keys::new(Key::random()), None)
    }

    /// The store over `db`; its participant keys come from `reader` when they are being read
    /// already (see [`KeyReader`]).
    pub(super) fn with_db(
        db: sled::Db,
        path: Option<PathBuf>,
        slots: super::keyslots::KeySlots,
        keys: Keys,
        reader: Option<KeyReader>,
    ) -> Result<Store, StoreError> {
        // The first reads of a damaged data file can make sled panic: a damaged caseload.
        super::damage::catching(move || Store::with_db_unguarded(db, path, slots, keys, reader))
    }

    fn with_db_unguarded(
        db: sled::Db,
        path: Option<PathBuf>,
        slots: super::keyslots::KeySlots,
        keys: Keys,
        reader: Option<KeyReader>,
    ) -> Result<Store, StoreError> {
        let store = Store {
            meta: db.open_tree("meta")?,
            participants: db.open_tree("participants")?,
            ix_number: db.open_tree("ix_participant_number")?,
            drafts: db.open_tree("drafts")?,
            assessments: db.open_tree("assessments")?,
            goals: db.open_tree("goals")?,
            assessment_drafts: db.open_tree("assessment_drafts")?,
            modules: db.open_tree("modules")?,
            enrolments: db.open_tree("enrolments")?,
            attendance: db.open_tree("attendance")?,
            closures: db.open_tree("closures")?,
            contacts: db.open_tree("contacts")?,
            appointments: db.open_tree("appointments")?,
            trajectories: db.open_tree("trajectories")?,
            signals: db.open_tree("signals")?,
            referrals: db.open_tree("partner_referrals")?,
            ix_last_contact: db.open_tree("ix_last_contact")?,
            ix_appointment_date: db.open_tree("ix_appointment_date")?,
            key_tree: db.open_tree("keys")?,
            access_log: db.open_tree("access_log")?,
            consents: db.open_tree("consents")?,
            erasures: db.open_tree("erasures")?,
            changes: db.open_tree("changes")?,
            change_heads: db.open_tree("change_heads")?,
            attendance_marks: db.open_tree(Tree::AttendanceMarks.name())?,
            status_changes: db.open_tree(Tree::StatusChanges.name())?,
            sync_base: db.open_tree(Tree::SyncBase.name())?,
            conflicts: db.open_tree(Tree::Conflicts.name())?,
            members: db.open_tree(Tree::Members.name())?,
            writer: std::sync::Mutex::new(super::changelog::Writer::placeholder()),
            key_writes: std::sync::Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
            keys: std::sync::Arc::new(keys),
            slots,
            db,
            path,
            mark: std::sync::OnceLock::new(),
        };
        store.load_keys(reader)?;
        store.open_epochs()?;
        store.migrate()?;
        let writer = store.start_writer()?;
        *store.writer.lock().map_err(|_| StoreError::Backend("writer unusable".into()))? = writer;
        store.split_facts()?;
        store.resume_erasures()?;
        Ok(store)
    }

    /// The directory this store lives in (none for a temporary store).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn migrate(&self) -> Result<(), StoreError> {
        match self.meta.get(META_VERSION)? {
            None => {
                self.meta.insert(META_VERSION, &STORE_VERSION.to_be_bytes())?;
                self.flush()
            }
            Some(v) => {
                let found =
                    u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                        kind: "meta",
                        reason: "store version unreadable".into(),
                    })?);
                if found > STORE_VERSION {
                    return Err(StoreError::TooNew {
                        found: u16::try_from(found).unwrap_or(u16::MAX),
                        supported: STORE_VERSION as u16,
                    });
                }
                if found < 2 {
                    // (Only a store that is not unlocked through `LockedStore::unlock`, which
                    // rewrites it to version 3, e.g. a restore being cleaned up.)
                    self.chunk_participant_keys()?;
                    self.meta.insert(META_VERSION, &2u32.to_be_bytes())?;
                    self.flush()?;
                }
                Ok(())
            }
        }
    }

    /// Makes everything written so far durable on disk, then records how far the store got in
    /// a small file beside it, so that a data file that later turns up shorter (truncated,
    /// damaged, an old copy put back) is noticed on open instead of silently holding less.
    pub fn flush(&self) -> Result<(), StoreError> {
        let g = self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        self.meta.insert(META_GENERATION, &g.to_be_bytes())?;
        self.db.flush().map_err(StoreError::from)?;
        if let Some(dir) = &self.path {
            write_generation(dir, g)?;
            if let Some(mark) = self.mark.get() {
                super::highwater::write(mark, dir, g);
            }
        }
        Ok(())
    }

    // ---- participants -------------------------------------------------------------------

    /// Adds new participants in one transaction: each gets the next participant number, the
    /// number index is written with it, and the call returns after the data is on disk.
    pub fn add_participants(&self, new: Vec<Participant>) -> Result<Vec<Participant>, StoreError> {
        self.add_participants_ending_draft(new, None, None)
    }

    /// Adds the participant an intake form made and removes that form's draft (`draft_key`) in
    /// the same transaction: a crash leaves either the draft and no participant, or the
    /// participant and no draft, never both (resuming the draft would add the person twice).
    /// A consent the intake recorded (registration, given that day) is written in that same
    /// transaction; its access-log entry is the caller's (see [`Store::with_access`]).
    pub fn add_participant_from_draft(
        &self,
        p: Participant,
        draft_key: &str,
        consent: Option<&crate::domain::privacy::Consent>,
    ) -> Result<Participant, StoreError> {
        self.add_participants_ending_draft(vec![p], Some(draft_key), consent)?.pop().ok_or(StoreError::NotFound)
    }

    fn add_participants_ending_draft(
        &self,
        new: Vec<Participant>,
        draft_key: Option<&str>,
        consent: Option<&crate::domain::privacy::Consent>,
    ) -> Result<Vec<Participant>, StoreError> {
        if new.is_empty() {
            return Ok(new);
        }
        // Keys first (with whose caseload each person is in), so sealing needs no new key.
        self.ensure_tagged_keys(self.expected_tags(&new).into_iter().map(|(p, tag)| (p, Some(tag))))?;
        let mut batch = self.batch();
        let ids: Vec<ParticipantId> = new.iter().map(|p| p.id).collect();
        let numbers = self.take_numbers(&ids, &mut batch)?;
        let mut numbered = Vec::with_capacity(new.len());
        for (mut p, number) in new.into_iter().zip(numbers) {
            p.number = number;
            batch.put(p.id.as_bytes().to_vec(), &p)?;
            // A person waiting for a number (see `numbers`) is in the number index once numbered.
            if number != PENDING {
                batch.index_put(Tree::IxNumber, p.number.to_be_bytes().to_vec(), p.id.as_bytes().to_vec());
            }
            numbered.push(p);
        }
        if let Some(key) = draft_key {
            batch.end_draft(key);
        }
        if let Some(c) = consent {
            batch.put(Self::consent_key(c.participant, c.scope), c)?;
        }
        self.commit(batch)?;
        Ok(numbered)
    }

    /// Adds one new participant; see [`Store::add_participants`].
    pub fn add_participant(&self, p: Participant) -> Result<Participant, StoreError> {
        self.add_participants(vec![p])?.pop().ok_or(StoreError::NotFound)
    }

    /// Saves changes to an existing participant and returns after the data is on disk.
    pub fn update_participant(&self, p: &Participant) -> Result<(), StoreError> {
        self.update_participant_ending_draft(p, None)
    }

    /// Saves changes to an existing participant and removes the edit form's draft
    /// (`draft_key`, when given) in the same transaction (see [`Store::add_participant_from_draft`]).
    pub fn update_participant_ending_draft(&self, p: &Participant, draft_key: Option<&str>) -> Result<(), StoreError> {
        self.tag_coaches([p])?;
        let mut batch = self.batch();
        // The number index still naming this person under this number means the number is
        // unchanged (the common case: no record to open); otherwise the stored record tells
        // which number to take out of the index.
        let unchanged = self.ix_number.get(p.number.to_be_bytes())?.is_some_and(|id| id.as_ref() == p.id.as_bytes());
        if !unchanged {
            let old = self.participant(p.id)?.ok_or(StoreError::NotFound)?;
            if old.number != p.number {
                if old.number != PENDING {
                    batch.index_remove(Tree::IxNumber, old.number.to_be_bytes().to_vec());
                }
                if p.number != PENDING {
                    batch.index_put(Tree::IxNumber, p.number.to_be_bytes().to_vec(), p.id.as_bytes().to_vec());
                }
            }
        } else if !self.participants.contains_key(p.id.as_bytes())? {
            return Err(StoreError::NotFound);
        }
        batch.put(p.id.as_bytes().to_vec(), p)?;
        if let Some(k) = draft_key {
            batch.end_draft(k);
        }
        self.commit(batch)
    }

    pub fn participant(&self, id: ParticipantId) -> Result<Option<Participant>, StoreError> {
        self.participants.get(id.as_bytes())?.map(|v| self.unseal(&v, id.as_bytes())).transpose()
    }

    pub fn participant_by_number(&self, number: u32) -> Result<Participant, StoreError> {
        let id = self.ix_number.get(number.to_be_bytes())?.ok_or(StoreError::NoSuchNumber(number))?;
        let id: [u8; 16] = id
            .as_ref()
            .try_into()
            .map_err(|_| StoreError::Corrupt { kind: "participant number index", reason: "bad id".into() })?;
        self.participant(ParticipantId::from_bytes(id))?.ok_or(StoreError::NoSuchNumber(number))
    }

    /// Every participant, in storage order, read and decrypted on two threads (see
    /// [`Store::read_all`]).
    pub fn participants(&self) -> Result<Vec<Participant>, StoreError> {
        self.read_all(&self.participants)
    }

    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }

    /// Checks that the number index and the records agree; returns the problems in plain words.
    pub fn check_indexes(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut numbers = std::collections::HashMap::new();
        let people = self.participants()?;
        let stale = self.stale_coach_tags(&people)?;
        if stale > 0 {
            problems.push(format!(
                "{stale} coach tag(s) do not match the participant's coach or status (the UI puts them right at its next start)"
            ));
        }
        for p in people {
            // Waiting for a number: not in the index (see `numbers`).
            if p.number == PENDING {
                continue;
            }
            if let Some(other) = numbers.insert(p.number, p.id) {
                problems.push(format!("participant number {} is held by two people ({other} and {})", p.number, p.id));
            }
            match self.ix_number.get(p.number.to_be_bytes())? {
                Some(id) if id.as_ref() == p.id.as_bytes() => {}
                _ => problems.push(format!("participant {} is missing from the number index", p.number)),
            }
        }
        for item in self.ix_number.iter() {
            let (k, _) = item?;
            let n = u32::from_be_bytes(k.as_ref().try_into().unwrap_or([0; 4]));
            if !numbers.contains_key(&n) {
                problems.push(format!("number index points to participant {n}, which does not exist"));
            }
        }
        Ok(problems)
    }

    // ---- drafts -------------------------------------------------------------------------

    /// Keeps a half-filled form. Cheap enough to call on every keystroke: the write lands on
    /// disk within a fraction of a second (sled's background flush); call [`Store::flush`] to force it.
    pub fn save_draft(&self, key: &str, draft: &Draft) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.put(key.as_bytes().to_vec(), draft)?;
        batch.flush = false;
        self.commit(batch)
    }

    pub fn delete_draft(&self, key: &str) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.end_draft(key);
        self.commit(batch)
    }

    /// Every kept draft with its key, oldest key first.
    pub fn drafts(&self) -> Result<Vec<(String, Draft)>, StoreError> {
        let mut out = Vec::new();
        for item in self.drafts.iter() {
            let (k, v) = item?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let draft: Draft = self.unseal(&v, &k)?;
            out.push((key.clone(), draft.with_key(&key)));
        }
        Ok(out)
    }

    // ---- Positive Health and goals ------------------------------------------------------
    //
    // Keyed by participant id then record id, so one participant's records are one prefix scan.

    /// Saves an assessment (new or changed) and returns after it is on disk.
    pub fn save_assessment(&self, a: &Assessment) -> Result<(), StoreError> {
        self.put_one(child_key(a.participant.as_bytes(), a.id.0.as_bytes()), a)
    }

    /// A participant's assessments, oldest first.
    pub fn assessments_of(&self, p: ParticipantId) -> Result<Vec<Assessment>, StoreError> {
        let mut out: Vec<Assessment> = self.scan(&self.assessments, p.as_bytes())?;
        out.sort_by_key(|a| (a.date, a.created_at));
        Ok(out)
    }

    pub fn all_assessments(&self) -> Result<Vec<Assessment>, StoreError> {
        self.scan(&self.assessments, &[])
    }

    /// Saves many assessments and goals at once (demo data), then flushes.
    pub fn add_health_records(&self, assessments: &[Assessment], goals: &[Goal]) -> Result<(), StoreError> {
        self.put_records(assessments, |a| child_key(a.participant.as_bytes(), a.id.0.as_bytes()).to_vec())?;
        self.put_records(goals, |g| child_key(g.participant.as_bytes(), g.id.0.as_bytes()).to_vec())?;
        self.flush()
    }

    /// Saves a goal (new or changed) and returns after it is on disk.
    pub fn save_goal(&self, g: &Goal) -> Result<(), StoreError> {
        self.put_one(child_key(g.participant.as_bytes(), g.id.0.as_bytes()), g)
    }

    pub fn goals_of(&self, p: ParticipantId) -> Result<Vec<Goal>, StoreError> {
        self.scan(&self.goals, p.as_bytes())
    }

    pub fn all_goals(&self) -> Result<Vec<Goal>, StoreError> {
        self.scan(&self.goals, &[])
    }

    /// Keeps an unfinished assessment; lands on disk within a fraction of a second.
    pub fn save_assessment_draft(&self, d: &AssessmentDraft) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.put(d.assessment.participant.as_bytes().to_vec(), d)?;
        batch.flush = false;
        self.commit(batch)
    }

    pub fn assessment_draft(&self, p: ParticipantId) -> Result<Option<AssessmentDraft>, StoreError> {
        self.assessment_drafts.get(p.as_bytes())?.map(|v| self.unseal(&v, p.as_bytes())).transpose()
    }

    pub fn assessment_drafts(&self) -> Result<Vec<AssessmentDraft>, StoreError> {
        self.scan(&self.assessment_drafts, &[])
    }

    pub fn delete_assessment_draft(&self, p: ParticipantId) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.delete(Kind::AssessmentDraft, p.as_bytes().to_vec(), Some(p));
        self.commit(batch)
    }

    // ---- modules ---------------------------------------------------------------------------

    /// Saves a module (new or changed) and returns after it is on disk.
    pub fn save_module(&self, m: &Module) -> Result<(), StoreError> {
        self.put_one(m.id.0.as_bytes(), m)
    }

    /// Saves many modules at once (the default catalogue, demo data), then flushes.
    pub fn add_modules(&self, modules: &[Module]) -> Result<(), StoreError> {
        self.put_records(modules, |m| m.id.0.as_bytes().to_vec())?;
        self.flush()
    }

    pub fn modules(&self) -> Result<Vec<Module>, StoreError> {
        let mut out: Vec<Module> = self.scan(&self.modules, &[])?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn module_count(&self) -> usize {
        self.modules.len()
    }

    pub fn save_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        self.put_one(child_key(e.module.0.as_bytes(), e.id.0.as_bytes()), e)
    }

    pub fn enrolments(&self) -> Result<Vec<Enrolment>, StoreError> {
        self.scan(&self.enrolments, &[])
    }

    pub fn save_closure(&self, c: &Closure) -> Result<(), StoreError> {
        self.put_one(c.date.num_days_from_ce().to_be_bytes(), c)
    }

    pub fn delete_closure(&self, date: chrono::NaiveDate) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.delete(Kind::Closure, date.num_days_from_ce().to_be_bytes().to_vec(), None);
        self.commit(batch)
    }

    pub fn closures(&self) -> Result<Vec<Closure>, StoreError> {
        self.scan(&self.closures, &[])
    }

    // ---- settings -----------------------------------------------------------------------

    /// The caseload's settings (the defaults when none were saved). Settings that are not the
    /// ones last saved (an older value put back into the data file) are an error, never used.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.read_current(&self.meta, META_SETTINGS)?.unwrap_or_default())
    }

    pub fn save_settings(&self, s: &Settings) -> Result<(), StoreError> {
        self.put_one(META_SETTINGS, s)
    }

    /// Writes one record through a batch of its own and returns after it is on disk.
    pub(super) fn put_one<T: super::codec::Record>(&self, key: impl AsRef<[u8]>, value: &T) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.put(key.as_ref().to_vec(), value)?;
        self.commit(batch)
    }
}

/// Key of a record that belongs to a participant: the participant's id, then the record's.
pub(super) fn child_key(parent: &[u8; 16], child: &[u8; 16]) -> [u8; 32] {
    let mut k = [0; 32];
    k[..16].copy_from_slice(parent);
    k[16..].copy_from_slice(child);
    k
}

/// The file beside the store that remembers the last flushed generation.
pub(super) const GENERATION_FILE: &str = "saved-generation";

/// Writes the generation file: a fixed-width number written in place (one small write, no new
/// file), so it costs little on every save.
pub(super) fn write_generation(dir: &Path, g: u64) -> Result<(), StoreError> {
    use std::io::{Seek, Write};
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(dir.join(GENERATION_FILE)).map_err(io_error)?;
    f.seek(std::io::SeekFrom::Start(0)).map_err(io_error)?;
    f.write_all(format!("{g:020}\n").as_bytes()).map_err(io_error)
}

/// Creates the data directory (and its parents) readable by the owner only.
pub(super) fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let err = |e: std::io::Error| match io_error(e) {
        StoreError::Backend(reason) => StoreError::DataDir { path: dir.to_path_buf(), reason },
        other => other,
    };
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(err)?;
        // `mode` applies to every directory created; make sure the leaf is 0700 whatever the umask.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests;
