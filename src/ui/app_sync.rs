//! The team sync seen from the screen: started with the app, woken after a save, its rounds
//! shown in the header, and what came in read into the screens.

use std::time::Duration;

use super::app::{App, Screen};
use crate::domain::privacy::{AccessAction, FieldChange};
use crate::sync::background::{Background, Failure, State};

/// How often a running meedoen syncs when nothing is saved (`MEEDOEN_SYNC_SECONDS` overrides).
const EVERY: Duration = Duration::from_secs(3);

impl App {
    /// The store back from the app (tests reopening it): the sync, if any, is stopped first.
    pub fn into_store(mut self) -> crate::store::Store {
        self.sync = None;
        let App { mut store, .. } = self;
        loop {
            match std::sync::Arc::try_unwrap(store) {
                Ok(s) => return s,
                // The sync thread ends after the round it is in.
                Err(shared) => {
                    store = shared;
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    /// Starts the team sync if this caseload is part of a team.
    pub fn start_sync(&mut self) {
        let every = std::env::var("MEEDOEN_SYNC_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0 && *s < 3600.0)
            .map_or(EVERY, Duration::from_secs_f64);
        self.synced_log_end = self.store.log_end().unwrap_or(0);
        // A team link that does not read is said in the header, not passed over in silence.
        match self.store.team() {
            Err(e) => {
                self.sync_state = Some(State::Failed(Failure::Storage(self.error_text(&e))));
                return;
            }
            // In a team the coach is who the account is (the name the invite gave): that is
            // what the access log records, whatever name was typed at start.
            Ok(Some(link)) if !link.coach.is_empty() => {
                if self.coach != link.coach {
                    self.coach = link.coach.clone();
                    self.compute_start();
                }
                let res = self.store.set_member(&link.coach);
                self.report(res);
            }
            // The team learns who works here (a conflict names who changed what).
            Ok(Some(_)) if !self.coach.trim().is_empty() => {
                let res = self.store.set_member(self.coach.trim());
                self.report(res);
            }
            Ok(_) => {}
        }
        self.sync = Background::start(std::sync::Arc::clone(&self.store), every);
    }

    /// Once a second: a save since the last look wakes the sync; finished rounds are shown and
    /// what they brought is read into the screens. Returns whether to redraw.
    pub(super) fn serve_sync(&mut self) -> bool {
        let Some(sync) = &self.sync else { return false };
        let end = self.store.log_end().unwrap_or(0);
        if end != self.synced_log_end {
            self.synced_log_end = end;
            sync.wake();
        }
        let rounds = sync.finished();
        let Some(last) = rounds.last() else { return false };
        let received: usize = rounds.iter().map(|r| r.received).sum();
        self.sync_state = Some(last.state.clone());
        let refused: Vec<&String> = rounds.iter().flat_map(|r| &r.refused).collect();
        if !refused.is_empty() {
            let why = refused.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ");
            self.flash = Some((self.strings.fill("header.sync_refused", &[("why", &why)]), true));
        }
        if received > 0 {
            self.reload_after_sync();
        }
        true
    }

    /// What the team changed is read into every screen, as after a save.
    fn reload_after_sync(&mut self) {
        match super::caseload::Caseload::load(&self.store) {
            Ok(c) => self.caseload = c,
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.contact_summaries = None;
        let before = self.modules.clone();
        self.reload_modules();
        self.tell_places_lost(&before);
        self.reload_day();
        self.reload_privacy();
        self.reload_conflicts();
        self.refresh_screens();
    }

    /// Tells the coach whose participant lost a module place to an earlier enrolment that came
    /// in from a colleague (seating is first come, first served over the whole team).
    fn tell_places_lost(&mut self, before: &super::modules_data::ModuleData) {
        let lost: Vec<String> = self
            .modules
            .places_lost(before, self.today)
            .into_iter()
            .filter_map(|(e, m)| {
                let p = self.caseload.own_by_id(Some(self.coach.as_str()), e.participant)?;
                Some(self.strings.fill("sync.place_lost", &[("name", &p.listed_name()), ("module", &m.name)]))
            })
            .collect();
        if !lost.is_empty() {
            self.flash = Some((lost.join(" "), true));
        }
    }

    /// The header's few words on the sync ("bijgewerkt 09:41"); empty outside a team.
    pub fn sync_label(&self) -> String {
        let s = &self.strings;
        match &self.sync_state {
            None if self.sync.is_some() => s.get("header.sync_starting").to_string(),
            None => String::new(),
            Some(State::Updated { at, held: 0 }) => {
                s.fill("header.sync_updated", &[("time", &at.format("%H:%M").to_string())])
            }
            Some(State::Updated { at, held }) => {
                s.fill("header.sync_held", &[("time", &at.format("%H:%M").to_string()), ("n", &held.to_string())])
            }
            Some(State::Filling { people: true, .. }) => s.get("header.sync_people").to_string(),
            Some(State::Filling { at, head, .. }) => {
                let pct = (at.max(&0) * 100).checked_div(*head).unwrap_or(0).min(99);
                s.fill("header.sync_filling", &[("pct", &pct.to_string())])
            }
            Some(State::Offline { waiting: 0 }) => s.get("header.sync_offline").to_string(),
            Some(State::Offline { waiting }) => s.fill("header.sync_waiting", &[("n", &waiting.to_string())]),
            Some(State::Failed(why)) => {
                let why = match why {
                    Failure::NotAllowed => s.get("header.sync_not_allowed").to_string(),
                    Failure::Untrusted => s.get("header.sync_untrusted").to_string(),
                    Failure::Storage(w) | Failure::Other(w) => w.clone(),
                };
                s.fill("header.sync_failed", &[("why", &why)])
            }
        }
    }
}

impl App {
    /// Opens the conflicts to review (the start screen's `c`).
    pub(super) fn open_conflicts(&mut self) {
        match self.store.conflicts().and_then(|c| Ok((c, self.store.members()?))) {
            Ok((rows, members)) => {
                let state = super::screens::conflicts::ConflictsState::new(rows, members);
                self.push_screen(Screen::Conflicts(state));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// The conflicts screen, if open, reads the conflicts again (settled here or by a colleague).
    pub(super) fn reload_conflicts(&mut self) {
        if !self.layers.screens_mut().any(|s| matches!(s, Screen::Conflicts(_))) {
            return;
        }
        match self.store.conflicts().and_then(|c| Ok((c, self.store.members()?))) {
            Ok((rows, members)) => {
                for s in self.layers.screens_mut() {
                    if let Screen::Conflicts(c) = s {
                        c.replace(rows.clone(), members.clone());
                    }
                }
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Settles a conflict: the other value put in place (`take_other`) or the kept one
    /// confirmed. A person's file changed this way gets an access-log entry with the change.
    pub(super) fn resolve_conflict(&mut self, id: [u8; 16], take_other: bool) {
        let Some(conflict) = self.store.conflicts().ok().and_then(|all| all.into_iter().find(|c| c.id == id)) else {
            self.flash = Some((self.strings.get("conflicts.gone").to_string(), true));
            return;
        };
        let access = match conflict.participant {
            Some(p) if take_other => {
                let show = |f: &crate::domain::conflict::FieldConflict, json: &str| {
                    if f.field.is_empty() || json.is_empty() {
                        String::new()
                    } else {
                        crate::domain::conflict::show_value(&f.field, json)
                    }
                };
                let fields = conflict
                    .fields
                    .iter()
                    .map(|f| FieldChange {
                        field: f.field.rsplit('.').next().unwrap_or(&f.field).to_string(),
                        old: show(f, &f.kept),
                        new: show(f, &f.other),
                    })
                    .collect();
                self.access_for(p, AccessAction::Changed(fields))
            }
            _ => Vec::new(),
        };
        let coach = self.coach.clone();
        match self.store.with_access(access, |s| s.resolve_conflict(id, take_other, &coach)) {
            Ok(()) => {
                let key = if take_other { "conflicts.done_other" } else { "conflicts.done_kept" };
                self.flash = Some((self.strings.get(key).to_string(), false));
                self.reload_after_sync();
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }
}
