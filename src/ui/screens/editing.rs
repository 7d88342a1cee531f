//! The two screens where the coach types: a form and the Positive Health conversation, as
//! layers. What is typed is kept as a draft by the executor (`KeepDraft`,
//! `SaveAssessmentDraft`), and a save is a request (`SaveForm`, `SaveAssessment`).

use super::assessment::{AssessmentState, Outcome as Answer};
use super::health_words;
use crate::domain::health::Instrument;
use crate::i18n::Strings;
use crate::ui::form::FormOutcome;
use crate::ui::keymap::Action;
use crate::ui::layer::{ConfirmKind, Ctx, Effect, Input, Outcome, ReasonKind};

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
            Answer::Save => Outcome::Consumed(self.before_saving(false, false, ctx.strings)),
            Answer::SaveAndGoal => Outcome::Consumed(self.before_saving(true, false, ctx.strings)),
            Answer::Cancel if self.dirty => ask_discard(ConfirmKind::DiscardAssessment, ctx),
            Answer::Cancel => Outcome::one(Effect::PopScreen),
        }
    }

    /// What saving asks first, in turn: whole dimensions unanswered (unless the coach said yes
    /// to that already: `unanswered_ok`); for a correction, the reason, with what changes (a
    /// correction that changes nothing leaves and says so). Then the save itself.
    pub fn before_saving(&self, then_goal: bool, unanswered_ok: bool, strings: &Strings) -> Vec<Effect> {
        let lang = strings.lang();
        let unanswered = self.unanswered();
        if !unanswered.is_empty() && !unanswered_ok {
            let ins = Instrument::get();
            let names: Vec<&str> = unanswered.iter().map(|&d| ins.dimension_name(d, lang)).collect();
            let message = strings.fill("health.unanswered", &[("dimensions", &names.join(", "))]);
            return vec![Effect::Confirm { kind: ConfirmKind::SaveUnanswered { then_goal }, message }];
        }
        let Some(saved) = &self.saved else {
            return vec![Effect::SaveAssessment { then_goal, reason: String::new() }];
        };
        let changes = self.changes();
        if changes.is_empty() {
            return vec![
                Effect::DeleteAssessmentDraft(saved.participant),
                Effect::PopScreen,
                Effect::Flash(strings.get("health.nothing_corrected").to_string(), false),
            ];
        }
        let listed: Vec<String> = changes.iter().map(|c| health_words::change(c, strings)).collect();
        let message = strings.fill(
            "health.correction_reason",
            &[("date", &crate::domain::validate::format_date(saved.date)), ("changes", &listed.join("; "))],
        );
        vec![Effect::AskReason { kind: ReasonKind::Correction { then_goal }, message }]
    }
}
