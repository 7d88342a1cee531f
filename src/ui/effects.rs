//! Effects and their one executor. A layer answers an action with effects (what must happen:
//! write this, open that, say this, the data changed); `App::apply` carries them out, in order,
//! and invalidates what is derived from the data (the start screen, the lists, the caseload's
//! order) when the data changed. A change that arrives from elsewhere (sync) is applied as a
//! `DataChanged` effect too, so the screen refreshes the same way.

use super::app::{App, Screen};
use super::layer::{self, Layer};
use super::popup::Popup;
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::goal::Goal;
use crate::domain::module::{EnrolmentId, ModuleId};
use crate::domain::trajectory::Change;
use crate::store::{AssessmentDraft, Draft};
use chrono::NaiveDate;

/// What changed in the data, so the executor knows what to derive again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// People were added, changed or removed: the start screen and the lists.
    Caseload,
    /// One person's records: their screens, the start screen and the lists.
    Participant(ParticipantId),
    /// Modules, sessions, enrolments or attendance.
    Modules,
}

/// What a layer asks the App to do.
pub enum Effect {
    /// Puts a layer on top of the stack.
    Push(Box<Layer>),
    /// Takes the top layer off (a popup closing itself, the lock opening).
    Pop,
    /// Leaves the top screen (the start screen stays).
    PopScreen,
    /// Opens a participant's screen, on a tab when one is given.
    Open {
        participant: ParticipantId,
        tab: Option<Tab>,
    },
    /// Opens the intake form (or offers the unfinished intake first).
    NewIntake,
    /// Opens a form (its draft is kept while it is typed).
    OpenForm(FormKind),
    /// A one-line message in the footer until the next key: (text, is an error).
    Flash(String, bool),
    /// Derived state is stale: compute it again.
    DataChanged(Changed),
    /// Shows the help overlay for the screen on top.
    Help,
    Quit,
    // Requests that read or write the store (the executor calls today's store functions).
    /// Opens the participant list (reads the days of the last contacts the first time).
    OpenList,
    OpenSearch,
    OpenCatalogue,
    OpenWeek,
    OpenReports,
    OpenRetention,
    /// The start screen shows the whole team or the coach's own caseload.
    ToggleTeam,
    DeleteDraft(String),
    DeleteAssessmentDraft(ParticipantId),
    ResumeDraft(String, Box<Draft>),
    ResumeAssessment(Box<AssessmentDraft>),
    /// Offers the next draft found at start, if any.
    OfferNextDraft,
    /// Throws away the form on top and its draft.
    DiscardForm,
    /// Throws away the conversation on top and its draft.
    DiscardAssessment,
    StopEnrolment(EnrolmentId),
    /// Erases a participant (confirmed by typing their number).
    Erase(ParticipantId),
    /// Checks the passphrase typed at the lock.
    TryUnlock,
    /// Starts a Positive Health conversation (or goes on with its draft).
    StartAssessment(ParticipantId),
    /// Writes the chart of the conversations compared on the participant screen.
    WriteChart,
    /// A step of the trajectory without a form.
    ChangeStatus(ParticipantId, Change),
    /// Gives or withdraws the consent chosen on the privacy tab.
    ToggleConsent,
    /// Saves a goal (a step ticked off or on).
    SaveGoal(Box<Goal>),
    /// Writes the report on view and the ESF+ list to the export folder.
    WriteReport,
    /// Cancels a module's session on that date, or takes the cancellation back.
    ToggleCancelled(ModuleId, Option<NaiveDate>),
    /// Saves the attendance marked on the roster on top.
    SaveRoster,
    /// Enrols a participant in a module (or puts them on its waitlist).
    Enrol(ParticipantId, ModuleId),
    /// Keeps what is typed in the form on top as its draft.
    KeepDraft,
    /// Saves the form on top as what it is (its `FormKind`).
    SaveForm,
    SaveAssessmentDraft(Box<AssessmentDraft>),
    /// Saves the conversation on top; then opens a goal from its wish when asked.
    SaveAssessment {
        then_goal: bool,
    },
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Push(layer) => match &**layer {
                Layer::Screen(_) => f.write_str("Push(Screen)"),
                Layer::Popup(p) => write!(f, "Push(Popup {:?})", p.context()),
                Layer::Lock(_) => f.write_str("Push(Lock)"),
            },
            Effect::Pop => f.write_str("Pop"),
            Effect::PopScreen => f.write_str("PopScreen"),
            Effect::Open { participant, tab } => write!(f, "Open({participant:?}, {tab:?})"),
            Effect::NewIntake => f.write_str("NewIntake"),
            Effect::OpenForm(k) => write!(f, "OpenForm({k:?})"),
            Effect::Flash(m, e) => write!(f, "Flash({m:?}, {e})"),
            Effect::DataChanged(c) => write!(f, "DataChanged({c:?})"),
            Effect::Help => f.write_str("Help"),
            Effect::Quit => f.write_str("Quit"),
            Effect::OpenList => f.write_str("OpenList"),
            Effect::OpenSearch => f.write_str("OpenSearch"),
            Effect::OpenCatalogue => f.write_str("OpenCatalogue"),
            Effect::OpenWeek => f.write_str("OpenWeek"),
            Effect::OpenReports => f.write_str("OpenReports"),
            Effect::OpenRetention => f.write_str("OpenRetention"),
            Effect::ToggleTeam => f.write_str("ToggleTeam"),
            Effect::DeleteDraft(k) => write!(f, "DeleteDraft({k:?})"),
            Effect::DeleteAssessmentDraft(p) => write!(f, "DeleteAssessmentDraft({p:?})"),
            Effect::ResumeDraft(k, _) => write!(f, "ResumeDraft({k:?})"),
            Effect::ResumeAssessment(d) => write!(f, "ResumeAssessment({:?})", d.assessment.participant),
            Effect::OfferNextDraft => f.write_str("OfferNextDraft"),
            Effect::DiscardForm => f.write_str("DiscardForm"),
            Effect::DiscardAssessment => f.write_str("DiscardAssessment"),
            Effect::StopEnrolment(e) => write!(f, "StopEnrolment({e:?})"),
            Effect::Erase(p) => write!(f, "Erase({p:?})"),
            Effect::TryUnlock => f.write_str("TryUnlock"),
            Effect::StartAssessment(p) => write!(f, "StartAssessment({p:?})"),
            Effect::WriteChart => f.write_str("WriteChart"),
            Effect::ChangeStatus(p, c) => write!(f, "ChangeStatus({p:?}, {c:?})"),
            Effect::ToggleConsent => f.write_str("ToggleConsent"),
            Effect::SaveGoal(g) => write!(f, "SaveGoal({:?})", g.id),
            Effect::WriteReport => f.write_str("WriteReport"),
            Effect::ToggleCancelled(m, d) => write!(f, "ToggleCancelled({m:?}, {d:?})"),
            Effect::SaveRoster => f.write_str("SaveRoster"),
            Effect::Enrol(p, m) => write!(f, "Enrol({p:?}, {m:?})"),
            Effect::KeepDraft => f.write_str("KeepDraft"),
            Effect::SaveForm => f.write_str("SaveForm"),
            Effect::SaveAssessmentDraft(d) => write!(f, "SaveAssessmentDraft({:?})", d.assessment.participant),
            Effect::SaveAssessment { then_goal } => write!(f, "SaveAssessment {{ then_goal: {then_goal} }}"),
        }
    }
}

