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
use crate::domain::health::{Assessment, DIMENSIONS};
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
        let previous = match self.screen() {
            Screen::Participant(s) => s.assessments.last().cloned(),
            _ => None,
        };
        let state = match self.store.assessment_draft(id) {
            Ok(Some(d)) => {
                self.flash = Some((self.strings.get("health.resumed").to_string(), false));
                AssessmentState::from_draft(d, name, previous)
            }
            _ => AssessmentState::new(Assessment::new(id, self.today, &self.coach, (self.clock)()), name, previous),
        };
        self.push_screen(Screen::Assessment(Box::new(state)));
    }

    pub(super) fn save_assessment(&mut self, then_goal: bool) {
        let now = (self.clock)();
        let Screen::Assessment(s) = self.layers.top_screen() else {
            return;
        };
        let mut a = s.to_save();
        a.updated_at = now;
        let id = a.participant;
        let wish = a.wish.clone();
        // The wish becomes a goal about the dimension with the lowest mark.
        let area = (0..DIMENSIONS)
            .filter_map(|d| a.mark(d).map(|m| (d, m)))
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .map_or(Area::Dimension(4), |(d, _)| Area::Dimension(d as u8));
        match self
            .store
            .with_access(self.access_for(id, AccessAction::Recorded("assessment".into())), |s| s.save_assessment(&a))
        {
            Ok(()) => {
                let _ = self.store.delete_assessment_draft(id);
                self.pop();
                self.reload_participant(id);
                if let Screen::Participant(p) = self.layers.top_screen_mut() {
                    p.show_tab(Tab::PositiveHealth);
                }
                self.flash = Some((self.strings.get("health.saved").to_string(), false));
                if then_goal {
                    // The wish, in the participant's own words, about the lowest-marked dimension.
                    let form = goal_form::new_goal(&self.strings, id, &wish, area);
                    let draft_key = form.kind.draft_key();
                    self.push_screen(Screen::Form(FormScreen { form, draft_key, goal: None }));
                }
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
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
        let name = self.caseload.by_id(draft.assessment.participant).map(|p| p.listed_name()).unwrap_or_default();
        let when = DateTime::from_timestamp(draft.assessment.updated_at.timestamp(), 0)
            .map(|t| t.with_timezone(&Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        let description = self.strings.fill("draft.assessment", &[("name", &name), ("when", &when)]);
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
        let previous = match self.screen() {
            Screen::Participant(s) => s.assessments.last().cloned(),
            _ => None,
        };
        self.push_screen(Screen::Assessment(Box::new(AssessmentState::from_draft(draft, name, previous))));
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
            self.flash = Some((self.strings.get("health.none").to_string(), true));
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
