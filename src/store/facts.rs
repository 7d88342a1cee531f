//! One record per fact: attendance marks and status changes.
//!
//! A session's attendance is stored as one [`AttendanceMark`] per person (keyed by module id,
//! day, person id), a trajectory as its head ([`TrajectoryHead`], keyed by person id) and one
//! [`StatusEntry`] per status change (keyed by person id, the hybrid logical time it was written
//! and random bytes). Two coaches marking different people at one session, or changing a status on
//! two devices, write different records. Reads assemble the domain's views ([`Attendance`],
//! [`Trajectory`]); writes put only what changed: the marks that differ (a removed mark is a
//! delete, a tombstone in the change log) and the status changes not stored yet.
//!
//! Stores written before this (one attendance record per session holding every mark, a
//! trajectory record holding its history) are rewritten at their first opening, in one commit
//! ([`Store::split_facts`]); until then, and in old backups, the old shapes read as before.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::StoreError;
use super::codec::Kind;
use super::hlc::Hlc;
use super::records::{AttendanceMark, StatusEntry, TrajectoryHead};
use super::registry::Tree;
use super::repo::Store;
use crate::domain::module::{Attendance, Enrolment, Mark, ModuleId};
use crate::domain::trajectory::{StatusChange, Trajectory};
use crate::domain::{Participant, ParticipantId};

/// Present in `meta` once the records of a store are one per fact (set with the split).
pub(super) const META_FACTS: &[u8] = b"one_record_per_fact";

/// Key of a session's records: the module's id, then the day number (big endian: date order).
fn session_key(module: ModuleId, date: NaiveDate) -> [u8; 20] {
    let mut k = [0; 20];
    k[..16].copy_from_slice(module.0.as_bytes());
    k[16..].copy_from_slice(&date.num_days_from_ce().to_be_bytes());
    k
}

/// Key of one person's mark at a session: the session's key, then the person's id.
fn mark_key(module: ModuleId, date: NaiveDate, p: ParticipantId) -> [u8; 36] {
    let mut k = [0; 36];
    k[..20].copy_from_slice(&session_key(module, date));
    k[20..].copy_from_slice(p.as_bytes());
    k
}

/// Random bytes after a status change's time in its key: two devices (or two copies of one data
/// directory, which share a device id and may share a clock reading) never write the same key.
const STAMP_RANDOM: usize = 8;

/// A status change's stamp: when it was written on this device, then random bytes.
type Stamp = [u8; Hlc::LEN + STAMP_RANDOM];

/// Key of a status change: the person's id, then its stamp.
fn status_key(p: ParticipantId, stamp: &Stamp) -> Vec<u8> {
    let mut k = Vec::with_capacity(16 + stamp.len());
    k.extend_from_slice(p.as_bytes());
    k.extend_from_slice(stamp);
    k
}

/// Gathers marks (in key order: by session, then person) into one [`Attendance`] per session.
fn sessions_of(marks: Vec<AttendanceMark>) -> Vec<Attendance> {
    let mut out: Vec<Attendance> = Vec::new();
    for m in marks {
        match out.last_mut() {
            Some(a) if a.module == m.module && a.date == m.date => a.marks.push((m.participant, m.mark)),
            _ => out.push(Attendance { module: m.module, date: m.date, marks: vec![(m.participant, m.mark)] }),
        }
    }
    out
}

/// The changes of `wanted` that `stored` does not hold (each stored change matches one wanted
/// change at most), in the order of `wanted`.
fn not_stored<'a>(stored: &[StatusChange], wanted: &'a [StatusChange]) -> Vec<&'a StatusChange> {
    let mut unmatched: Vec<&StatusChange> = stored.iter().collect();
    wanted
        .iter()
        .filter(|c| match unmatched.iter().position(|s| s == c) {
            Some(i) => {
                unmatched.swap_remove(i);
                false
            }
            None => true,
        })
        .collect()
}

impl Store {
    // ---- attendance -------------------------------------------------------------------------

