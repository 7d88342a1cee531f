//! Every form by its kind, in one place: opening it, saving it, and offering and resuming its
//! draft. Each is one exhaustive `match` on [`FormKind`], so a new kind of form does not compile
//! until all of them know it.

use chrono::{DateTime, Local};

use super::app::{App, FormScreen, Popup, Screen};
use super::{consent_form, day_forms, goal_form, module_form, participant_form};
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::goal::Area;
use crate::store::{Draft, DraftKind, StoreError};

/// Why a form cannot be opened.
pub(super) enum NoForm {
    /// What it is about is gone: the person erased, the goal, signal or module no longer there.
    Gone,
    Failed(StoreError),
}

impl From<StoreError> for NoForm {
    fn from(e: StoreError) -> NoForm {
        NoForm::Failed(e)
    }
}

impl App {
    /// The form of `kind` as it opens fresh, with its draft key.
    pub(super) fn form_for(&self, kind: FormKind) -> Result<FormScreen, NoForm> {
        let (s, today) = (&self.strings, self.today);
        let name = |p: ParticipantId| self.caseload.by_id(p).map(|x| x.listed_name()).ok_or(NoForm::Gone);
        let mut goal = None;
        let form = match kind {
            FormKind::Intake => participant_form::new_intake(s, &self.coach, &self.coaches(None), today),
            FormKind::EditParticipant(p) => {
                let p = self.caseload.by_id(p).ok_or(NoForm::Gone)?;
                participant_form::edit(s, p, &self.coaches(Some(&p.coach)))
            }
            FormKind::Contact(p) => {
                let now = (self.clock)().with_timezone(&Local).time();
                day_forms::contact(s, p, &name(p)?, today, now)
            }
            FormKind::Appointment(p) => day_forms::appointment(s, p, &name(p)?),
            FormKind::Extend(p) => day_forms::extend(s, p, &name(p)?),
            FormKind::Reopen(p) => day_forms::reopen(s, p, &name(p)?),
            FormKind::Advice(p) => {
                let written = self.store.trajectory(p)?.map(|t| t.advice).unwrap_or_default();
                day_forms::advice(s, p, &name(p)?, &written)
            }
            FormKind::Close(p) => {
                // The advice written ahead of the end (`d`) is there already.
                let advice = self.store.trajectory(p)?.map(|t| t.advice).unwrap_or_default();
                day_forms::close(s, p, &name(p)?, today, &advice)
            }
            FormKind::Signal { participant, signal } => {
                let existing = match signal {
                    Some(id) => {
                        Some(self.store.signals_of(participant)?.into_iter().find(|x| x.id == id).ok_or(NoForm::Gone)?)
                    }
                    None => None,
                };
                day_forms::signal(s, participant, &name(participant)?, today, existing.as_ref())
            }
            FormKind::Referral(p) => day_forms::referral(s, p, &name(p)?, today),
            FormKind::Goal { participant, goal: id } => {
                name(participant)?;
                match id {
                    Some(id) => {
                        let g =
                            self.store.goals_of(participant)?.into_iter().find(|g| g.id == id).ok_or(NoForm::Gone)?;
                        let form = goal_form::edit_goal(s, &g);
                        goal = Some(Box::new(g));
                        form
                    }
                    None => goal_form::new_goal(s, participant, "", Area::Dimension(4)),
                }
            }
            FormKind::Module(None) => module_form::new_module(s, today),
            FormKind::Module(Some(m)) => module_form::edit_module(s, self.modules.module(m).ok_or(NoForm::Gone)?),
            FormKind::Closure => module_form::new_closure(s),
            FormKind::MoveAppointment { .. }
            | FormKind::CancelAppointment { .. }
            | FormKind::CorrectContact { .. }
            | FormKind::WithdrawContact { .. }
            | FormKind::UpdateReferral { .. } => self.correction_form(kind)?,
            FormKind::Consent { participant, scope } => {
                let current = self.store.consent(participant, scope)?;
                consent_form::consent(s, participant, scope, current.as_ref(), &name(participant)?, today)
            }
        };
        Ok(FormScreen { form, draft_key: kind.draft_key(), goal })
    }

    /// Opens the form of `kind` on top; says why when it cannot. Returns whether to redraw.
    pub(super) fn open_form(&mut self, kind: FormKind) -> bool {
        match self.form_for(kind) {
            Ok(screen) => self.push_screen(Screen::Form(screen)),
            Err(NoForm::Gone) => return false,
            Err(NoForm::Failed(e)) => self.flash = Some((self.error_text(&e), true)),
        }
        true
    }

