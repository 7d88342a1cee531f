//! The executor's side of correcting a saved Positive Health conversation and of withdrawing
//! one saved by mistake: each is written as a newer version of the same conversation (its id
//! and date stay) with the change kept in its history, and with an access-log entry in the same
//! commit. Nothing is overwritten silently and nothing is deleted.

use super::app::{App, Screen};
use super::screens::assessment::AssessmentState;
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::health::correction::Refused;
use crate::domain::health::{Assessment, AssessmentId, Correction, counted};
use crate::domain::privacy::AccessAction;
use crate::store::{AssessmentDraft, StoreError};

/// The conversations of a person that count, before the one at `index` (or all): the last of
/// them is drawn dotted on the summary's web.
fn previous_of(all: &[Assessment], index: Option<usize>) -> Option<Assessment> {
    let before = match index {
        Some(i) => all.get(..i).unwrap_or_default(),
        None => all,
    };
    counted(before).last().cloned()
}

impl App {
    /// The conversation screen for a draft: the correction of a saved conversation when the
    /// draft's conversation is saved already, else a new conversation going on.
    pub(super) fn assessment_from_draft(
        &self,
        d: AssessmentDraft,
        name: String,
    ) -> Result<AssessmentState, StoreError> {
        let all = self.store.assessments_of(d.assessment.participant)?;
        let index = all.iter().position(|a| a.id == d.assessment.id);
        let saved = index.and_then(|i| all.get(i)).cloned();
        Ok(AssessmentState::from_draft(d, name, previous_of(&all, index), saved))
    }

    /// Opens the saved conversation `id` to correct it, or goes on with its unfinished
    /// correction. An unfinished conversation of the same person (kept as the one draft a
    /// person has) is finished or thrown away first.
    pub(super) fn correct_assessment(&mut self, p: ParticipantId, id: AssessmentId) {
        let found = self.store.assessments_of(p).and_then(|all| self.store.assessment_draft(p).map(|d| (all, d)));
        let (all, draft) = match found {
            Ok(x) => x,
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return;
            }
        };
        let Some(index) = all.iter().position(|a| a.id == id) else {
            self.flash = Some((self.strings.get("health.not_found").to_string(), true));
            return;
        };
        let Some(saved) = all.get(index).cloned() else { return };
        if saved.is_withdrawn() {
            self.flash = Some((self.strings.get("health.withdrawn_not_corrected").to_string(), true));
            return;
        }
        let name = self.caseload.by_id(p).map(|x| x.listed_name()).unwrap_or_default();
        let previous = previous_of(&all, Some(index));
        let state = match draft {
            Some(d) if d.assessment.id == id => {
                self.flash = Some((self.strings.get("health.resumed_correction").to_string(), false));
                AssessmentState::from_draft(d, name, previous, Some(saved))
            }
            Some(_) => {
                self.flash = Some((self.strings.get("health.draft_first").to_string(), true));
                return;
            }
            None => AssessmentState::correcting(saved, name, previous),
        };
        self.push_screen(Screen::Assessment(Box::new(state)));
    }

    /// Saves the correction on top: what the coach changed is put onto the conversation as it
    /// is stored now (a colleague's change that came in meanwhile stays) and kept in its
    /// history with the reason; the access log says who corrected it.
    pub(super) fn save_correction(&mut self, then_goal: bool, reason: String) {
        let (today, now) = (self.today, (self.clock)());
        let Screen::Assessment(s) = self.layers.top_screen() else {
            return;
        };
        let Some(saved) = s.saved.as_ref() else {
            return;
        };
        let (p, id, changes) = (saved.participant, saved.id, s.changes());
        let Some(mut a) = self.saved_assessment(p, id) else { return };
        a.correct(Correction { on: today, at: now, coach: self.coach.clone(), reason, changes });
        let access = self.access_for(p, AccessAction::Recorded("assessment_corrected".into()));
        match self.store.with_access(access, |s| s.save_assessment(&a)) {
            Ok(()) => self.after_saving(&a, then_goal, "health.corrected"),
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// The saved conversation `id` of participant `p` as stored now; `None` (and the coach told
    /// why) when it is gone or cannot be read.
    fn saved_assessment(&mut self, p: ParticipantId, id: AssessmentId) -> Option<crate::domain::health::Assessment> {
        match self.store.assessments_of(p).map(|all| all.into_iter().find(|a| a.id == id)) {
            Ok(Some(a)) => Some(a),
            Ok(None) => {
                self.flash = Some((self.strings.get("health.not_found").to_string(), true));
                None
            }
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                None
            }
        }
    }

    /// Withdraws a saved conversation (saved by mistake), or takes its withdrawal back
    /// (`restore`), with the reason: kept in its history and in the access log.
    pub(super) fn withdraw_assessment(&mut self, p: ParticipantId, id: AssessmentId, reason: &str, restore: bool) {
        let (today, now) = (self.today, (self.clock)());
        let Some(mut a) = self.saved_assessment(p, id) else { return };
        let done = if restore {
            a.restore(today, now, &self.coach, reason)
        } else {
            a.withdraw(today, now, &self.coach, reason)
        };
        let refused = match done {
            Ok(()) => None,
            Err(Refused::AlreadyWithdrawn) => Some("health.already_withdrawn"),
            Err(Refused::NotWithdrawn) => Some("health.not_withdrawn"),
            Err(Refused::NoReason) => Some("health.reason_needed"),
        };
        if let Some(key) = refused {
            self.flash = Some((self.strings.get(key).to_string(), true));
            return;
        }
        let (code, message) = if restore {
            ("assessment_restored", "health.restored")
        } else {
            ("assessment_withdrawn", "health.withdrawn")
        };
        let access = self.access_for(p, AccessAction::Recorded(code.into()));
        match self.store.with_access(access, |s| s.save_assessment(&a)) {
            Ok(()) => {
                self.reload_participant(p);
                if let Screen::Participant(s) = self.layers.top_screen_mut() {
                    s.show_tab(Tab::PositiveHealth);
                    s.select_assessment(id);
                }
                let date = crate::domain::validate::format_date(a.date);
                self.flash = Some((self.strings.fill(message, &[("date", &date)]), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }
}
