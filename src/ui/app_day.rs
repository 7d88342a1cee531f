//! The App's handling of contacts, appointments, trajectory steps, signals and referrals.

use super::app::{App, Screen};
use crate::domain::ParticipantId;
use crate::domain::privacy::AccessAction;
use crate::domain::trajectory::{self, Change, Trajectory};
use crate::store::StoreError;

impl App {
    /// The participants whose screens are open (any layer), bottom first.
    pub(super) fn open_participants(&self) -> Vec<ParticipantId> {
        self.layers.screens().filter_map(|s| if let Screen::Participant(p) = s { Some(p.id) } else { None }).collect()
    }

    /// After a save: the participant screens' day records, the list's contact days, the start
    /// screen and an open week agenda are read again.
    pub(super) fn reload_day(&mut self) {
        let ids = self.open_participants();
        for id in ids {
            match super::day_data::DayRecords::load(&self.store, id) {
                Ok(d) => {
                    for s in self.layers.screens_mut() {
                        if let Screen::Participant(p) = s
                            && p.id == id
                        {
                            p.day = d.clone();
                        }
                    }
                }
                Err(e) => self.flash = Some((self.error_text(&e), true)),
            }
        }
        self.contact_summaries = None;
        if self.layers.screens().any(|s| matches!(s, Screen::List(_))) {
            self.contact_summaries = self.store.contact_summaries().ok();
        }
        // Every save writes an access-log entry: the privacy tab shows it at once.
        self.reload_privacy();
        self.compute_start();
        self.fill_weeks();
    }

    /// Waits for the rest of the caseload (read on a second thread while the first frame is
    /// drawn), then computes the start screen again if the coach's own people read before it
    /// were not exactly theirs, and puts the coach tags right (a caseload from before tags gets
    /// them here). A caseload that cannot be read to the end is as fatal as at start: the message
    /// is kept in `fatal` and the app quits. Returns whether to redraw.
    pub fn finish_loading(&mut self) -> bool {
        if self.loaded {
            return false;
        }
        self.loaded = true;
        let (failed, differs) = self.caseload.complete();
        if let Some(e) = failed {
            self.fatal = Some(self.strings.store_error(e));
            self.quit = true;
            return true;
        }
        let tagged = self.store.tag_coaches(self.caseload.people());
        if let Err(e) = &tagged {
            self.flash = Some((self.strings.store_error(e), true));
        }
        if differs {
            self.compute_start();
        }
        differs || tagged.is_err()
    }