    /// Saves the form on top as what it is.
    pub(super) fn save_form(&mut self) {
        let Screen::Form(f) = self.screen() else {
            return;
        };
        let kind = f.form.kind;
        match kind {
            FormKind::Intake => self.save_participant_form(None),
            FormKind::EditParticipant(p) => self.save_participant_form(Some(p)),
            FormKind::Contact(p) => self.save_contact(p),
            FormKind::Appointment(p) => self.save_appointment(p),
            FormKind::Extend(p) => self.save_extend(p),
            FormKind::Reopen(p) => self.save_reopen(p),
            FormKind::Advice(p) => self.save_advice(p),
            FormKind::Close(p) => self.save_close(p),
            FormKind::Signal { participant, signal } => self.save_signal(participant, signal),
            FormKind::Referral(p) => self.save_referral(p),
            FormKind::Goal { participant, .. } => self.save_goal_form(participant),
            FormKind::Module(m) => self.save_module_form(m),
            FormKind::Closure => self.save_closure_form(),
            FormKind::MoveAppointment { participant, appointment } => {
                self.save_move_appointment(participant, appointment)
            }
            FormKind::CancelAppointment { participant, appointment } => {
                self.save_cancel_appointment(participant, appointment)
            }
            FormKind::CorrectContact { participant, contact } => self.save_correct_contact(participant, contact),
            FormKind::WithdrawContact { participant, contact } => self.save_withdraw_contact(participant, contact),
            FormKind::UpdateReferral { participant, referral } => self.save_update_referral(participant, referral),
            FormKind::Consent { participant, scope } => self.save_consent_form(participant, scope),
        }
    }

    pub(super) fn offer_next_draft(&mut self) {
        if let Some((key, draft)) = self.pending_drafts.pop() {
            self.offer(key, draft);
        } else if let Some(draft) = self.pending_assessments.pop() {
            self.offer_assessment(draft);
        }
    }

    /// Asks whether to go on with a draft, naming the form and what it is about.
    pub(super) fn offer(&mut self, key: String, draft: Draft) {
        let typed = |keys: &[&str]| {
            keys.iter()
                .filter_map(|k| draft.values.iter().find(|(f, _)| f == k).map(|(_, v)| v.trim()))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let person = |p: ParticipantId| self.caseload.by_id(p).map(|x| x.listed_name()).unwrap_or_default();
        let (text, name) = match &draft.kind {
            DraftKind::Unknown(form) => ("draft.unknown", form.clone()),
            DraftKind::Form(kind) => match *kind {
                FormKind::Intake => ("draft.intake", typed(&["given_names", "prefix", "family_name"])),
                FormKind::EditParticipant(p) => ("draft.edit", person(p)),
                FormKind::Contact(p) => ("draft.contact", person(p)),
                FormKind::Appointment(p) => ("draft.appointment", person(p)),
                FormKind::Extend(p) => ("draft.extend", person(p)),
                FormKind::Reopen(p) => ("draft.reopen", person(p)),
                FormKind::Advice(p) => ("draft.advice", person(p)),
                FormKind::Close(p) => ("draft.close", person(p)),
                FormKind::Signal { participant, .. } => ("draft.signal", person(participant)),
                FormKind::Referral(p) => ("draft.referral", person(p)),
                FormKind::Goal { .. } => ("draft.goal", typed(&["text"])),
                FormKind::Module(_) => ("draft.module", typed(&["name"])),
                FormKind::Closure => ("draft.closure", typed(&["reason"])),
                FormKind::MoveAppointment { participant, .. } => ("draft.appointment_moved", person(participant)),
                FormKind::CancelAppointment { participant, .. } => ("draft.appointment_cancelled", person(participant)),
                FormKind::CorrectContact { participant, .. } => ("draft.contact_corrected", person(participant)),
                FormKind::WithdrawContact { participant, .. } => ("draft.contact_withdrawn", person(participant)),
                FormKind::UpdateReferral { participant, .. } => ("draft.referral_updated", person(participant)),
                FormKind::Consent { participant, .. } => ("draft.consent", person(participant)),
            },
        };
        let when = DateTime::from_timestamp(draft.saved_at, 0)
            .map(|t| t.with_timezone(&Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        let name = if name.is_empty() { self.strings.get("draft.no_name").to_string() } else { name };
        let description = self.strings.fill(text, &[("name", &name), ("when", &when)]);
        self.show_popup(Popup::DraftOffer { key, draft, description });
    }

    /// Opens a draft's form again with what was typed and the focus where it was, over the
    /// screen it was opened from (the person's, the module catalogue).
    pub(super) fn resume_draft(&mut self, key: String, draft: Draft) {
        let kind = match draft.kind {
            DraftKind::Form(kind) => kind,
            DraftKind::Unknown(_) => return self.drop_draft(&key, "draft.unknown_dropped"),
        };
        match self.form_for(kind) {
            Ok(mut screen) => {
                if let Some(p) = kind.participant() {
                    self.open_participant(p);
                } else if matches!(kind, FormKind::Module(_) | FormKind::Closure) {
                    self.open_catalogue();
                }
                screen.form.restore(&draft.values, draft.focus);
                screen.draft_key = key;
                self.push_screen(Screen::Form(screen));
            }
            Err(NoForm::Gone) => self.drop_draft(&key, "draft.gone"),
            // The draft stays for the next start.
            Err(NoForm::Failed(e)) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Throws a draft away that cannot be opened, says why, and offers the next.
    fn drop_draft(&mut self, key: &str, why: &str) {
        let res = self.store.delete_draft(key);
        self.flash = Some((self.strings.get(why).to_string(), true));
        self.report(res);
        self.offer_next_draft();
    }
}
