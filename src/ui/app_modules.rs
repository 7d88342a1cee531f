//! The App's handling of the module catalogue, the week view, rosters and enrolments.

use chrono::Duration;

use super::app::{App, Screen};
use super::module_form;
use super::modules_data::ModuleData;
use super::screens::modules::CatalogueState;
use super::screens::week::WeekState;
use crate::domain::module::{Attendance, Enrolment, EnrolmentId, EnrolmentStatus, ModuleId, overlaps};

impl App {
    /// Reloads the module data after a save.
    pub(super) fn reload_modules(&mut self) {
        match ModuleData::load(&self.store) {
            Ok(d) => self.modules = d,
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.compute_start();
    }

    pub(super) fn open_catalogue(&mut self) {
        self.push_screen(Screen::Catalogue(CatalogueState { selected: 0 }));
    }

    pub(super) fn open_week(&mut self) {
        self.push_screen(Screen::Week(WeekState::new(self.today)));
        self.fill_weeks();
    }

    /// Reads, for every open week agenda, the appointments of the week it shows whose
    /// participant is the coach's own (everyone's when the start screen shows the team).
    pub(super) fn fill_weeks(&mut self) {
        let whose = if self.team { None } else { Some(self.coach.clone()) };
        let mut failed = None;
        for screen in self.layers.screens_mut() {
            let Screen::Week(w) = screen else { continue };
            let read = self.store.appointments_between(w.monday, w.monday + Duration::days(7));
            let all = read.unwrap_or_else(|e| {
                failed.get_or_insert(e);
                Vec::new()
            });
            // A closed trajectory's person with an appointment this week is read too.
            let _ = self.caseload.read_closed(&self.store, all.iter().map(|a| a.participant));
            let own = all
                .into_iter()
                .filter(|a| self.caseload.own_by_id(whose.as_deref(), a.participant).is_some())
                .collect();
            w.fill(own, whose.clone(), &self.modules, self.today);
        }
        if let Some(e) = failed {
            self.flash = Some((self.error_text(&e), true));
        }
    }

    pub(super) fn toggle_cancelled(&mut self, id: ModuleId, date: Option<chrono::NaiveDate>) -> bool {
        let (Some(date), Some(m)) = (date, self.modules.module(id)) else {
            return false;
        };
        if date < self.today {
            self.flash = Some((self.strings.get("modules.past_cannot_cancel").to_string(), true));
            return true;
        }
        let mut m = m.clone();
        let key = if let Some(i) = m.cancelled.iter().position(|d| *d == date) {
            m.cancelled.remove(i);
            "modules.session_restored"
        } else {
            m.cancelled.push(date);
            "modules.session_cancelled"
        };
        m.updated_at = (self.clock)();
        match self.store.save_module(&m) {
            Ok(()) => {
                self.reload_modules();
                self.flash =
                    Some((self.strings.fill(key, &[("date", &crate::domain::validate::format_date(date))]), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        true
    }

    pub(super) fn save_roster(&mut self) {
        let Screen::Roster(r) = self.layers.top_screen() else {
            return;
        };
        let marks: Vec<_> = r.rows.iter().filter_map(|(p, m)| m.map(|m| (*p, m))).collect();
        // Only the people whose mark changed get an entry in their access log.
        let before: Vec<_> = self
            .modules
            .attendance
            .iter()
            .find(|x| x.module == r.module && x.date == r.date)
            .map(|x| x.marks.clone())
            .unwrap_or_default();
        let changed: Vec<_> = marks.iter().filter(|m| !before.contains(m)).map(|(p, _)| *p).collect();
        let a = Attendance { module: r.module, date: r.date, marks };
        if a.too_early(self.today) {
            // The roster stays open with its marks: only an "excused" can be kept before the day.
            self.flash = Some((self.strings.get("roster.too_early").to_string(), true));
            return;
        }
        let access = changed
            .into_iter()
            .flat_map(|p| self.access_for(p, crate::domain::privacy::AccessAction::Recorded("attendance".into())))
            .collect();
        match self.store.with_access(access, |s| s.save_marks(&before, &a)) {
            Ok(()) => {
                self.pop();
                self.reload_modules();
                self.flash = Some((self.strings.get("roster.saved").to_string(), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Saves a new module (`id` is `None`) or the changes to module `id`.
    pub(super) fn save_module_form(&mut self, id: Option<ModuleId>) {
        let today = self.today;
        let now = (self.clock)();
        let existing = match id {
            Some(id) => match self.modules.module(id) {
                Some(m) => Some(m.clone()),
                None => {
                    self.flash = Some((self.strings.get("draft.gone").to_string(), true));
                    return;
                }
            },
            None => None,
        };
        let Screen::Form(f) = self.layers.top_screen_mut() else {
            return;
        };
        let Ok(m) = module_form::apply(&mut f.form, existing.as_ref(), today, now) else {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return;
        };
        let res = self.store.save_module(&m).map(|()| m.name);
        self.module_saved(res);
    }

    /// Saves the closure days of the closure form.
    pub(super) fn save_closure_form(&mut self) {
        let today = self.today;
        let Screen::Form(f) = self.layers.top_screen_mut() else {
            return;
        };
        let Ok(days) = module_form::closures(&mut f.form, today) else {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return;
        };
        let res = days.iter().try_for_each(|c| self.store.save_closure(c)).map(|()| days.len().to_string());
        self.module_saved(res);
    }

    fn module_saved(&mut self, result: Result<String, crate::store::StoreError>) {
        let key = match self.screen() {
            Screen::Form(f) => f.draft_key.clone(),
            _ => return,
        };
        match result {
            Ok(what) => {
                let _ = self.store.delete_draft(&key);
                self.pop();
                self.reload_modules();
                self.flash = Some((self.strings.fill("modules.saved", &[("what", &what)]), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Stops enrolment `id` today (after the coach confirmed it).
    pub(super) fn stop_enrolment(&mut self, id: EnrolmentId) {
        let today = self.today;
        let Some(mut e) = self.modules.enrolment(id).cloned() else {
            return;
        };
        let was_waiting = self
            .modules
            .module(e.module)
            .and_then(|m| self.modules.schedule(m, today).progress.get(&e.id).map(|x| x.waiting_place.is_some()))
            .unwrap_or(false);
        e.stopped_on = Some(today);
        let access = self.access_for(e.participant, crate::domain::privacy::AccessAction::Recorded("enrolment".into()));
        match self.store.with_access(access, |s| s.save_enrolment(&e)) {
            Ok(()) => {
                self.reload_modules();
                let key = if was_waiting { "modules.stopped_waiting" } else { "modules.stopped" };
                self.flash = Some((self.strings.get(key).to_string(), false));
            }
            Err(err) => self.flash = Some((self.error_text(&err), true)),
        }
    }

    pub(super) fn enrol(&mut self, participant: crate::domain::ParticipantId, module: ModuleId) {
        let today = self.today;
        let now = (self.clock)();
        let running = self.modules.enrolments_of(participant).into_iter().any(|e| {
            e.module == module
                && self.modules.module(module).is_some_and(|m| {
                    matches!(
                        self.modules.schedule(m, today).progress.get(&e.id).map(|x| x.status),
                        Some(EnrolmentStatus::Active | EnrolmentStatus::Waiting)
                    )
                })
        });
        if running {
            self.flash = Some((self.strings.get("modules.already").to_string(), true));
            return;
        }
        let e = Enrolment {
            id: EnrolmentId(uuid::Uuid::new_v4()),
            participant,
            module,
            enrolled_on: today,
            stopped_on: None,
            created_at: now,
        };
        let access = self.access_for(participant, crate::domain::privacy::AccessAction::Recorded("enrolment".into()));
        if let Err(err) = self.store.with_access(access, |s| s.save_enrolment(&e)) {
            self.flash = Some((self.error_text(&err), true));
            return;
        }
        self.reload_modules();
        self.pop();
        if let Screen::Participant(p) = self.layers.top_screen_mut() {
            p.show_tab(super::tab::Tab::Modules);
        }
        let Some(m) = self.modules.module(module) else {
            return;
        };
        let sched = self.modules.schedule(m, today);
        let progress = sched.progress.get(&e.id);
        let mut msg = match progress.and_then(|p| p.waiting_place.or(if p.started.is_none() { Some(0) } else { None }))
        {
            Some(place) if place > 0 => {
                self.strings.fill("modules.enrolled_waiting", &[("name", &m.name), ("place", &place.to_string())])
            }
            _ => {
                let first = sched.rosters.iter().find(|(_, r)| r.contains(&e.id)).map(|(d, _)| *d);
                match first {
                    Some(d) => self.strings.fill(
                        "modules.enrolled",
                        &[("name", &m.name), ("date", &crate::domain::validate::format_date(d))],
                    ),
                    None => self.strings.fill("modules.enrolled_full", &[("name", &m.name)]),
                }
            }
        };
        // Two sessions at the same time: say so.
        if let Some((other, date)) = self.clash(participant, module) {
            msg.push_str("  ");
            msg.push_str(
                &self
                    .strings
                    .fill("modules.clash", &[("other", &other), ("date", &crate::domain::validate::format_date(date))]),
            );
            self.flash = Some((msg, true));
        } else {
            self.flash = Some((msg, false));
        }
    }

    /// A session of another running module of this participant at the same time as one of `module`'s
    /// in the coming eight weeks.
    fn clash(
        &self,
        participant: crate::domain::ParticipantId,
        module: ModuleId,
    ) -> Option<(String, chrono::NaiveDate)> {
        let today = self.today;
        let until = today + Duration::days(56);
        let m = self.modules.module(module)?;
        let mine: Vec<_> = self
            .modules
            .sessions(m, today)
            .into_iter()
            .filter(|x| x.topic.is_some() && x.date >= today && x.date <= until)
            .collect();
        for e in self.modules.enrolments_of(participant) {
            if e.module == module || e.stopped_on.is_some_and(|s| s <= today) {
                continue;
            }
            let Some(other) = self.modules.module(e.module) else {
                continue;
            };
            for x in self
                .modules
                .sessions(other, today)
                .into_iter()
                .filter(|x| x.topic.is_some() && x.date >= today && x.date <= until)
            {
                if mine.iter().any(|y| overlaps(m, y.date, other, x.date)) {
                    return Some((other.name.clone(), x.date));
                }
            }
        }
        None
    }
}
