//! The App's handling of corrections on the contacts tab: moving, cancelling and recording a
//! no-show of an appointment, correcting and withdrawing a contact. Each goes through the
//! domain's rule (which keeps the old values in the record's history), is saved with its
//! access-log entry, and an appointment is checked for a bad day or an overlap first.

use super::app::App;
use super::correction_forms as forms;
use super::layer::{ConfirmKind, Effect};
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::appointment::{self, Appointment, Refused, Warning};
use crate::domain::contact::{Contact, RecordId};
use crate::domain::form_kind::FormKind;
use crate::domain::privacy::AccessAction;
use crate::store::StoreError;

/// A record the correction is about, read from the store.
enum Found<T> {
    Here(T),
    /// Gone (erased, or withdrawn by a colleague and synced): said in the footer.
    Gone,
}

impl App {
    fn appointment_of(&self, p: ParticipantId, id: RecordId) -> Result<Found<Appointment>, StoreError> {
        Ok(self.store.appointments_of(p)?.into_iter().find(|a| a.id == id).map_or(Found::Gone, Found::Here))
    }

    fn contact_of(&self, p: ParticipantId, id: RecordId) -> Result<Found<Contact>, StoreError> {
        Ok(self.store.contacts_of(p)?.into_iter().find(|c| c.id == id).map_or(Found::Gone, Found::Here))
    }

