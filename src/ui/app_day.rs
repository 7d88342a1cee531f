//! The App's handling of contacts, appointments, trajectory steps, signals and referrals.

use chrono::Local;

use super::app::{App, FormScreen, Screen};
use super::day_forms;
use super::keymap::Action;
use super::screens::participant::Tab;
use crate::domain::contact::{Appointment, Channel, Contact, Initiative, Reached, RecordId};
use crate::domain::goal::LifeArea;
use crate::domain::signal::{PartnerKind, PartnerReferral, ReferralStatus, Signal, SignalKind, SignalStatus};
use crate::domain::trajectory::{self, Change, Closing, ExitOutcome, Trajectory};
use crate::domain::validate::{clean_text, parse_date};
use crate::domain::{ParticipantId, Status};

impl App {
    /// After a save: the participant screens' day records, the list's contact days and the start
    /// screen are read again.
    pub(super) fn reload_day(&mut self) {
        let ids: Vec<ParticipantId> =
            self.stack.iter().filter_map(|s| if let Screen::Participant(p) = s { Some(p.id) } else { None }).collect();
        for id in ids {
            match super::day_data::DayRecords::load(&self.store, id) {
                Ok(d) => {
                    for s in &mut self.stack {
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
        if self.stack.iter().any(|s| matches!(s, Screen::List(_))) {
            self.contact_summaries = self.store.contact_summaries().ok();
        }
        self.compute_start();
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
        use super::screens::start::{SessionLine, StartRow, Today, attention_rows};
        use crate::domain::attention::Facts;
        let today = self.today;
        let team = self.team;
        let coach = self.coach.clone();
        // Whose start screen: the coach's own caseload, or everyone's.
        let whose = if team { None } else { Some(coach.as_str()) };
        let appointments = self.store.appointments_on(today).unwrap_or_default();
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
            .filter(|a| self.caseload.own_by_id(whose, a.participant).is_some())
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
        struct Looked {
            last_made: Option<chrono::NaiveDate>,
            goals: Vec<crate::domain::goal::Goal>,
            signals: Vec<crate::domain::signal::Signal>,
            trajectory: Option<crate::domain::trajectory::Trajectory>,
        }
        let people: Vec<&crate::domain::Participant> = self.caseload.open_of(whose);
        let looked: Vec<Looked> = people
            .iter()
            .map(|p| Looked {
                last_made: self.store.contact_summary(p.id).ok().and_then(|c| c.last_made),
                goals: self.store.goals_of(p.id).unwrap_or_default(),
                signals: self.store.signals_of(p.id).unwrap_or_default(),
                trajectory: self.store.trajectory(p.id).ok().flatten(),
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
            })
            .collect();
        let mut rules = crate::domain::attention::Rules::default();
        if let Some(days) = self.store.settings().ok().and_then(|s| s.no_contact_days) {
            rules.max_days_without_contact = i64::from(days);
        }
        rows.extend(attention_rows(&facts, today, &rules));
        let counts = self.caseload.counts(whose);
        self.start = Today { rows, sessions, counts, team, coach, date: today };
        if let Some(Screen::Start(s)) = self.stack.first_mut() {
            s.selected = s.selected.min(self.start.rows.len().saturating_sub(1));
        }
    }

    /// The signals tab: `↑` `↓` choose a signal, `Enter` opens it to change or close it.
    pub(super) fn signals_action(&mut self, action: Option<Action>) -> Option<bool> {
        let Some(Screen::Participant(s)) = self.stack.last_mut() else { return None };
        if s.tab != Tab::Signals {
            return None;
        }
        let n = s.day.signals.len();
        match action? {
            Action::Down if n > 0 => {
                s.selected_signal = (s.selected_signal + 1).min(n - 1);
                Some(true)
            }
            Action::Up => {
                s.selected_signal = s.selected_signal.saturating_sub(1);
                Some(true)
            }
            Action::Open => {
                let (id, signal) = (s.id, s.day.signals.get(s.selected_signal).cloned());
                let (Some(x), Some(p)) = (signal, self.caseload.by_id(id)) else { return Some(false) };
                if p.status == Status::Closed {
                    self.flash = Some((self.strings.get("trajectory.read_only").to_string(), true));
                    return Some(true);
                }
                let name = p.listed_name();
                let mut form =
                    day_forms::form("signal", &self.strings, *id.as_bytes(), &name, self.today, Local::now().time());
                let values = [
                    ("kind", x.kind.code().to_string()),
                    ("date", crate::domain::validate::format_date(x.date)),
                    ("escalated_to", x.escalated_to.clone()),
                    ("status", x.status.code().to_string()),
                    ("follow_up", x.follow_up.map(crate::domain::validate::format_date).unwrap_or_default()),
                    ("note", x.note.clone()),
                ];
                form.restore(&values.map(|(k, v)| (k.to_string(), v)), 3);
                // The signal's own id in the draft key: saving changes it instead of adding one.
                let key = format!("signal:{}:{}", id.0.simple(), x.id.0.simple());
                self.stack.push(Screen::Form(FormScreen { form, draft_key: key, goal: None }));
                Some(true)
            }
            _ => None,
        }
    }

    /// The participant-screen keys for the coach's day.
    pub(super) fn day_action(&mut self, action: Action) -> bool {
        let Some(Screen::Participant(s)) = self.stack.last() else {
            return false;
        };
        let id = s.id;
        let Some(p) = self.caseload.by_id(id) else {
            return false;
        };
        let closed = p.status == Status::Closed;
        // A closed trajectory is read-only until it is reopened.
        if closed && action != Action::Reopen {
            self.flash = Some((self.strings.get("trajectory.read_only").to_string(), true));
            return true;
        }
        let form_id = match action {
            Action::LogContact => "contact",
            Action::PlanAppointment => "appointment",
            Action::Extend => "extend",
            Action::CloseTrajectory => "close",
            Action::Reopen => "reopen",
            Action::WriteAdvice => "advice",
            Action::NewSignal => "signal",
            Action::NewReferral => "referral",
            Action::Advance => {
                self.change_status(id, Change::Advance);
                return true;
            }
            _ => return false,
        };
        if form_id == "reopen" && !closed {
            self.flash = Some((self.strings.get("refused.not_a_step").to_string(), true));
            return true;
        }
        let name = p.listed_name();
        let form = day_forms::form(form_id, &self.strings, *id.as_bytes(), &name, self.today, Local::now().time());
        let key = format!("{form_id}:{}", id.0.simple());
        self.stack.push(Screen::Form(FormScreen { form, draft_key: key, goal: None }));
        true
    }

    fn trajectory_of(&self, id: ParticipantId) -> Trajectory {
        self.store.trajectory(id).ok().flatten().unwrap_or_else(|| Trajectory::new(id, (self.clock)()))
    }

    /// Applies a trajectory step; returns whether it was saved.
    fn change_status(&mut self, id: ParticipantId, change: Change) -> bool {
        self.change_status_with(id, change, None, Vec::new())
    }

    /// A status change; closing also records the ESF+ results at exit.
    fn change_status_with(
        &mut self,
        id: ParticipantId,
        change: Change,
        exit: Option<crate::domain::esf::EsfExit>,
        access: Vec<crate::domain::privacy::AccessEntry>,
    ) -> bool {
        let Some(mut p) = self.caseload.by_id(id).cloned() else {
            return false;
        };
        let mut t = self.trajectory_of(id);
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

    /// Saves one of the day forms; `false` when the form id is not one of them.
    pub(super) fn save_day_form(&mut self) -> bool {
        let today = self.today;
        let now = (self.clock)();
        let Some(Screen::Form(f)) = self.stack.last_mut() else {
            return false;
        };
        let id_str = f.form.id;
        if !matches!(
            id_str,
            "contact" | "appointment" | "extend" | "reopen" | "advice" | "close" | "signal" | "referral"
        ) {
            return false;
        }
        let Some(pid) = f.form.target.map(ParticipantId::from_bytes) else {
            return false;
        };
        if !f.form.validate_all(today) {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return true;
        }
        let form = &f.form;
        let text = |k: &str| clean_text(form.value(k)).unwrap_or_default();
        let key = f.draft_key.clone();
        let coach = self.coach.clone();
        // Written with the record it is about, in the same transaction.
        let recorded = vec![crate::domain::privacy::AccessEntry {
            participant: pid,
            at: now,
            coach: coach.clone(),
            action: crate::domain::privacy::AccessAction::Recorded(id_str.to_string()),
        }];
        let result: Result<Option<Tab>, crate::store::StoreError> = match id_str {
            "contact" => {
                let Some(at) = day_forms::moment(form, "date", "time") else {
                    return true;
                };
                let areas = ["area_1", "area_2"]
                    .iter()
                    .filter_map(|k| LifeArea::ALL.iter().copied().find(|a| a.code() == form.value(k)))
                    .collect();
                let c = Contact {
                    id: RecordId::new_random(),
                    participant: pid,
                    at,
                    channel: Channel::parse(form.value("channel")).unwrap_or(Channel::Other),
                    initiative: Initiative::parse(form.value("initiative")).unwrap_or(Initiative::Coach),
                    minutes: form.value("minutes").trim().parse().unwrap_or(0),
                    reached: Reached::parse(form.value("reached")).unwrap_or(Reached::Made),
                    life_areas: areas,
                    summary: text("summary"),
                    coach: coach.clone(),
                    created_at: now,
                };
                let next = day_forms::moment(form, "next_date", "next_time").map(|at| Appointment {
                    id: RecordId::new_random(),
                    participant: pid,
                    at,
                    place: text("next_place"),
                    note: String::new(),
                    coach: coach.clone(),
                    created_at: now,
                });
                self.store
                    .with_access(recorded, |s| s.save_contact(&c))
                    .and_then(|()| next.map_or(Ok(()), |a| self.store.save_appointment(&a)))
                    .map(|()| Some(Tab::Contacts))
            }
            "appointment" => {
                let Some(at) = day_forms::moment(form, "next_date", "next_time") else {
                    return true;
                };
                let a = Appointment {
                    id: RecordId::new_random(),
                    participant: pid,
                    at,
                    place: text("next_place"),
                    note: text("note"),
                    coach: coach.clone(),
                    created_at: now,
                };
                self.store.with_access(recorded, |s| s.save_appointment(&a)).map(|()| Some(Tab::Contacts))
            }
            "signal" => {
                // A signal opened from the signals tab keeps its id and when it was recorded.
                let existing = key
                    .split(':')
                    .nth(2)
                    .and_then(|x| uuid::Uuid::parse_str(x).ok())
                    .and_then(|u| self.store.signals_of(pid).ok()?.into_iter().find(|x| x.id.0 == u));
                let s = Signal {
                    id: existing.as_ref().map_or_else(RecordId::new_random, |x| x.id),
                    participant: pid,
                    date: parse_date(form.value("date")).unwrap_or(today),
                    kind: SignalKind::parse(form.value("kind")).unwrap_or(SignalKind::Other),
                    escalated_to: text("escalated_to"),
                    status: SignalStatus::parse(form.value("status")).unwrap_or(SignalStatus::Open),
                    follow_up: parse_date(form.value("follow_up")).ok(),
                    note: text("note"),
                    created_at: existing.map_or(now, |x| x.created_at),
                };
                self.store.with_access(recorded, |st| st.save_signal(&s)).map(|()| Some(Tab::Signals))
            }
            "referral" => {
                let consent = form.value("consent") == "yes";
                let r = PartnerReferral {
                    id: RecordId::new_random(),
                    participant: pid,
                    partner_kind: PartnerKind::parse(form.value("partner_kind")).unwrap_or(PartnerKind::Other),
                    partner: text("partner"),
                    purpose: text("purpose"),
                    date: parse_date(form.value("date")).unwrap_or(today),
                    status: ReferralStatus::parse(form.value("status")).unwrap_or(ReferralStatus::Proposed),
                    result: text("result"),
                    consent,
                    consent_date: consent.then_some(today),
                    created_at: now,
                };
                self.store.with_access(recorded, |s| s.save_partner_referral(&r)).map(|()| Some(Tab::Signals))
            }
            "advice" => {
                let advice = text("advice");
                let mut t = self.trajectory_of(pid);
                t.advice = advice;
                t.updated_at = now;
                match self.caseload.by_id(pid).cloned() {
                    Some(p) => {
                        self.store.with_access(recorded, |s| s.save_status_change(&p, &t)).map(|()| Some(Tab::Profile))
                    }
                    None => return true,
                }
            }
            _ => {
                let change = match id_str {
                    "extend" => Change::Extend { reason: text("reason") },
                    "reopen" => Change::Reopen { reason: text("reason") },
                    _ => Change::Close(Closing {
                        end_date: parse_date(form.value("end_date")).unwrap_or(today),
                        outcome: ExitOutcome::parse(form.value("outcome")).unwrap_or(ExitOutcome::ContinuedActivation),
                        advice: text("advice"),
                    }),
                };
                // Refused: the form stays with everything typed and the message says why.
                let exit = (id_str == "close").then(|| day_forms::esf_exit(form));
                if self.change_status_with(pid, change, exit, recorded) {
                    self.reload_privacy();
                    let _ = self.store.delete_draft(&key);
                    self.stack.retain(|s| !matches!(s, Screen::Form(f) if f.draft_key == key));
                }
                return true;
            }
        };
        match result {
            Ok(tab) => {
                let _ = self.store.delete_draft(&key);
                self.pop();
                self.reload_day();
                self.reload_privacy();
                if let (Some(tab), Some(Screen::Participant(p))) = (tab, self.stack.last_mut()) {
                    p.show_tab(tab);
                }
                self.flash = Some((self.strings.get("form.saved_short").to_string(), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        true
    }
}
