//! Saving the forms of the coach's day: a contact, an appointment, a signal, a referral, the
//! advice and the trajectory steps. Each reads its form as typed values (a field that does not
//! read keeps the form open with the message next to it) and writes what it is.

use super::app::{App, Screen};
use super::day_forms;
use super::form::Form;
use super::form_values::FieldError;
use super::layers::Layer;
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::contact::RecordId;
use crate::domain::esf::EsfExit;
use crate::domain::form_kind::FormKind;
use crate::domain::privacy::AccessAction;
use crate::domain::trajectory::Change;
use crate::store::StoreError;

impl App {
    /// Checks the form on top and reads it with `read`; `None` (the messages shown on the
    /// fields, the form left open) when it does not read.
    pub(super) fn read_form<T>(&mut self, read: impl FnOnce(&Form) -> Result<T, FieldError>) -> Option<T> {
        let today = self.today;
        let Screen::Form(f) = self.layers.top_screen_mut() else {
            return None;
        };
        let value = if f.form.validate_all(today) {
            match read(&f.form) {
                Ok(v) => Some(v),
                Err(e) => {
                    f.form.show(e);
                    None
                }
            }
        } else {
            None
        };
        if value.is_none() {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
        }
        value
    }

    pub(super) fn top_draft_key(&self) -> String {
        match self.screen() {
            Screen::Form(f) => f.draft_key.clone(),
            _ => String::new(),
        }
    }

    /// The access-log entry of a day form's save, written with it (see `Store::with_access`).
    fn recorded(&self, p: ParticipantId, kind: FormKind) -> Vec<crate::domain::privacy::AccessEntry> {
        self.access_for(p, AccessAction::Recorded(kind.code().to_string()))
    }

    /// After a day form's write (its access-log entry written with it): on success the draft goes, and the
    /// person's screen shows `tab`; on failure the form stays with what was typed.
    pub(super) fn day_saved(&mut self, result: Result<Tab, StoreError>) {
        match result {
            Ok(tab) => {
                let key = self.top_draft_key();
                let _ = self.store.delete_draft(&key);
                self.pop();
                self.reload_day();
                self.reload_privacy();
                if let Screen::Participant(s) = self.layers.top_screen_mut() {
                    s.show_tab(tab);
                }
                self.flash = Some((self.strings.get("form.saved_short").to_string(), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    pub(super) fn save_contact(&mut self, p: ParticipantId) {
        let (coach, now) = (self.coach.clone(), (self.clock)());
        let Some((c, next)) = self.read_form(|f| day_forms::read_contact(f, p, &coach, now)) else {
            return;
        };
        if let Some(a) = &next
            && !self.appointment_ok(a)
        {
            return;
        }
        let res = self.store.with_access(self.recorded(p, FormKind::Contact(p)), |s| {
            s.save_contact(&c).and_then(|()| next.map_or(Ok(()), |a| s.save_appointment(&a)))
        });
        self.day_saved(res.map(|()| Tab::Contacts));
    }

    pub(super) fn save_appointment(&mut self, p: ParticipantId) {
        let (coach, now) = (self.coach.clone(), (self.clock)());
        let Some(a) = self.read_form(|f| day_forms::read_appointment(f, p, &coach, now)) else {
            return;
        };
        if !self.appointment_ok(&a) {
            return;
        }
        let res = self.store.with_access(self.recorded(p, FormKind::Appointment(p)), |st| st.save_appointment(&a));
        self.day_saved(res.map(|()| Tab::Contacts));
    }

    /// A new signal, or a change to the signal `id` (which keeps its id and when it was recorded).
    pub(super) fn save_signal(&mut self, p: ParticipantId, id: Option<RecordId>) {
        let now = (self.clock)();
        let existing = match id.map(|id| self.store.signals_of(p).map(|all| all.into_iter().find(|x| x.id == id))) {
            None => None,
            Some(Ok(Some(x))) => Some(x),
            Some(Ok(None)) => {
                self.flash = Some((self.strings.get("draft.gone").to_string(), true));
                return;
            }
            Some(Err(e)) => {
                self.flash = Some((self.error_text(&e), true));
                return;
            }
        };
        let Some(s) = self.read_form(|f| day_forms::read_signal(f, p, existing.as_ref(), now)) else {
            return;
        };
        let kind = FormKind::Signal { participant: p, signal: id };
        let res = self.store.with_access(self.recorded(p, kind), |st| st.save_signal(&s));
        self.day_saved(res.map(|()| Tab::Signals));
    }

    pub(super) fn save_referral(&mut self, p: ParticipantId) {
        let (today, now) = (self.today, (self.clock)());
        let Some(r) = self.read_form(|f| day_forms::read_referral(f, p, today, now)) else {
            return;
        };
        let res = self.store.with_access(self.recorded(p, FormKind::Referral(p)), |st| st.save_partner_referral(&r));
        self.day_saved(res.map(|()| Tab::Signals));
    }

    /// The advice ahead of the end, kept with the trajectory.
    pub(super) fn save_advice(&mut self, p: ParticipantId) {
        let now = (self.clock)();
        let Some(advice) = self.read_form(|f| f.text("advice")) else {
            return;
        };
        let Some(person) = self.caseload.by_id(p).cloned() else {
            self.flash = Some((self.strings.get("draft.gone").to_string(), true));
            return;
        };
        let mut t = match self.trajectory_of(p) {
            Ok(t) => t,
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return;
            }
        };
        t.advice = advice;
        t.updated_at = now;
        let res =
            self.store.with_access(self.recorded(p, FormKind::Advice(p)), |st| st.save_status_change(&person, &t));
        self.day_saved(res.map(|()| Tab::Profile));
    }

    pub(super) fn save_extend(&mut self, p: ParticipantId) {
        if let Some(reason) = self.read_form(|f| f.text("reason")) {
            self.step_saved(p, FormKind::Extend(p), Change::Extend { reason }, None);
        }
    }

    pub(super) fn save_reopen(&mut self, p: ParticipantId) {
        if let Some(reason) = self.read_form(|f| f.text("reason")) {
            self.step_saved(p, FormKind::Reopen(p), Change::Reopen { reason }, None);
        }
    }

    pub(super) fn save_close(&mut self, p: ParticipantId) {
        if let Some((closing, exit)) = self.read_form(day_forms::read_closing)
            && self.step_saved(p, FormKind::Close(p), Change::Close(closing), Some(exit))
        {
            self.offer_wind_down(p);
        }
    }

    /// A trajectory step from its form. Refused: the form stays with everything typed and the
    /// message says why.
    fn step_saved(&mut self, p: ParticipantId, kind: FormKind, change: Change, exit: Option<EsfExit>) -> bool {
        let key = self.top_draft_key();
        let saved = self.change_status_with(p, change, exit, self.recorded(p, kind));
        if saved {
            self.reload_privacy();
            let _ = self.store.delete_draft(&key);
            self.layers.retain(|l| !matches!(l, Layer::Screen(Screen::Form(f)) if f.draft_key == key));
        }
        saved
    }
}
