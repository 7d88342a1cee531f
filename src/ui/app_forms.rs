//! The App's forms for participants (intake and edit) and the drafts that keep what was typed.

use crate::domain::privacy::AccessAction;
use chrono::{DateTime, Local};

use super::app::{App, ConfirmKind, FormScreen, INTAKE_DRAFT, Popup, Screen, edit_draft_key};
use super::participant_form;
use crate::domain::{Participant, ParticipantId};
use crate::store::Draft;

impl App {
    pub(super) fn new_intake(&mut self) {
        if let Some(pos) = self.pending_drafts.iter().position(|(k, _)| k == INTAKE_DRAFT) {
            // An unfinished intake is offered first rather than overwritten.
            let (key, draft) = self.pending_drafts.remove(pos);
            self.offer(key, draft);
            return;
        }
        if let Ok(drafts) = self.store.drafts()
            && let Some((key, draft)) = drafts.into_iter().find(|(k, _)| k == INTAKE_DRAFT)
        {
            self.offer(key, draft);
            return;
        }
        let form = participant_form::new_intake(&self.strings, &self.coach, self.today);
        self.stack.push(Screen::Form(FormScreen { form, draft_key: INTAKE_DRAFT.to_string(), goal: None }));
    }

    pub(super) fn edit_participant(&mut self, id: ParticipantId) -> bool {
        let Some(p) = self.caseload.by_id(id) else {
            return false;
        };
        let form = participant_form::edit(&self.strings, p);
        self.stack.push(Screen::Form(FormScreen { form, draft_key: edit_draft_key(id), goal: None }));
        true
    }

    /// Keeps what was typed so far; lands on disk within a fraction of a second.
    pub(super) fn keep_draft(&mut self) {
        let now = (self.clock)();
        let Screen::Form(f) = self.screen() else {
            return;
        };
        let draft = Draft {
            form: f.form.id.to_string(),
            target: f.form.target,
            values: f.form.values(),
            focus: f.form.focus(),
            saved_at: now.timestamp(),
        };
        let key = f.draft_key.clone();
        let res = self.store.save_draft(&key, &draft);
        self.report(res);
    }

    pub(super) fn cancel_form(&mut self) {
        let Screen::Form(f) = self.screen() else {
            return;
        };
        if f.form.is_dirty() {
            self.popup = Some(Popup::Confirm {
                kind: ConfirmKind::DiscardForm,
                message: self.strings.get("confirm.discard").to_string(),
            });
        } else {
            let key = f.draft_key.clone();
            self.report(self.store.delete_draft(&key));
            self.pop();
        }
    }

    pub(super) fn save_form(&mut self) {
        if self.save_day_form() {
            return;
        }
        if let Screen::Form(f) = self.screen()
            && f.form.id == "goal"
        {
            return self.save_goal_form();
        }
        if let Screen::Form(f) = self.screen()
            && (f.form.id == "module" || f.form.id == "closure")
        {
            return self.save_module_form();
        }
        let today = self.today;
        let now = (self.clock)();
        let Some(Screen::Form(f)) = self.stack.last_mut() else {
            return;
        };
        let existing = f.form.target.map(ParticipantId::from_bytes);
        let before = existing.and_then(|id| self.caseload.by_id(id)).cloned();
        let mut p = match &before {
            Some(p) => p.clone(),
            None => Participant::new(ParticipantId::new_random(), 0, now),
        };
        if participant_form::apply(&mut f.form, &mut p, today, now).is_err() {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return;
        }
        let draft_key = f.draft_key.clone();
        let action = match &before {
            Some(old) => AccessAction::Changed(crate::domain::privacy::changed_fields(old, &p)),
            None => AccessAction::Created,
        };
        let access = self.access_for(p.id, action);
        // The draft and the access-log entry go in the same transaction as the save: after a
        // crash there is never both the draft and the participant, nor a change without its entry.
        let saved = self.store.with_access(access, |store| {
            if existing.is_some() {
                store.update_participant_ending_draft(&p, Some(&draft_key)).map(|()| p)
            } else {
                store.add_participant_from_draft(p, &draft_key)
            }
        });
        match saved {
            Ok(p) => {
                let msg = self.strings.fill(
                    "form.saved",
                    &[("name", &p.listed_name()), ("number", &crate::domain::participant::format_number(p.number))],
                );
                let id = p.id;
                self.caseload.upsert(p);
                self.stack.pop();
                self.refresh_screens();
                self.reload_privacy();
                if existing.is_none() {
                    self.open_participant(id);
                }
                self.flash = Some((msg, false));
            }
            // The form stays on screen with everything typed; the message says why.
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    pub(super) fn offer_next_draft(&mut self) {
        if let Some((key, draft)) = self.pending_drafts.pop() {
            self.offer(key, draft);
        } else if let Some(draft) = self.pending_assessments.pop() {
            self.offer_assessment(draft);
        }
    }

    pub(super) fn offer(&mut self, key: String, draft: Draft) {
        let name = ["given_names", "prefix", "family_name", "text"]
            .iter()
            .filter_map(|k| draft.values.iter().find(|(f, _)| f == k).map(|(_, v)| v.trim()))
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let when = DateTime::from_timestamp(draft.saved_at, 0)
            .map(|t| t.with_timezone(&Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        let kind = match draft.form.as_str() {
            "intake" => "draft.intake",
            "goal" => "draft.goal",
            _ => "draft.edit",
        };
        let name = if name.is_empty() { self.strings.get("draft.no_name").to_string() } else { name };
        let description = self.strings.fill(kind, &[("name", &name), ("when", &when)]);
        self.popup = Some(Popup::DraftOffer { key, draft, description });
    }

    pub(super) fn resume_draft(&mut self, key: String, draft: Draft) {
        if draft.form == "goal" {
            return self.resume_goal_draft(key, draft);
        }
        let mut form = match (draft.form.as_str(), draft.target) {
            ("intake", _) => participant_form::new_intake(&self.strings, &self.coach, self.today),
            ("participant", Some(t)) => match self.caseload.by_id(ParticipantId::from_bytes(t)) {
                Some(p) => participant_form::edit(&self.strings, p),
                None => {
                    self.report(self.store.delete_draft(&key));
                    self.offer_next_draft();
                    return;
                }
            },
            _ => {
                self.report(self.store.delete_draft(&key));
                self.offer_next_draft();
                return;
            }
        };
        form.restore(&draft.values, draft.focus);
        self.stack.push(Screen::Form(FormScreen { form, draft_key: key, goal: None }));
    }
}