    /// Makes the stored marks of `a`'s session those of `a`: writes the marks that differ from
    /// the stored ones and deletes the stored marks `a` does not hold, in one commit; returns
    /// after it is on disk. See [`Store::save_marks`] to write only what a coach changed.
    pub fn save_attendance(&self, a: &Attendance) -> Result<(), StoreError> {
        let stored = self.session_marks(a.module, a.date)?;
        self.save_marks(&stored, a)
    }

    /// Writes what changed from `before` (the marks the coach saw) to `after`: a mark set or
    /// changed is written, a mark taken away deleted; the marks of anyone else (marked meanwhile
    /// on another device or screen) are left alone. One commit; returns after it is on disk.
    pub fn save_marks(&self, before: &[(ParticipantId, Mark)], after: &Attendance) -> Result<(), StoreError> {
        let was: HashMap<ParticipantId, Mark> = before.iter().copied().collect();
        let now: BTreeMap<ParticipantId, Mark> = after.marks.iter().copied().collect();
        let mut batch = self.batch();
        for (&p, &mark) in &now {
            if was.get(&p) != Some(&mark) {
                let m = AttendanceMark { module: after.module, date: after.date, participant: p, mark };
                batch.put(mark_key(after.module, after.date, p).to_vec(), &m)?;
            }
        }
        let mut gone: Vec<ParticipantId> = was.keys().filter(|p| !now.contains_key(p)).copied().collect();
        gone.sort();
        for p in gone {
            batch.delete(Kind::AttendanceMark, mark_key(after.module, after.date, p).to_vec(), Some(p));
        }
        self.commit(batch)
    }

    /// The stored marks of one session.
    pub fn session_marks(&self, module: ModuleId, date: NaiveDate) -> Result<Vec<(ParticipantId, Mark)>, StoreError> {
        let key = session_key(module, date);
        let mut out: BTreeMap<ParticipantId, Mark> = BTreeMap::new();
        if let Some(v) = self.attendance.get(key)? {
            out.extend(self.unseal::<Attendance>(&v, &key)?.marks);
        }
        let marks: Vec<AttendanceMark> = self.scan(&self.attendance_marks, &key)?;
        out.extend(marks.into_iter().map(|m| (m.participant, m.mark)));
        Ok(out.into_iter().collect())
    }

    /// Every session with marks, in key order (module id, then day), each session's marks by
    /// person id.
    pub fn attendance(&self) -> Result<Vec<Attendance>, StoreError> {
        // Iterated and decoded on both cores (sled's iteration is most of the work of a mark).
        let marks = sessions_of(self.read_all(&self.attendance_marks)?);
        let legacy: Vec<Attendance> = self.scan(&self.attendance, &[])?;
        if legacy.is_empty() {
            return Ok(marks);
        }
        // Not split yet: the lists of before, with any mark written since over them.
        let mut all: BTreeMap<[u8; 20], BTreeMap<ParticipantId, Mark>> = BTreeMap::new();
        for a in legacy.into_iter().chain(marks) {
            all.entry(session_key(a.module, a.date)).or_default().extend(a.marks);
        }
        let mut out = Vec::with_capacity(all.len());
        for (k, marks) in all {
            let module = ModuleId(uuid::Uuid::from_slice(&k[..16]).map_err(|_| bad_key("attendance"))?);
            let day = i32::from_be_bytes(k[16..].try_into().map_err(|_| bad_key("attendance"))?);
            let date = NaiveDate::from_num_days_from_ce_opt(day).ok_or_else(|| bad_key("attendance"))?;
            out.push(Attendance { module, date, marks: marks.into_iter().collect() });
        }
        Ok(out)
    }

    /// Many enrolments and sessions' marks at once (demo data), then a flush.
    pub fn add_module_records(&self, enrolments: &[Enrolment], attendance: &[Attendance]) -> Result<(), StoreError> {
        self.put_records(enrolments, |e| super::repo::child_key(e.module.0.as_bytes(), e.id.0.as_bytes()).to_vec())?;
        let marks = attendance.iter().flat_map(|a| {
            a.marks.iter().map(|&(participant, mark)| AttendanceMark {
                module: a.module,
                date: a.date,
                participant,
                mark,
            })
        });
        self.in_chunks(marks, |batch, m| batch.put(mark_key(m.module, m.date, m.participant).to_vec(), &m))?;
        self.flush()
    }

