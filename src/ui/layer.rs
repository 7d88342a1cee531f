//! One stack of layers, walked from the top (helix's compositor): screens, popups and the lock
//! screen are all layers. A key is resolved once into an [`Action`] with its arguments, the
//! layers answer front to back with an [`Outcome`], and the effects of the one that consumed it
//! are carried out by one executor (`App::apply`, in `effects.rs`).
//!
//! This module is what every layer names and it names none of them: the input, the context a
//! layer reads, its outcome and the effects (which say what to open as plain data, for the
//! executor to build). The kinds of layer and the stack itself are in `layers.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::caseload::Caseload;
use super::keymap::Action;
use super::modules_data::ModuleData;
use super::start_data::Today;
use super::tab::Tab;
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::goal::Goal;
use crate::domain::health::AssessmentId;
use crate::domain::module::{EnrolmentId, ModuleId};
use crate::domain::trajectory::Change;
use crate::i18n::Strings;
use crate::store::{AssessmentDraft, Draft};

/// A layer's answer to an action.
#[derive(Debug)]
pub enum Outcome {
    /// The layer handled the action; the executor carries out these effects.
    Consumed(Vec<Effect>),
    /// The layer handled the action and nothing changed (nothing to redraw).
    Unchanged,
    /// Not this layer's: the next layer down is asked (unless this one is opaque).
    Ignored,
}

impl Outcome {
    /// Consumed with nothing more to do than redraw.
    pub fn done() -> Outcome {
        Outcome::Consumed(Vec::new())
    }

    pub fn one(effect: Effect) -> Outcome {
        Outcome::Consumed(vec![effect])
    }

    pub fn is_consumed(&self) -> bool {
        matches!(self, Outcome::Consumed(_))
    }

    /// Consumed, whether or not anything changed.
    pub fn is_handled(&self) -> bool {
        matches!(self, Outcome::Consumed(_) | Outcome::Unchanged)
    }
}

/// A key as a layer receives it: the action the keymap resolved for the layer's contexts (with
/// its arguments), and the key itself for layers with a text field (typed characters are text,
/// not bindings).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub action: Option<Action>,
    pub key: &'a KeyEvent,
}

/// What a layer may read while it handles an action: the context, never the App. The caseload
/// is lent mutably only for its derived orders and index (built when first asked for); a layer
/// changes data by returning effects.
pub struct Ctx<'a> {
    pub strings: &'a Strings,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The coach using the app (whose caseload "mine" is).
    pub coach: &'a str,
    pub caseload: &'a mut Caseload,
    /// The start screen as last derived.
    pub start: &'a Today,
    pub modules: &'a ModuleData,
}

/// What a yes/no question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    DiscardForm,
    DiscardAssessment,
    DiscardRoster,
    StopEnrolment(crate::domain::module::EnrolmentId),
    /// A new participant who looks like one already in the caseload (same names and date of
    /// birth): yes saves them anyway, `o` opens the one already there instead.
    DuplicateIntake(ParticipantId),
    /// Every small step of a goal is ticked: mark the goal achieved?
    GoalAchieved(ParticipantId, crate::domain::goal::GoalId),
    /// The form on top has warnings (an appointment on a weekend, a holiday, a closure day, or
    /// overlapping another): save it anyway?
    SaveAnyway,
    /// Did the participant not come to this appointment?
    NoShow(ParticipantId, crate::domain::contact::RecordId),
    /// The trajectory is closed: stop the module places and cancel the coming appointments?
    WindDown(ParticipantId),
    /// Saving a conversation with whole dimensions unanswered (then a goal from its wish when
    /// asked): yes saves, no goes back to the first unanswered dimension.
    SaveUnanswered {
        then_goal: bool,
    },
    /// `+`: take the participant to the next phase (referred → intake → active)?
    Advance(ParticipantId),
}

/// Who or what is being enrolled in a module, named as listed: the screen picks the other side.
#[derive(Debug, Clone)]
pub enum EnrolTarget {
    /// A participant: pick the module.
    Participant(ParticipantId, String),
    /// A module: pick the participant.
    Module(ModuleId, String),
}