    /// Computes the start screen: today's appointments and sessions, and the attention list for
    /// the coach's caseload (or the team), looking up each participant's records by key.
    pub(super) fn compute_start(&mut self) {
        use super::start_data::{SessionLine, StartRow, Today, attention_rows};
        use crate::domain::attention::Facts;
        let today = self.today;
        let team = self.team;
        let coach = self.coach.clone();
        // Whose start screen: the coach's own caseload, or everyone's.
        let whose = if team { None } else { Some(coach.as_str()) };
        // A store error is reported, never taken for "nothing there": the first one goes to the
        // footer, and a participant whose records could not be read is listed as such.
        let mut failed: Option<StoreError> = None;
        let appointments = self.store.appointments_on(today).unwrap_or_else(|e| {
            failed.get_or_insert(e);
            Vec::new()
        });
        // Module sessions today (with who is seated), and places that came free for a session in
        // the coming week.
        let mut today_sessions = Vec::new();
        let mut freed: std::collections::HashMap<ParticipantId, Vec<(String, chrono::NaiveDate)>> = Default::default();
        for m in &self.modules.modules {
            let sched = self.modules.schedule(m, today);
            for (date, e) in &sched.moved_up {
                if *date >= today
                    && *date <= today + chrono::Duration::days(7)
                    && let Some(e) = self.modules.enrolment(*e)
                {
                    freed.entry(e.participant).or_default().push((m.name.clone(), *date));
                }
            }
            if let Some(x) = self.modules.sessions(m, today).into_iter().find(|x| x.date == today && x.topic.is_some())
            {
                let seated: Vec<ParticipantId> = (sched.rosters.get(&today).into_iter().flatten())
                    .filter_map(|e| self.modules.enrolment(*e).map(|e| e.participant))
                    .collect();
                today_sessions.push((m, x.topic.unwrap_or(1), seated));
            }
        }
        // A closed trajectory of the coach's with an appointment or a seat today: read that person
        // too (otherwise the whole caseload would be waited for). If that read fails, the whole
        // caseload is waited for instead, and reports a damaged record itself.
        let wanted = appointments.iter().map(|a| a.participant).chain(today_sessions.iter().flat_map(|s| s.2.clone()));
        let _ = self.caseload.read_closed(&self.store, wanted);
        let mut rows: Vec<StartRow> = appointments
            .into_iter()
            // A cancelled appointment (or one marked not kept) needs nothing more today.
            .filter(|a| a.is_planned() && self.caseload.own_by_id(whose, a.participant).is_some())
            .map(|a| StartRow::Appointment { participant: a.participant, at: a.at, place: a.place })
            .collect();
        let mut sessions: Vec<SessionLine> = today_sessions
            .into_iter()
            .map(|(m, topic, seated)| SessionLine {
                start_minute: m.start_minute,
                module: m.name.clone(),
                topic,
                cycle: m.cycle(),
                seated: seated.len(),
                capacity: m.capacity,
                expected: seated
                    .iter()
                    .filter_map(|p| self.caseload.own_by_id(whose, *p))
                    .map(|p| p.listed_name())
                    .collect(),
            })
            .collect();
        sessions.sort_by_key(|x| x.start_minute);
        // The attention list, from each participant's records.
        #[derive(Default)]
        struct Looked {
            last_made: Option<chrono::NaiveDate>,
            goals: Vec<crate::domain::goal::Goal>,
            signals: Vec<crate::domain::signal::Signal>,
            trajectory: Option<crate::domain::trajectory::Trajectory>,
            unreadable: Option<&'static str>,
        }
        let look = |id: ParticipantId| -> Result<Looked, (&'static str, StoreError)> {
            Ok(Looked {
                last_made: self.store.contact_summary(id).map_err(|e| ("contacts", e))?.last_made,
                goals: self.store.goals_of(id).map_err(|e| ("goals", e))?,
                signals: self.store.signals_of(id).map_err(|e| ("signals", e))?,
                trajectory: self.store.trajectory(id).map_err(|e| ("trajectory", e))?,
                unreadable: None,
            })
        };
        let people: Vec<&crate::domain::Participant> = self.caseload.open_of(whose);
        let looked: Vec<Looked> = people
            .iter()
            .map(|p| {
                look(p.id).unwrap_or_else(|(what, e)| {
                    failed.get_or_insert(e);
                    Looked { unreadable: Some(what), ..Looked::default() }
                })
            })
            .collect();
        let facts: Vec<Facts> = people
            .iter()
            .zip(&looked)
            .map(|(p, l)| Facts {
                participant: p,
                last_made: l.last_made,
                goals: &l.goals,
                signals: &l.signals,
                trajectory: l.trajectory.as_ref(),
                places_freed: freed.get(&p.id).map_or(&[], Vec::as_slice),
                unreadable: l.unreadable,
            })
            .collect();
        let mut rules = crate::domain::attention::Rules::default();
        match self.store.settings() {
            Ok(settings) => {
                if let Some(days) = settings.no_contact_days {
                    rules.max_days_without_contact = i64::from(days);
                }
            }
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
        rows.extend(attention_rows(&facts, today, &rules));
        let counts = self.caseload.counts(whose);
        let conflicts = match self.store.conflicts() {
            Ok(all) => all.iter().filter(|c| c.resolved.is_none()).count(),
            Err(e) => {
                failed.get_or_insert(e);
                0
            }
        };
        self.start = Today { rows, sessions, counts, team, conflicts, coach, date: today };
        if let Some(e) = failed {
            self.flash = Some((self.error_text(&e), true));
        }
        let new_day = self.start_placed != Some(today);
        let place = new_day.then(|| {
            let now = (self.clock)().with_timezone(&chrono::Local).time();
            super::screens::start::first_row(&self.start.rows, now)
        });
        if let Some(Screen::Start(s)) = self.layers.screens_mut().next() {
            s.selected = place.unwrap_or(s.selected).min(self.start.rows.len().saturating_sub(1));
            self.start_placed = Some(today);
        }
    }

    /// The participant's trajectory as stored, or a new one if they have none yet. A stored one
    /// that cannot be read is an error: replacing it with a fresh one would write over its history
    /// at the next status change.
    pub(super) fn trajectory_of(&self, id: ParticipantId) -> Result<Trajectory, StoreError> {
        Ok(self.store.trajectory(id)?.unwrap_or_else(|| Trajectory::new(id, (self.clock)())))
    }

    /// Applies a trajectory step; returns whether it was saved.
    pub(super) fn change_status(&mut self, id: ParticipantId, change: Change) -> bool {
        // A step without a form (`+`) is in the access log like every other change.
        let access = self.access_for(id, AccessAction::Recorded("advance".into()));
        self.change_status_with(id, change, None, access)
    }

    /// A status change; closing also records the ESF+ results at exit.
    pub(super) fn change_status_with(
        &mut self,
        id: ParticipantId,
        change: Change,
        exit: Option<crate::domain::esf::EsfExit>,
        access: Vec<crate::domain::privacy::AccessEntry>,
    ) -> bool {
        let Some(mut p) = self.caseload.by_id(id).cloned() else {
            return false;
        };
        let mut t = match self.trajectory_of(id) {
            Ok(t) => t,
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return false;
            }
        };
        let now = (self.clock)();
        if let Err(refused) = trajectory::apply(&mut p, &mut t, change, self.today, &self.coach, now) {
            self.flash = Some((self.strings.get(refused.key()).to_string(), true));
            return false;
        }
        if let Some(exit) = exit {
            t.esf_exit = exit;
        }
        match self.store.with_access(access, |s| s.save_status_change(&p, &t)) {
            Ok(()) => {
                let status = self.strings.get(&format!("status.{}", p.status.code())).to_string();
                self.caseload.upsert(p);
                // reload_day recomputes the start screen; the lists only need new rows.
                self.refresh_lists();
                self.reload_day();
                self.flash = Some((self.strings.fill("trajectory.changed", &[("status", &status)]), false));
                true
            }
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                false
            }
        }
    }
}