    // ---- trajectories -----------------------------------------------------------------------

    /// One person's trajectory: its head and its status changes in the order they were written.
    pub fn trajectory(&self, p: ParticipantId) -> Result<Option<Trajectory>, StoreError> {
        let head: Option<TrajectoryHead> =
            self.trajectories.get(p.as_bytes())?.map(|v| self.unseal(&v, p.as_bytes())).transpose()?;
        let changes: Vec<StatusEntry> = self.scan(&self.status_changes, p.as_bytes())?;
        if head.is_none() && changes.is_empty() {
            return Ok(None);
        }
        let head = head.unwrap_or_else(|| TrajectoryHead::missing(p));
        Ok(Some(head.with_history(changes.into_iter().map(|e| e.change))))
    }

    /// Every trajectory (in the order of their people's ids).
    pub fn trajectories(&self) -> Result<Vec<Trajectory>, StoreError> {
        let heads: Vec<TrajectoryHead> = self.scan(&self.trajectories, &[])?;
        let mut changes: HashMap<ParticipantId, Vec<StatusChange>> = HashMap::new();
        for e in self.scan::<StatusEntry>(&self.status_changes, &[])? {
            changes.entry(e.participant).or_default().push(e.change);
        }
        let mut out: Vec<Trajectory> = heads
            .into_iter()
            .map(|h| {
                let history = changes.remove(&h.participant).unwrap_or_default();
                h.with_history(history)
            })
            .collect();
        let mut headless: Vec<_> = changes.into_iter().collect();
        headless.sort_by_key(|(p, _)| *p);
        out.extend(headless.into_iter().map(|(p, h)| TrajectoryHead::missing(p).with_history(h)));
        Ok(out)
    }

    /// Saves a change of status: the participant, the trajectory's head when it changed and
    /// each status change of `t` not stored yet (appended: the stored ones are never rewritten,
    /// nor taken away when `t` lacks one written meanwhile elsewhere), in one transaction, then
    /// flushes.
    pub fn save_status_change(&self, p: &Participant, t: &Trajectory) -> Result<(), StoreError> {
        self.tag_coaches([p])?;
        let key = t.participant.as_bytes();
        let stored_head: Option<TrajectoryHead> =
            self.trajectories.get(key)?.map(|v| self.unseal(&v, key)).transpose()?;
        let stored = match self.trajectory(t.participant)? {
            Some(s) => s.history,
            None => Vec::new(),
        };
        // A head of before the split still holds its history: it goes into records with the new head.
        let legacy = stored_head.as_ref().map(|h| h.legacy_history.clone()).unwrap_or_default();
        let new = not_stored(&stored, &t.history);
        let head = TrajectoryHead::of(t);
        let mut batch = self.batch();
        batch.put(p.id.as_bytes().to_vec(), p)?;
        if stored_head.as_ref() != Some(&head) {
            batch.put(key.to_vec(), &head)?;
        }
        let stamps = self.stamps(legacy.len() + new.len())?;
        for (change, stamp) in legacy.iter().chain(new).zip(&stamps) {
            let entry = StatusEntry { participant: t.participant, change: change.clone() };
            batch.put(status_key(t.participant, stamp), &entry)?;
        }
        self.commit(batch)
    }

    /// Many trajectories at once (demo data): heads and status changes; the caller flushes.
    pub(super) fn add_trajectories(&self, trajectories: &[Trajectory]) -> Result<(), StoreError> {
        self.put_records(&trajectories.iter().map(TrajectoryHead::of).collect::<Vec<_>>(), |h| {
            h.participant.as_bytes().to_vec()
        })?;
        let n = trajectories.iter().map(|t| t.history.len()).sum();
        let stamps = self.stamps(n)?;
        let entries = trajectories
            .iter()
            .flat_map(|t| t.history.iter().map(|c| StatusEntry { participant: t.participant, change: c.clone() }))
            .zip(&stamps);
        self.in_chunks(entries, |batch, (e, stamp)| batch.put(status_key(e.participant, stamp), &e))
    }