/// What a question with a typed reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    /// Saving the correction of the conversation on top (the reason may be left empty).
    Correction { then_goal: bool },
    /// Withdrawing a saved conversation (saved by mistake): a reason is needed.
    Withdraw(ParticipantId, AssessmentId),
    /// Taking a withdrawal back: a reason is needed.
    Restore(ParticipantId, AssessmentId),
}

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
    /// Asks a yes/no question in a popup (what a yes does follows from its kind).
    Confirm {
        kind: ConfirmKind,
        message: String,
    },
    /// Asks a question answered with a typed reason, in a popup.
    AskReason {
        kind: ReasonKind,
        message: String,
    },
    /// Asks for a participant's erasure to be confirmed by typing their number, in a popup.
    ConfirmErase {
        id: ParticipantId,
        number: String,
        description: String,
    },
    /// Opens a module's screen.
    OpenModule(ModuleId),
    /// Opens the roster of a module's session.
    OpenRoster {
        module: ModuleId,
        date: NaiveDate,
        topic: u8,
    },
    /// Opens the screen that enrols a participant in a module, picking the other side.
    OpenEnrol(EnrolTarget),
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
    /// Reads the appointments of the week each open week agenda shows.
    FillWeek,
    OpenReports,
    OpenRetention,
    /// The conflicts to review.
    OpenConflicts,
    /// Settles a conflict: the other value put in place, or the kept one confirmed.
    ResolveConflict {
        id: [u8; 16],
        take_other: bool,
    },
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
    /// Saves the form on top despite its warning (someone with the same names and date of birth
    /// in the caseload; an appointment on a closed day or overlapping another): the coach said so.
    SaveAnyway,
    /// Stops a closed trajectory's module places and cancels its coming appointments.
    WindDown(ParticipantId),
    /// Records that the participant did not come to the appointment.
    NoShow(ParticipantId, crate::domain::contact::RecordId),
    /// Marks a participant's goal achieved today.
    GoalAchieved(ParticipantId, crate::domain::goal::GoalId),
    SaveAssessmentDraft(Box<AssessmentDraft>),
    /// Saves the conversation on top (a correction with the reason given); then opens a goal
    /// from its wish when asked.
    SaveAssessment {
        then_goal: bool,
        reason: String,
    },
    /// Goes on saving the conversation on top once the coach said yes to saving it with
    /// dimensions unanswered.
    SaveUnansweredAnyway {
        then_goal: bool,
    },
    /// Takes the conversation on top back to its first unanswered dimension.
    ShowUnanswered,
    /// Opens a saved conversation to correct it (or goes on with its unfinished correction).
    CorrectAssessment(ParticipantId, AssessmentId),
    /// Withdraws a saved conversation, or takes its withdrawal back (`restore`), with the reason.
    WithdrawAssessment {
        participant: ParticipantId,
        id: AssessmentId,
        reason: String,
        restore: bool,
    },
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Confirm { kind, .. } => write!(f, "Confirm({kind:?})"),
            Effect::AskReason { kind, .. } => write!(f, "AskReason({kind:?})"),
            Effect::ConfirmErase { id, .. } => write!(f, "ConfirmErase({id:?})"),
            Effect::OpenModule(m) => write!(f, "OpenModule({m:?})"),
            Effect::OpenRoster { module, date, topic } => write!(f, "OpenRoster({module:?}, {date}, {topic})"),
            Effect::OpenEnrol(target) => write!(f, "OpenEnrol({target:?})"),
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
            Effect::FillWeek => f.write_str("FillWeek"),
            Effect::OpenReports => f.write_str("OpenReports"),
            Effect::OpenRetention => f.write_str("OpenRetention"),
            Effect::OpenConflicts => f.write_str("OpenConflicts"),
            Effect::ResolveConflict { take_other, .. } => write!(f, "ResolveConflict {{ take_other: {take_other} }}"),
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
            Effect::SaveGoal(g) => write!(f, "SaveGoal({:?})", g.id),
            Effect::WriteReport => f.write_str("WriteReport"),
            Effect::ToggleCancelled(m, d) => write!(f, "ToggleCancelled({m:?}, {d:?})"),
            Effect::SaveRoster => f.write_str("SaveRoster"),
            Effect::Enrol(p, m) => write!(f, "Enrol({p:?}, {m:?})"),
            Effect::KeepDraft => f.write_str("KeepDraft"),
            Effect::SaveForm => f.write_str("SaveForm"),
            Effect::SaveAnyway => f.write_str("SaveAnyway"),
            Effect::NoShow(p, a) => write!(f, "NoShow({p:?}, {a:?})"),
            Effect::WindDown(p) => write!(f, "WindDown({p:?})"),
            Effect::GoalAchieved(p, g) => write!(f, "GoalAchieved({p:?}, {g:?})"),
            Effect::SaveAssessmentDraft(d) => write!(f, "SaveAssessmentDraft({:?})", d.assessment.participant),
            Effect::SaveAssessment { then_goal, .. } => write!(f, "SaveAssessment {{ then_goal: {then_goal} }}"),
            Effect::SaveUnansweredAnyway { then_goal } => write!(f, "SaveUnansweredAnyway({then_goal})"),
            Effect::ShowUnanswered => f.write_str("ShowUnanswered"),
            Effect::CorrectAssessment(p, a) => write!(f, "CorrectAssessment({p:?}, {a:?})"),
            Effect::WithdrawAssessment { id, restore, .. } => write!(f, "WithdrawAssessment({id:?}, {restore})"),
        }
    }
}
