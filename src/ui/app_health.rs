//! The App's handling of Positive Health conversations and goals, kept apart from the core state
//! machine in `app.rs`.

use crate::domain::privacy::AccessAction;
use chrono::{DateTime, Local};

use super::app::{App, FormScreen, Popup, Screen};
use super::goal_form;
use super::screens::assessment::AssessmentState;
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::goal::{Area, Goal};
use crate::domain::health::{Assessment, DIMENSIONS, counted};
use crate::store::AssessmentDraft;

impl App {
    /// Reloads the participant screen under the top screen after a save.
    pub(super) fn reload_participant(&mut self, id: ParticipantId) {
        let records = self.store.assessments_of(id).and_then(|a| self.store.goals_of(id).map(|g| (a, g)));
        match records {
            Ok((a, g)) => {
                let today = self.today;
                for screen in self.layers.screens_mut() {
                    if let Screen::Participant(s) = screen
                        && s.id == id
                    {
                        s.set_records(a.clone(), g.clone(), today);
                    }
                }
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.compute_start();
        self.reload_privacy();
    }

    /// Saves a goal whose step was ticked off or on (the executor of `Effect::SaveGoal`), its
    /// access-log entry written with it.
    pub(super) fn save_goal(&mut self, g: Goal) {
        let id = g.participant;
        let access = self.access_for(id, AccessAction::Recorded("goal".into()));
        let res = self.store.with_access(access, |s| s.save_goal(&g));
        self.report(res);
        self.reload_participant(id);
    }

    pub(super) fn start_assessment(&mut self, id: ParticipantId) {
        let name = self.caseload.by_id(id).map(|p| p.listed_name()).unwrap_or_default();
        let state = match self.store.assessment_draft(id) {
            Ok(Some(d)) => match self.assessment_from_draft(d, name) {
                Ok(state) => {
                    let resumed = if state.saved.is_some() { "health.resumed_correction" } else { "health.resumed" };
                    self.flash = Some((self.strings.get(resumed).to_string(), false));
                    state
                }
                Err(e) => {
                    self.flash = Some((self.error_text(&e), true));
                    return;
                }
            },
            Ok(None) => {
                // The one drawn dotted on the summary: the newest that counts.
                let previous = match self.screen() {
                    Screen::Participant(s) => counted(&s.assessments).last().cloned(),
                    _ => None,
                };
                AssessmentState::new(Assessment::new(id, self.today, &self.coach, (self.clock)()), name, previous)
            }
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                return;
            }
        };
        self.push_screen(Screen::Assessment(Box::new(state)));
    }

    /// Saves the conversation on top: a new one, or the correction of a saved one (with the
    /// reason the coach gave).
    pub(super) fn save_assessment(&mut self, then_goal: bool, reason: String) {
        let now = (self.clock)();
        let Screen::Assessment(s) = self.layers.top_screen() else {
            return;
        };
        if s.saved.is_some() {
            return self.save_correction(then_goal, reason);
        }
        let mut a = s.to_save();
        a.updated_at = now;
        let access = self.access_for(a.participant, AccessAction::Recorded("assessment".into()));
        match self.store.with_access(access, |s| s.save_assessment(&a)) {
            Ok(()) => self.after_saving(&a, then_goal, "health.saved"),
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// After a conversation was saved (or corrected): its draft goes, the participant's
    /// Positive Health tab shows it chosen, and a goal is opened from its wish when asked.
    pub(super) fn after_saving(&mut self, a: &Assessment, then_goal: bool, message: &str) {
        let id = a.participant;
        let _ = self.store.delete_assessment_draft(id);
        self.pop();
        self.reload_participant(id);
        if let Screen::Participant(p) = self.layers.top_screen_mut() {
            p.show_tab(Tab::PositiveHealth);
            p.select_assessment(a.id);
        }
        self.flash = Some((self.strings.get(message).to_string(), false));
        if then_goal {
            // The wish, in the participant's own words, about the lowest-marked dimension.
            let area = (0..DIMENSIONS)
                .filter_map(|d| a.mark(d).map(|m| (d, m)))
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .map_or(Area::Dimension(4), |(d, _)| Area::Dimension(d as u8));
            let form = goal_form::new_goal(&self.strings, id, &a.wish, area);
            let draft_key = form.kind.draft_key();
            self.push_screen(Screen::Form(FormScreen { form, draft_key, goal: None }));
        }
    }

    pub(super) fn discard_assessment(&mut self) {
        if let Screen::Assessment(s) = self.layers.top_screen() {
            let id = s.a.participant;
            self.report(self.store.delete_assessment_draft(id));
            self.pop();
        }
    }

    pub(super) fn offer_assessment(&mut self, draft: AssessmentDraft) {
        let p = draft.assessment.participant;
        let name = self.caseload.by_id(p).map(|x| x.listed_name()).unwrap_or_default();
        let when = DateTime::from_timestamp(draft.assessment.updated_at.timestamp(), 0)
            .map(|t| t.with_timezone(&Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        // The unfinished correction of a saved conversation says so, with the day it was held.
        let correcting = match self.store.assessments_of(p) {
            Ok(all) => all.iter().any(|a| a.id == draft.assessment.id),
            Err(e) => {
                self.flash = Some((self.error_text(&e), true));
                false
            }
        };
        let description = if correcting {
            let date = crate::domain::validate::format_date(draft.assessment.date);
            self.strings.fill("draft.assessment_correction", &[("name", &name), ("date", &date), ("when", &when)])
        } else {
            self.strings.fill("draft.assessment", &[("name", &name), ("when", &when)])
        };
        self.show_popup(Popup::AssessmentOffer { draft: Box::new(draft), description });
    }

    pub(super) fn resume_assessment(&mut self, draft: AssessmentDraft) {
        let id = draft.assessment.participant;
        if self.caseload.by_id(id).is_none() {
            self.report(self.store.delete_assessment_draft(id));
            return self.offer_next_draft();
        }
        self.open_participant(id);
        let name = self.caseload.by_id(id).map(|p| p.listed_name()).unwrap_or_default();
        match self.assessment_from_draft(draft, name) {
            Ok(state) => self.push_screen(Screen::Assessment(Box::new(state))),
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Saves the goal form (a new goal, or the goal the screen holds) for participant `id`.
    pub(super) fn save_goal_form(&mut self, id: ParticipantId) {
        let today = self.today;
        let now = (self.clock)();
        let Screen::Form(f) = self.layers.top_screen_mut() else {
            return;
        };
        let mut g =
            f.goal.as_deref().cloned().unwrap_or_else(|| Goal::new(id, String::new(), Area::Dimension(0), today, now));
        if goal_form::apply(&mut f.form, &mut g, today, now).is_err() {
            self.flash = Some((self.strings.get("form.fix_fields").to_string(), true));
            return;
        }
        let key = f.draft_key.clone();
        match self.store.with_access(self.access_for(id, AccessAction::Recorded("goal".into())), |s| s.save_goal(&g)) {
            Ok(()) => {
                let _ = self.store.delete_draft(&key);
                self.pop();
                self.reload_participant(id);
                if let Screen::Participant(p) = self.layers.top_screen_mut() {
                    p.show_tab(Tab::Goals);
                    p.selected_goal = p.goals.iter().position(|x| x.id == g.id).unwrap_or(0);
                }
                self.flash = Some((self.strings.fill("goal.saved", &[("text", &g.text)]), false));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
    }

    /// Writes the spider web of the selected assessment (with the one before it) as SVG.
    pub(super) fn write_chart(&mut self) {
        let Screen::Participant(s) = self.layers.top_screen() else {
            return;
        };
        let Some((cur, prev)) = s.compared() else {
            // A withdrawn conversation is not drawn.
            let why = if s.selected_assessment().is_some() { "health.withdrawn_not_drawn" } else { "health.none" };
            self.flash = Some((self.strings.get(why).to_string(), true));
            return;
        };
        let Some(p) = self.caseload.by_id(s.id) else {
            return;
        };
        let svg = crate::domain::chart::svg(&p.listed_name(), cur, prev, self.strings.lang());
        let dir = match self.export_dir() {
            Ok(d) => d,
            Err(message) => {
                self.flash = Some((message, true));
                return;
            }
        };
        // A person still waiting for a number: the start of their id instead.
        let name = match crate::domain::participant::format_number(p.number) {
            n if n.is_empty() => p.id.to_string().chars().take(8).collect(),
            n => n,
        };
        let file = dir.join(format!("meedoen-{name}-{}.svg", cur.date));
        let written = crate::store::write_private(&file, svg.as_bytes());
        if written.is_ok() {
            // A file with their health scores: in their access log like every export.
            let entry = crate::domain::privacy::AccessEntry {
                participant: p.id,
                at: (self.clock)(),
                coach: self.coach.clone(),
                action: crate::domain::privacy::AccessAction::ChartExported,
            };
            if let Err(e) = self.store.log_access(&entry) {
                self.flash = Some((self.error_text(&e), true));
                return;
            }
            self.reload_privacy();
        }
        self.flash = Some(match written {
            Ok(()) => (self.strings.fill("health.chart_written", &[("file", &file.display().to_string())]), false),
            Err(e) => (
                self.strings
                    .fill("health.chart_failed", &[("file", &file.display().to_string()), ("error", &e.to_string())]),
                true,
            ),
        });
    }
}