    /// `n` stamps for new status changes, in order: the next times of this device's hybrid
    /// logical clock (later than every entry it wrote), each followed by random bytes.
    fn stamps(&self, n: usize) -> Result<Vec<Stamp>, StoreError> {
        let mut w = self.writer.lock().map_err(|_| StoreError::Backend("the store's writer is unusable".into()))?;
        let now = (w.clock)();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            w.hlc = w.hlc.tick(now);
            let mut s = [0u8; Hlc::LEN + STAMP_RANDOM];
            s[..Hlc::LEN].copy_from_slice(&w.hlc.to_bytes());
            s[Hlc::LEN..].copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..STAMP_RANDOM]);
            out.push(s);
        }
        Ok(out)
    }

    // ---- the split of old stores ----------------------------------------------------------

    /// Rewrites a store of before one record per fact: every attendance list into one mark per
    /// person, every trajectory's history into status changes (its head rewritten without it),
    /// in ONE commit through the write path (so the change log has the new records and the old
    /// lists' tombstones), which also marks the store as split. A stop before it leaves the old
    /// shapes, which read; after it, the new ones. Marks of someone with neither a record nor a
    /// key (a remnant of an erasure, as a restore would drop) are not carried over. A damaged
    /// record is left as it is (its reads and `check` report it, as before) and the store is
    /// not marked split, so the next opening tries it again.
    pub(super) fn split_facts(&self) -> Result<(), StoreError> {
        if self.meta.contains_key(META_FACTS)? {
            return Ok(());
        }
        let mut batch = self.batch();
        let mut damaged = false;
        for item in self.attendance.iter() {
            let (k, v) = item?;
            let a: Attendance = match self.unseal(&v, &k) {
                Err(StoreError::Corrupt { .. }) => {
                    damaged = true;
                    continue;
                }
                read => read?,
            };
            let marks: BTreeMap<ParticipantId, Mark> = a.marks.into_iter().collect();
            for (p, mark) in marks {
                if self.keys.id_of(p)?.is_none() && !self.participants.contains_key(p.as_bytes())? {
                    continue;
                }
                let m = AttendanceMark { module: a.module, date: a.date, participant: p, mark };
                batch.put(mark_key(a.module, a.date, p).to_vec(), &m)?;
            }
            batch.delete(Kind::Attendance, k.to_vec(), None);
        }
        let mut histories = Vec::new();
        for item in self.trajectories.iter() {
            let (k, v) = item?;
            let head = match super::codec::header(&v) {
                Ok(h) if h.schema >= 3 => continue,
                Ok(_) => self.unseal::<TrajectoryHead>(&v, &k),
                Err(e) => Err(e),
            };
            let mut head = match head {
                Err(StoreError::Corrupt { .. }) => {
                    damaged = true;
                    continue;
                }
                read => read?,
            };
            histories.push((head.participant, std::mem::take(&mut head.legacy_history)));
            batch.put(k.to_vec(), &head)?;
        }
        let stamps = self.stamps(histories.iter().map(|(_, h)| h.len()).sum())?;
        let entries = histories.into_iter().flat_map(|(p, h)| h.into_iter().map(move |c| (p, c)));
        for ((participant, change), stamp) in entries.zip(&stamps) {
            batch.put(status_key(participant, stamp), &StatusEntry { participant, change })?;
        }
        if batch.is_empty() && !damaged {
            // Nothing to split (a new store): the mark goes with the next flush; lost, it is
            // only looked for again.
            self.meta.insert(META_FACTS, &[1u8][..])?;
            return Ok(());
        }
        if !damaged {
            batch.index_put(Tree::Meta, META_FACTS.to_vec(), vec![1u8]);
        }
        self.commit(batch)
    }
}

fn bad_key(kind: &'static str) -> StoreError {
    StoreError::Corrupt { kind, reason: "bad storage key".into() }
}

#[cfg(test)]
mod tests;
