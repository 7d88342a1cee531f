//! The participant's rights in the UI: the access log, consent, erasure and the retention list.

use super::app::{App, Screen};
use super::layers::Layer;
use super::screens::privacy::RetentionState;
use crate::domain::ParticipantId;
use crate::domain::privacy::{AccessAction, AccessEntry, Consent, ConsentScope};

impl App {
    /// Appends to a participant's access log; a failure is shown, never ignored.
    pub(super) fn log_access(&mut self, participant: ParticipantId, action: AccessAction) {
        let entry = AccessEntry { participant, at: (self.clock)(), coach: self.coach.clone(), action };
        if let Err(e) = self.store.log_access(&entry) {
            self.flash = Some((self.error_text(&e), true));
        }
    }

    /// The access-log entry of a change this coach makes now (none for a change that changed
    /// nothing), to be written with that change through `Store::with_access`: a crash never
    /// keeps the change without its entry.
    pub(super) fn access_for(&self, participant: ParticipantId, action: AccessAction) -> Vec<AccessEntry> {
        if matches!(&action, AccessAction::Changed(f) if f.is_empty()) {
            return Vec::new();
        }
        vec![AccessEntry { participant, at: (self.clock)(), coach: self.coach.clone(), action }]
    }

    /// Reloads the consent and the access log shown on the open participant screen.
    /// Reads the consents and the access log again for every participant screen open (also one
    /// under a form just saved): the privacy tab shows a step right after it is taken.
    pub(super) fn reload_privacy(&mut self) {
        let ids = self.open_participants();
        for id in ids {
            let loaded = self.store.consents_of(id).and_then(|c| Ok((c, self.store.access_log_of(id)?)));
            match loaded {
                Ok((consents, log)) => {
                    for s in self.layers.screens_mut() {
                        if let Screen::Participant(p) = s
                            && p.id == id
                        {
                            p.consents = consents.clone();
                            p.log = log.clone();
                        }
                    }
                }
                Err(e) => self.flash = Some((self.error_text(&e), true)),
            }
        }
    }

    pub(super) fn toggle_consent(&mut self) -> bool {
        let Screen::Participant(s) = self.screen() else { return false };
        let (id, scope) = (s.id, ConsentScope::ALL[s.selected_scope.min(ConsentScope::ALL.len() - 1)]);
        let today = self.today;
        let current = s.consents.iter().find(|c| c.scope == scope).cloned();
        let next = match current {
            Some(c) if c.is_active() => Consent { withdrawn_on: Some(today), coach: self.coach.clone(), ..c },
            _ => Consent { participant: id, scope, given_on: today, withdrawn_on: None, coach: self.coach.clone() },
        };
        let key = if next.is_active() { "privacy.consent_given" } else { "privacy.consent_withdrawn" };
        match self.store.save_consent(&next, (self.clock)()) {
            Ok(()) => {
                let msg = self.strings.fill(key, &[("scope", self.strings.get(scope.key()))]);
                self.flash = Some((msg, false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.reload_privacy();
        true
    }

    pub(super) fn erase(&mut self, id: ParticipantId) {
        let name = self.caseload.by_id(id).map(|p| p.listed_name()).unwrap_or_default();
        match self.store.erase(id, &self.coach, self.today) {
            Ok(report) => {
                self.caseload.remove(id);
                self.layers.retain(|l| !matches!(l, Layer::Screen(Screen::Participant(p)) if p.id == id));
                for s in self.layers.screens_mut() {
                    if let Screen::Retention(r) = s {
                        r.rows.retain(|row| row.id != id);
                        r.move_by(0);
                    }
                }
                if let Some(m) = self.contact_summaries.as_mut() {
                    m.remove(&id);
                }
                match super::modules_data::ModuleData::load(&self.store) {
                    Ok(m) => self.modules = m,
                    Err(e) => self.flash = Some((self.error_text(&e), true)),
                }
                self.refresh_screens();
                let mut msg = self.strings.fill("erase.done", &[("name", &name), ("n", &report.records.to_string())]);
                if !report.unreachable_backups.is_empty() {
                    msg.push(' ');
                    msg.push_str(
                        &self.strings.fill("erase.unreachable", &[("files", &report.unreachable_backups.join(", "))]),
                    );
                }
                if !report.other_caseload_backups.is_empty() {
                    msg.push(' ');
                    msg.push_str(
                        &self
                            .strings
                            .fill("erase.other_caseload", &[("files", &report.other_caseload_backups.join(", "))]),
                    );
                }
                self.flash = Some((msg, false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    pub(super) fn open_retention(&mut self) -> bool {
        // Settings that cannot be trusted (damaged, an older copy put back) are not replaced by
        // the default period: the coach reads why.
        let months = match self.store.settings() {
            Ok(s) => s.retention_months(),
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return true;
            }
        };
        match self.store.trajectories() {
            Ok(ts) => {
                let state = RetentionState::new(&ts, &self.caseload, u32::from(months), self.today);
                self.push_screen(Screen::Retention(state));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        true
    }
}
