//! After a trajectory is closed: what of the person still runs (module places, places on a
//! waitlist, appointments from today on) is named in a question, and a yes stops the places and
//! cancels the appointments (the reason "traject afgesloten" kept with each), so nothing is left
//! planned for someone who left.

use super::app::App;
use super::layer::{ConfirmKind, Effect};
use crate::domain::ParticipantId;
use crate::domain::appointment::Appointment;
use crate::domain::module::{Enrolment, EnrolmentStatus};
use crate::domain::privacy::AccessAction;

impl App {
    /// The person's module places still running or waiting, and their planned appointments from
    /// today on.
    fn still_running(&self, p: ParticipantId) -> (Vec<Enrolment>, Vec<Appointment>) {
        let today = self.today;
        let enrolments = self
            .modules
            .enrolments_of(p)
            .into_iter()
            .filter(|e| {
                self.modules.module(e.module).is_some_and(|m| {
                    matches!(
                        self.modules.schedule(m, today).progress.get(&e.id).map(|x| x.status),
                        Some(EnrolmentStatus::Active | EnrolmentStatus::Waiting)
                    )
                })
            })
            .cloned()
            .collect();
        let appointments = self
            .store
            .appointments_of(p)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.is_planned() && a.at.date() >= today)
            .collect();
        (enrolments, appointments)
    }

    /// Right after a closing: asks whether to stop what still runs, naming it; nothing to ask
    /// when nothing runs.
    pub(super) fn offer_wind_down(&mut self, p: ParticipantId) {
        let (enrolments, appointments) = self.still_running(p);
        if enrolments.is_empty() && appointments.is_empty() {
            return;
        }
        let s = &self.strings;
        let mut what = Vec::new();
        if !enrolments.is_empty() {
            let names: Vec<String> =
                enrolments.iter().filter_map(|e| self.modules.module(e.module).map(|m| m.name.clone())).collect();
            what.push(s.fill("closing.modules", &[("modules", &names.join(", "))]));
        }
        if !appointments.is_empty() {
            let when: Vec<String> = appointments.iter().map(|a| crate::domain::appointment::when(a.at)).collect();
            what.push(s.fill("closing.appointments", &[("when", &when.join(", "))]));
        }
        let name = self.caseload.by_id(p).map(|x| x.listed_name()).unwrap_or_default();
        let message = s.fill("closing.wind_down", &[("name", &name), ("what", &what.join("; "))]);
        self.apply(vec![Effect::Confirm { kind: ConfirmKind::WindDown(p), message }]);
    }

    /// Stops the person's running module places and cancels their coming appointments.
    pub(super) fn wind_down(&mut self, p: ParticipantId) {
        let (enrolments, appointments) = self.still_running(p);
        let (today, now, coach) = (self.today, (self.clock)(), self.coach.clone());
        let reason = self.strings.get("closing.cancel_reason").to_string();
        let mut access = Vec::new();
        if !enrolments.is_empty() {
            access.extend(self.access_for(p, AccessAction::Recorded("enrolment".into())));
        }
        if !appointments.is_empty() {
            access.extend(self.access_for(p, AccessAction::Recorded("appointment_cancelled".into())));
        }
        let res = self.store.with_access(access, |st| {
            for mut e in enrolments.iter().cloned() {
                e.stopped_on = Some(today);
                st.save_enrolment(&e)?;
            }
            for mut a in appointments.iter().cloned() {
                if a.cancel(&reason, &coach, now).is_ok() {
                    st.save_appointment(&a)?;
                }
            }
            Ok(())
        });
        match res {
            Ok(()) => {
                self.reload_modules();
                self.reload_day();
                let done = self.strings.fill(
                    "closing.wound_down",
                    &[("modules", &enrolments.len().to_string()), ("appointments", &appointments.len().to_string())],
                );
                self.flash = Some((done, false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }
}