impl App {
    /// The executor: carries out effects in order.
    pub fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.apply_one(effect);
        }
    }

    fn apply_one(&mut self, effect: Effect) {
        match effect {
            Effect::Push(layer) => self.layers.push(*layer),
            Effect::Pop => {
                // The start screen at the bottom is never taken off.
                if self.layers.len() > 1 {
                    self.layers.pop();
                }
            }
            Effect::PopScreen => {
                self.pop();
            }
            Effect::Open { participant, tab } => {
                self.open_participant(participant);
                if let (Some(tab), Some(Screen::Participant(p))) = (tab, layer::top_screen_mut(&mut self.layers)) {
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
            Effect::OpenReports => {
                self.open_reports();
            }
            Effect::OpenRetention => {
                self.open_retention();
            }
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
                if let Some(Screen::Form(f)) = layer::top_screen(&self.layers) {
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
            Effect::ToggleConsent => {
                self.toggle_consent();
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
            Effect::SaveAssessmentDraft(draft) => {
                let res = self.store.save_assessment_draft(&draft);
                self.report(res);
            }
            Effect::SaveAssessment { then_goal } => self.save_assessment(then_goal),
        }
    }

    /// Derives again what depends on the data that changed, and refreshes the screens that
    /// show it.
    pub fn data_changed(&mut self, what: Changed) {
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
        let s = super::screens::list::ListState::new(&mut self.caseload);
        self.push_screen(Screen::List(s));
    }
}
