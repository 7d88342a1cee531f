//! The App's forms for participants (intake and edit), and keeping and discarding the draft of
//! the form on screen.

use crate::domain::privacy::{AccessAction, Consent, ConsentScope};

use super::app::{App, Screen};
use super::participant_form;
use crate::domain::form_kind::FormKind;
use crate::domain::{Participant, ParticipantId};
use crate::store::Draft;

impl App {
    pub(super) fn new_intake(&mut self) {
        let key = FormKind::Intake.draft_key();
        if let Some(pos) = self.pending_drafts.iter().position(|(k, _)| *k == key) {
            // An unfinished intake is offered first rather than overwritten.
            let (key, draft) = self.pending_drafts.remove(pos);
            self.offer(key, draft);
            return;
        }
        if let Ok(drafts) = self.store.drafts()
            && let Some((key, draft)) = drafts.into_iter().find(|(k, _)| *k == key)
        {
            self.offer(key, draft);
            return;
        }
        self.open_form(FormKind::Intake);
    }

    /// The coaches a person can be given to: those of the caseload, the one using meedoen, and
    /// `also` (the person's coach now), once each, in alphabetical order.
    pub(super) fn coaches(&self, also: Option<&str>) -> Vec<String> {
        // `also` first, so the person's own spelling is the one kept of names that compare equal.
        let mut all: Vec<String> = also.into_iter().map(|c| c.trim().to_string()).collect();
        all.push(self.coach.trim().to_string());
        all.extend(self.caseload.people().iter().map(|p| p.coach.trim().to_string()));
        all.retain(|c| !c.is_empty());
        all.sort_by_key(|c| c.to_lowercase());
        all.dedup_by(|a, b| crate::domain::participant::same_coach(a, b));
        all
    }

    /// Keeps what was typed so far; lands on disk within a fraction of a second.
    pub(super) fn keep_draft(&mut self) {
        let now = (self.clock)();
        let Screen::Form(f) = self.screen() else {
            return;
        };
        let draft = Draft::new(f.form.kind, f.form.values(), f.form.focus(), now.timestamp());
        let key = f.draft_key.clone();
        let res = self.store.save_draft(&key, &draft);
        self.report(res);
    }

    /// Saves the intake (`existing` is `None`) or the changes to participant `existing`.
    pub(super) fn save_participant_form(&mut self, existing: Option<ParticipantId>) {
        let today = self.today;
        let now = (self.clock)();
        let before = existing.and_then(|id| self.caseload.by_id(id)).cloned();
        if existing.is_some() && before.is_none() {
            // The person is gone (erased while the form was open): nothing to write over.
            self.flash = Some((self.strings.get("draft.gone").to_string(), true));
            return;
        }
        let Screen::Form(f) = self.layers.top_screen_mut() else {
            return;
        };
        let mut p = match &before {
            Some(p) => p.clone(),
            None => Participant::new(ParticipantId::new_random(), 0, now),
        };
        if participant_form::apply(&mut f.form, &mut p, today, now).is_err() {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return;
        }
        // The intake's answer on consent to registration (yes records it with the person).
        let consent = match f.form.opt_choice::<bool>("consent_registration") {
            Ok(c) => c,
            Err(e) => {
                f.form.show(e);
                return;
            }
        };
        let draft_key = f.draft_key.clone();
        if !self.save_confirmed && self.ask_before_saving(&p, before.as_ref()) {
            return;
        }
        let mut access = self.access_for(
            p.id,
            match &before {
                Some(old) => AccessAction::Changed(crate::domain::privacy::changed_fields(old, &p)),
                None => AccessAction::Created,
            },
        );
        let consent = (existing.is_none() && consent == Some(true)).then(|| Consent {
            participant: p.id,
            scope: ConsentScope::Registration,
            given_on: today,
            withdrawn_on: None,
            coach: self.coach.clone(),
        });
        if consent.is_some() {
            access.extend(self.access_for(p.id, AccessAction::ConsentGiven(ConsentScope::Registration)));
        }
        // The draft and the access-log entry go in the same transaction as the save: after a
        // crash there is never both the draft and the participant, nor a change without its entry.
        let saved = self.store.with_access(access, |store| {
            if existing.is_some() {
                store.update_participant_ending_draft(&p, Some(&draft_key)).map(|()| p)
            } else {
                store.add_participant_from_draft(p, &draft_key, consent.as_ref())
            }
        });
        match saved {
            Ok(p) => {
                let msg = self.strings.fill(
                    "form.saved",
                    &[
                        ("name", &p.listed_name()),
                        (
                            "number",
                            &crate::domain::participant::shown_number(
                                p.number,
                                self.strings.get("participant.number_pending"),
                            ),
                        ),
                    ],
                );
                let id = p.id;
                self.caseload.upsert(p);
                self.pop();
                self.refresh_screens();
                self.reload_privacy();
                if existing.is_none() {
                    self.open_participant(id);
                }
                let msg = if existing.is_none() && consent.is_none() {
                    format!("{msg} {}", self.strings.get("form.no_registration_consent"))
                } else {
                    msg
                };
                self.flash = Some((msg, false));
            }
            // The form stays on screen with everything typed; the message says why.
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Asks before saving what looks like a slip: a new person already in the caseload (same
    /// names and date of birth; `o` opens the one there instead), or a date of birth that makes
    /// someone younger than 16 (meedoen's people are adults on social assistance). One question
    /// names every reason. Returns whether it asked.
    fn ask_before_saving(&mut self, p: &Participant, before: Option<&Participant>) -> bool {
        let mut reasons = Vec::new();
        let mut kind = super::layer::ConfirmKind::SaveAnyway;
        // Asked when the date of birth is new or changed, not on every later edit.
        let age = p.age_on(self.today).filter(|_| before.is_none_or(|b| b.date_of_birth != p.date_of_birth));
        if let Some(age) = age.filter(|a| *a < crate::domain::participant::YOUNGEST) {
            reasons.push(self.strings.fill("form.young", &[("age", &age.to_string())]));
        }
        if before.is_none() {
            let id = crate::domain::participant::identity(&p.given_names, &p.family_name, p.date_of_birth);
            let same =
                self.caseload.people().iter().find(|x| {
                    crate::domain::participant::identity(&x.given_names, &x.family_name, x.date_of_birth) == id
                });
            if let Some(x) = same {
                let born = x.date_of_birth.map(crate::domain::validate::format_date).unwrap_or_default();
                let number =
                    crate::domain::participant::shown_number(x.number, self.strings.get("participant.number_pending"));
                reasons.push(self.strings.fill(
                    "form.duplicate",
                    &[("name", &x.listed_name()), ("number", &number), ("born", &born), ("coach", &x.coach)],
                ));
                kind = super::layer::ConfirmKind::DuplicateIntake(x.id);
            }
        }
        if reasons.is_empty() {
            return false;
        }
        if kind == super::layer::ConfirmKind::SaveAnyway {
            reasons.push(self.strings.get("form.save_anyway").to_string());
        }
        let message = reasons.join(" ");
        self.apply(vec![super::layer::Effect::Confirm { kind, message }]);
        true
    }
}
