//! The two screens where the coach types: a form and the Positive Health conversation, as
//! layers. What is typed is kept as a draft by the executor (`KeepDraft`,
//! `SaveAssessmentDraft`), and a save is a request (`SaveForm`, `SaveAssessment`).

use super::assessment::{AssessmentState, Outcome as Answer};
use crate::ui::form::FormOutcome;
use crate::ui::keymap::Action;
use crate::ui::layer::{ConfirmKind, Ctx, Effect, Input, Outcome};

/// A form on screen and the key its draft is kept under.
pub struct FormScreen {
    pub form: crate::ui::form::Form,
    pub draft_key: String,
    /// The goal being edited, when this is the goal form for an existing goal.
    pub goal: Option<Box<crate::domain::goal::Goal>>,
}

/// Asks whether to throw away what was typed.
fn ask_discard(kind: ConfirmKind, ctx: &Ctx) -> Outcome {
    Outcome::one(Effect::Confirm { kind, message: ctx.strings.get("confirm.discard").to_string() })
}

impl FormScreen {
    /// A form's answer: the form toolkit reads the key (a text field or a choice has the
    /// focus); help falls through to the global keys.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        if input.action == Some(Action::Help) {
            return Outcome::Ignored;
        }
        match self.form.handle_key(input.key, ctx.today) {
            FormOutcome::Ignored => Outcome::Ignored,
            FormOutcome::Moved => Outcome::done(),
            FormOutcome::Edited => Outcome::one(Effect::KeepDraft),
            FormOutcome::Save => Outcome::one(Effect::SaveForm),
            FormOutcome::Cancel if self.form.is_dirty() => ask_discard(ConfirmKind::DiscardForm, ctx),
            FormOutcome::Cancel => {
                Outcome::Consumed(vec![Effect::DeleteDraft(self.draft_key.clone()), Effect::PopScreen])
            }
        }
    }
}

impl AssessmentState {
    /// The conversation's answer; every change is kept as its draft.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        if input.action == Some(Action::Help) {
            return Outcome::Ignored;
        }
        match self.update(input.action, input.key) {
            Answer::Ignored => Outcome::Ignored,
            Answer::Moved if self.dirty => Outcome::one(Effect::SaveAssessmentDraft(Box::new(self.draft()))),
            Answer::Moved => Outcome::done(),
            Answer::Edited => Outcome::one(Effect::SaveAssessmentDraft(Box::new(self.draft()))),
            Answer::Save => Outcome::one(Effect::SaveAssessment { then_goal: false }),
            Answer::SaveAndGoal => Outcome::one(Effect::SaveAssessment { then_goal: true }),
            Answer::Cancel if self.dirty => ask_discard(ConfirmKind::DiscardAssessment, ctx),
            Answer::Cancel => Outcome::one(Effect::PopScreen),
        }
    }
}
