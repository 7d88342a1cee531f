//! Module data held by the UI: the catalogue, enrolments, attendance and closure days, small
//! enough to load whole and reload after a save.

use chrono::{Duration, NaiveDate};

use crate::domain::ParticipantId;
use crate::domain::module::{Attendance, Closure, Enrolment, Module, ModuleId, Schedule, Session, sessions, simulate};
use crate::store::{Store, StoreError};

/// How far ahead rosters and forecasts look.
pub const HORIZON_DAYS: i64 = 365;

#[derive(Debug, Clone, Default)]
pub struct ModuleData {
    pub modules: Vec<Module>,
    pub enrolments: Vec<Enrolment>,
    pub attendance: Vec<Attendance>,
    pub closures: Vec<Closure>,
}

impl ModuleData {
    /// Reads everything the module screens need; the enrolments (the largest part) on a second
    /// thread while the rest is read, as decrypting them is most of the work.
    pub fn load(store: &Store) -> Result<ModuleData, StoreError> {
        std::thread::scope(|scope| {
            let enrolments = std::thread::Builder::new().spawn_scoped(scope, || store.enrolments()).ok();
            let mut closures = store.closures()?;
            closures.sort_by_key(|c| c.date);
            let (modules, attendance) = (store.modules()?, store.attendance()?);
            let enrolments = match enrolments.map(|h| h.join()) {
                Some(Ok(read)) => read?,
                // Without a second thread (or if it died), read them here.
                _ => store.enrolments()?,
            };
            Ok(ModuleData { modules, enrolments, attendance, closures })
        })
    }

    pub fn module(&self, id: ModuleId) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    pub fn schedule(&self, m: &Module, today: NaiveDate) -> Schedule {
        simulate(m, &self.closures, &self.enrolments, &self.attendance, today, today + Duration::days(HORIZON_DAYS))
    }

    /// Every planned session of `m` up to the horizon (held or not).
    pub fn sessions(&self, m: &Module, today: NaiveDate) -> Vec<Session> {
        sessions(m, &self.closures, today + Duration::days(HORIZON_DAYS))
    }

    pub fn attendance_of(&self, m: ModuleId, date: NaiveDate) -> Option<&Attendance> {
        self.attendance.iter().find(|a| a.module == m && a.date == date)
    }

    /// How a session's marks read in a list: " ✓" once attendance was taken (someone marked
    /// present or absent), " · 2 afgemeld" when only people who called off are marked (the
    /// session has not been held yet), else nothing.
    pub fn session_mark(&self, m: ModuleId, date: NaiveDate, strings: &crate::i18n::Strings) -> String {
        let Some(a) = self.attendance_of(m, date) else { return String::new() };
        if a.marks.iter().any(|(_, mark)| *mark != crate::domain::module::Mark::Excused) {
            return " ✓".into();
        }
        match a.marks.len() {
            0 => String::new(),
            n => format!(" · {}", strings.fill("roster.only_excused", &[("n", &n.to_string())])),
        }
    }

    pub fn enrolment(&self, id: crate::domain::module::EnrolmentId) -> Option<&Enrolment> {
        self.enrolments.iter().find(|e| e.id == id)
    }

    /// The enrolments (with their module) that had a place in `before` and wait in line now: a
    /// colleague's earlier enrolment, arrived by the sync, took the place.
    pub fn places_lost(&self, before: &ModuleData, today: NaiveDate) -> Vec<(&Enrolment, &Module)> {
        let mut out = Vec::new();
        for m in &self.modules {
            let lost = crate::domain::module::places_lost(&before.schedule(m, today), &self.schedule(m, today));
            out.extend(lost.into_iter().filter_map(|e| self.enrolment(e)).map(|e| (e, m)));
        }
        out
    }

    pub fn enrolments_of(&self, p: ParticipantId) -> Vec<&Enrolment> {
        let mut out: Vec<&Enrolment> = self.enrolments.iter().filter(|e| e.participant == p).collect();
        out.sort_by_key(|e| e.enrolled_on);
        out
    }
}