    /// The record, or `None` after saying why there is none.
    fn found<T>(&mut self, read: Result<Found<T>, StoreError>) -> Option<T> {
        match read {
            Ok(Found::Here(x)) => Some(x),
            Ok(Found::Gone) => {
                self.flash = Some((self.strings.get("draft.gone").to_string(), true));
                None
            }
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                None
            }
        }
    }

    fn refused(&mut self, r: Refused) {
        self.flash = Some((self.strings.get(&format!("appointment_refused.{}", r.code())).to_string(), true));
    }

    /// Saves `write` with the access-log entry for `kind`, then shows the contacts tab.
    fn save_day_correction(
        &mut self,
        p: ParticipantId,
        kind: FormKind,
        write: impl FnOnce(&crate::store::Store) -> Result<(), StoreError>,
    ) {
        let access = self.access_for(p, AccessAction::Recorded(kind.code().to_string()));
        let res = self.store.with_access(access, write);
        self.day_saved(res.map(|()| Tab::Contacts));
    }

    /// Whether appointment `a` may be saved: it has no warnings, or the coach said yes to them.
    /// With warnings and no yes yet, the coach is asked (the form stays open) and `false` comes back.
    pub(super) fn appointment_ok(&mut self, a: &Appointment) -> bool {
        if self.save_confirmed {
            return true;
        }
        let others = match self.store.appointments_on(a.at.date()) {
            Ok(o) => o,
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return false;
            }
        };
        let warnings = appointment::warnings(a, &others, &self.modules.closures);
        if warnings.is_empty() {
            return true;
        }
        let said: Vec<String> = warnings.iter().map(|w| self.warning_text(w)).collect();
        let message = self.strings.fill("appointment.warning", &[("warnings", &said.join("; "))]);
        self.apply(vec![Effect::Confirm { kind: ConfirmKind::SaveAnyway, message }]);
        false
    }

    fn warning_text(&self, w: &Warning) -> String {
        let s = &self.strings;
        let name = |p: ParticipantId| self.caseload.by_id(p).map(|x| x.listed_name()).unwrap_or_default();
        match w {
            Warning::Weekend(day) => {
                let key = super::view::weekday_key(*day).replace("day.", "day_long.");
                s.fill("appointment.on_weekend", &[("day", s.get(&key))])
            }
            Warning::Holiday(name) => s.fill("appointment.on_holiday", &[("holiday", name)]),
            Warning::Closed(reason) => s.fill("appointment.on_closure", &[("reason", reason)]),
            Warning::SamePerson(at) => s.fill("appointment.same_person", &[("time", &at.format("%H:%M").to_string())]),
            Warning::SameCoach(at, p) => {
                s.fill("appointment.same_coach", &[("time", &at.format("%H:%M").to_string()), ("name", &name(*p))])
            }
        }
    }

    pub(super) fn save_move_appointment(&mut self, p: ParticipantId, id: RecordId) {
        let Some((at, place, note)) = self.read_form(forms::read_move) else { return };
        let Some(mut a) = self.found(self.appointment_of(p, id)) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        if let Err(r) = a.move_to(at, &place, &note, &coach, now) {
            return self.refused(r);
        }
        if !self.appointment_ok(&a) {
            return;
        }
        self.save_day_correction(p, FormKind::MoveAppointment { participant: p, appointment: id }, |st| {
            st.save_appointment(&a)
        });
    }

    pub(super) fn save_cancel_appointment(&mut self, p: ParticipantId, id: RecordId) {
        let Some(reason) = self.read_form(forms::read_reason) else { return };
        let Some(mut a) = self.found(self.appointment_of(p, id)) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        if let Err(r) = a.cancel(&reason, &coach, now) {
            return self.refused(r);
        }
        self.save_day_correction(p, FormKind::CancelAppointment { participant: p, appointment: id }, |st| {
            st.save_appointment(&a)
        });
    }

    /// Records that the participant did not come (asked first on the contacts tab).
    pub(super) fn record_no_show(&mut self, p: ParticipantId, id: RecordId) {
        let Some(mut a) = self.found(self.appointment_of(p, id)) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        if let Err(r) = a.no_show(self.today, &coach, now) {
            return self.refused(r);
        }
        let access = self.access_for(p, AccessAction::Recorded("appointment_no_show".into()));
        match self.store.with_access(access, |st| st.save_appointment(&a)) {
            Ok(()) => {
                self.reload_day();
                self.flash = Some((self.strings.get("appointment.no_show_saved").to_string(), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    pub(super) fn save_correct_contact(&mut self, p: ParticipantId, id: RecordId) {
        let Some(mut c) = self.found(self.contact_of(p, id)) else { return };
        let Some((new, reason)) = self.read_form(|f| forms::read_correction(f, &c)) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        match c.correct(&new, &reason, &coach, now) {
            Ok(true) => {}
            Ok(false) => {
                self.flash = Some((self.strings.get("correction.unchanged").to_string(), true));
                return;
            }
            Err(_) => {
                self.flash = Some((self.strings.get("correction.withdrawn_already").to_string(), true));
                return;
            }
        }
        self.save_day_correction(p, FormKind::CorrectContact { participant: p, contact: id }, |st| st.save_contact(&c));
    }

    pub(super) fn save_withdraw_contact(&mut self, p: ParticipantId, id: RecordId) {
        let Some(reason) = self.read_form(forms::read_reason) else { return };
        let Some(mut c) = self.found(self.contact_of(p, id)) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        if c.withdraw(&reason, &coach, now).is_err() {
            self.flash = Some((self.strings.get("correction.withdrawn_already").to_string(), true));
            return;
        }
        self.save_day_correction(p, FormKind::WithdrawContact { participant: p, contact: id }, |st| {
            st.save_contact(&c)
        });
    }

    pub(super) fn save_update_referral(&mut self, p: ParticipantId, id: RecordId) {
        let Some((status, date, result)) = self.read_form(forms::read_referral_update) else { return };
        let read =
            self.store.referrals_of(p).map(|all| all.into_iter().find(|r| r.id == id).map_or(Found::Gone, Found::Here));
        let Some(mut r) = self.found(read) else { return };
        let (coach, now) = (self.coach.clone(), (self.clock)());
        if let Err(e) = r.update(status, date, &result, &coach, now) {
            let key = match e {
                crate::domain::signal::UpdateRefused::Unchanged => "correction.unchanged",
                crate::domain::signal::UpdateRefused::BeforeLast => "referral.before_last",
            };
            self.flash = Some((
                self.strings.fill(key, &[("date", &crate::domain::validate::format_date(r.status_date()))]),
                true,
            ));
            return;
        }
        let access = self.access_for(p, AccessAction::Recorded("referral_updated".into()));
        let res = self.store.with_access(access, |st| st.save_partner_referral(&r));
        self.day_saved(res.map(|()| Tab::Signals));
    }

    /// The form of a correction, opened on the record as it is now.
    pub(super) fn correction_form(&self, kind: FormKind) -> Result<super::form::Form, super::app_drafts::NoForm> {
        use super::app_drafts::NoForm;
        let s = &self.strings;
        let name = |p: ParticipantId| self.caseload.by_id(p).map(|x| x.listed_name()).ok_or(NoForm::Gone);
        let appointment = |p: ParticipantId, id: RecordId| -> Result<Appointment, NoForm> {
            self.store.appointments_of(p)?.into_iter().find(|a| a.id == id).ok_or(NoForm::Gone)
        };
        let contact = |p: ParticipantId, id: RecordId| -> Result<Contact, NoForm> {
            self.store.contacts_of(p)?.into_iter().find(|c| c.id == id).ok_or(NoForm::Gone)
        };
        Ok(match kind {
            FormKind::MoveAppointment { participant: p, appointment: id } => {
                forms::move_appointment(s, &appointment(p, id)?, &name(p)?)
            }
            FormKind::CancelAppointment { participant: p, appointment: id } => {
                forms::cancel_appointment(s, &appointment(p, id)?, &name(p)?)
            }
            FormKind::CorrectContact { participant: p, contact: id } => {
                forms::correct_contact(s, &contact(p, id)?, &name(p)?)
            }
            FormKind::WithdrawContact { participant: p, contact: id } => {
                forms::withdraw_contact(s, &contact(p, id)?, &name(p)?)
            }
            FormKind::UpdateReferral { participant: p, referral: id } => {
                let r = self.store.referrals_of(p)?.into_iter().find(|r| r.id == id).ok_or(NoForm::Gone)?;
                forms::update_referral(s, &r, &name(p)?, self.today)
            }
            _ => return Err(NoForm::Gone),
        })
    }
}
