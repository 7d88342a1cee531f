//! The participant's rights in the UI: the access log, consent, erasure and the retention list.

use super::app::{App, Screen};
use super::consent_form;
use super::layers::Layer;
use super::screens::privacy::RetentionState;
use crate::domain::ParticipantId;
use crate::domain::privacy::{AccessAction, AccessEntry, ConsentRefused, ConsentScope, consent_step};
use crate::domain::validate::format_date;

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

    /// Saves the consent step of the form on top on the day typed; its access-log entry is
    /// written with it.
    pub(super) fn save_consent_form(&mut self, id: ParticipantId, scope: ConsentScope) {
        let Some(on) = self.read_form(consent_form::read_consent_day) else { return };
        let current = match self.store.consent(id, scope) {
            Ok(c) => c,
            Err(e) => return self.flash = Some((self.error_text(&e), true)),
        };
        let next = match consent_step(current.as_ref(), id, scope, on, &self.coach) {
            Ok(next) => next,
            Err(ConsentRefused::BeforeLastStep(last)) => {
                // At the field, as every other refused value is, and the day it may not precede.
                if let Screen::Form(f) = self.layers.top_screen_mut() {
                    f.form.set_error("date", crate::domain::validate::Invalid::BeforePreviousStep);
                    f.form.focus_on("date");
                }
                let msg = self.strings.fill("consent.before_last_step", &[("date", &format_date(last))]);
                return self.flash = Some((msg, true));
            }
        };
        let key = if next.is_active() { "privacy.consent_given" } else { "privacy.consent_withdrawn" };
        let res = self.store.save_consent(&next, (self.clock)());
        if res.is_ok() {
            let _ = self.store.delete_draft(&self.top_draft_key());
            self.pop();
            self.reload_privacy();
            let msg = self.strings.fill(key, &[("scope", self.strings.get(scope.key()))]);
            self.flash = Some((format!("{msg} ({})", format_date(on)), false));
        }
        self.report(res);
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
