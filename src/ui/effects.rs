//! Effects and their one executor. A layer answers an action with effects (what must happen:
//! write this, open that, say this, the data changed); `App::apply` carries them out, in order,
//! and invalidates what is derived from the data (the start screen, the lists, the caseload's
//! order) when the data changed. A change that arrives from elsewhere (sync) is applied as a
//! `DataChanged` effect too, so the screen refreshes the same way.

use super::app::{App, Screen};
use super::layer::{Changed, Effect};
use super::layers::Layer;
use super::popup::Popup;

impl App {
    /// The executor: carries out effects in order.
    pub fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.apply_one(effect);
        }
    }

    fn apply_one(&mut self, effect: Effect) {
        match effect {
            Effect::Confirm { kind, message } => self.layers.push(Layer::Popup(Popup::Confirm { kind, message })),
            Effect::AskReason { kind, message } => {
                self.layers.push(Layer::Popup(Popup::Reason { kind, message, reason: String::new() }));
            }
            Effect::ConfirmErase { id, number, description } => {
                self.layers.push(Layer::Popup(Popup::Erase { id, number, description, typed: String::new() }));
            }
            Effect::OpenModule(id) => {
                let state = super::screens::modules::ModuleState::new(id);
                self.layers.push(Layer::Screen(Screen::Module(state)));
            }
            Effect::OpenRoster { module, date, topic } => {
                let state = super::screens::week::RosterState::new(&self.modules, module, date, topic, self.today);
                self.layers.push(Layer::Screen(Screen::Roster(state)));
            }
            Effect::OpenEnrol(target) => {
                let state = super::screens::enrol::EnrolState::new(target, &self.modules, &self.caseload);
                self.layers.push(Layer::Screen(Screen::Enrol(state)));
            }
            Effect::Pop => {
                // The start screen at the bottom is never taken off.
                self.layers.pop();
            }
            Effect::PopScreen => {
                self.pop();
            }
            Effect::Open { participant, tab } => {
                self.open_participant(participant);
                if let (Some(tab), Screen::Participant(p)) = (tab, self.layers.top_screen_mut()) {
                    p.show_tab(tab);
                }
            }
            Effect::NewIntake => self.new_intake(),
            Effect::OpenForm(kind) => {
                self.open_form(kind);
            }
            Effect::Flash(text, is_error) => self.flash = Some((text, is_error)),
            Effect::DataChanged(what) => self.data_changed(what),
            Effect::Help => self.show_popup(Popup::Help),
            Effect::Quit => self.quit = true,
            Effect::OpenList => self.open_list(),
            Effect::OpenSearch => {
                let s = super::screens::search::SearchState::new(&mut self.caseload);
                self.push_screen(Screen::Search(s));
            }
            Effect::OpenCatalogue => self.open_catalogue(),
            Effect::OpenWeek => self.open_week(),
            Effect::FillWeek => self.fill_weeks(),
            Effect::OpenReports => {
                self.open_reports();
            }
            Effect::OpenRetention => {
                self.open_retention();
            }
            Effect::OpenConflicts => self.open_conflicts(),
            Effect::ResolveConflict { id, take_other } => self.resolve_conflict(id, take_other),
            Effect::ToggleTeam => {
                self.team = !self.team;
                self.compute_start();
            }
            Effect::DeleteDraft(key) => {
                let res = self.store.delete_draft(&key);
                self.report(res);
            }
            Effect::DeleteAssessmentDraft(id) => {
                let res = self.store.delete_assessment_draft(id);
                self.report(res);
            }
            Effect::ResumeDraft(key, draft) => self.resume_draft(key, *draft),
            Effect::ResumeAssessment(draft) => self.resume_assessment(*draft),
            Effect::OfferNextDraft => self.offer_next_draft(),
            Effect::DiscardForm => {
                if let Screen::Form(f) = self.layers.top_screen() {
                    let key = f.draft_key.clone();
                    let res = self.store.delete_draft(&key);
                    self.report(res);
                }
                self.pop();
            }
            Effect::DiscardAssessment => self.discard_assessment(),
            Effect::StopEnrolment(id) => self.stop_enrolment(id),
            Effect::Erase(id) => self.erase(id),
            Effect::TryUnlock => self.try_unlock(),
            Effect::StartAssessment(id) => self.start_assessment(id),
            Effect::WriteChart => self.write_chart(),
            Effect::ChangeStatus(id, change) => {
                self.change_status(id, change);
            }
            Effect::SaveGoal(goal) => self.save_goal(*goal),
            Effect::WriteReport => {
                self.write_report_files();
            }
            Effect::ToggleCancelled(module, date) => {
                self.toggle_cancelled(module, date);
            }
            Effect::SaveRoster => self.save_roster(),
            Effect::Enrol(participant, module) => self.enrol(participant, module),
            Effect::KeepDraft => self.keep_draft(),
            Effect::SaveForm => self.save_form(),
            Effect::GoalAchieved(p, g) => {
                let today = self.today;
                match self.store.goals_of(p).map(|gs| gs.into_iter().find(|x| x.id == g)) {
                    Ok(Some(mut goal)) => {
                        goal.set_status(crate::domain::goal::GoalStatus::Achieved, today);
                        goal.updated_at = (self.clock)();
                        self.save_goal(goal);
                    }
                    Ok(None) => {}
                    Err(e) => self.flash = Some((self.error_text(&e), true)),
                }
            }
            Effect::NoShow(p, a) => self.record_no_show(p, a),
            Effect::WindDown(p) => self.wind_down(p),
            Effect::SaveAnyway => {
                self.save_confirmed = true;
                self.save_form();
                self.save_confirmed = false;
            }
            Effect::SaveAssessmentDraft(draft) => {
                let res = self.store.save_assessment_draft(&draft);
                self.report(res);
            }
            Effect::SaveAssessment { then_goal, reason } => self.save_assessment(then_goal, reason),
            Effect::SaveUnansweredAnyway { then_goal } => {
                let next = match self.layers.top_screen() {
                    Screen::Assessment(s) => s.before_saving(then_goal, true, &self.strings),
                    _ => Vec::new(),
                };
                self.apply(next);
            }
            Effect::ShowUnanswered => {
                if let Screen::Assessment(s) = self.layers.top_screen_mut() {
                    s.show_first_unanswered();
                }
            }
            Effect::CorrectAssessment(participant, id) => self.correct_assessment(participant, id),
            Effect::WithdrawAssessment { participant, id, reason, restore } => {
                self.withdraw_assessment(participant, id, &reason, restore);
            }
        }
    }

    /// Derives again what depends on the data that changed, and refreshes the screens that
    /// show it.
    pub fn data_changed(&mut self, what: Changed) {
        // An appointment saved (here or by a colleague) shows in an open week agenda at once.
        self.fill_weeks();
        match what {
            Changed::Caseload => self.refresh_screens(),
            Changed::Participant(id) => {
                self.reload_participant(id);
                self.refresh_lists();
            }
            Changed::Modules => {
                self.reload_modules();
                self.compute_start();
            }
        }
    }

    /// Opens the participant list; the days of the last contacts are read the first time.
    fn open_list(&mut self) {
        if self.contact_summaries.is_none() {
            match self.store.contact_summaries() {
                Ok(m) => self.contact_summaries = Some(m),
                Err(e) => self.flash = Some((self.error_text(&e), true)),
            }
        }
        let s = super::screens::list::ListState::new(&mut self.caseload, &self.coach, self.team);
        self.push_screen(Screen::List(s));
    }
}
