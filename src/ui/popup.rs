//! The popups: help, a yes/no question, the offer of a draft left at a crash, and the erasure
//! confirmed by typing the participant number. Each is a layer: it reads the action, answers
//! with effects, and never touches the store itself.

use ratatui::crossterm::event::KeyCode;

use super::keymap::{Action, Context};
use super::layer::{ConfirmKind, Ctx, Effect, Input, Outcome};
use crate::domain::ParticipantId;
use crate::store::Draft;

pub enum Popup {
    Help,
    Confirm {
        kind: ConfirmKind,
        message: String,
    },
    DraftOffer {
        key: String,
        draft: Draft,
        description: String,
    },
    AssessmentOffer {
        draft: Box<crate::store::AssessmentDraft>,
        description: String,
    },
    /// Erasing a participant: confirmed by typing their number.
    Erase {
        id: ParticipantId,
        number: String,
        description: String,
        typed: String,
    },
}

impl Popup {
    /// The key context of this popup.
    pub fn context(&self) -> Context {
        match self {
            Popup::Help => Context::Help,
            Popup::Confirm { .. } => Context::Confirm,
            Popup::DraftOffer { .. } | Popup::AssessmentOffer { .. } => Context::DraftOffer,
            Popup::Erase { .. } => Context::Erase,
        }
    }

    /// Answers an action. A popup is modal: what it ignores goes nowhere else. The popup leaves
    /// with `Effect::Pop` as the first effect, so the effects after it see the screen below.
    pub fn handle(&mut self, input: Input, ctx: &Ctx) -> Outcome {
        let close_then = |mut effects: Vec<Effect>| {
            effects.insert(0, Effect::Pop);
            Outcome::Consumed(effects)
        };
        match (self, input.action) {
            (Popup::Help, Some(Action::Back)) => close_then(vec![]),
            (Popup::Confirm { .. }, Some(Action::No)) => close_then(vec![]),
            (Popup::Confirm { kind, .. }, Some(Action::Yes)) => close_then(vec![match *kind {
                ConfirmKind::DiscardForm => Effect::DiscardForm,
                ConfirmKind::DiscardAssessment => Effect::DiscardAssessment,
                ConfirmKind::DiscardRoster => Effect::PopScreen,
                ConfirmKind::StopEnrolment(id) => Effect::StopEnrolment(id),
                ConfirmKind::DuplicateIntake(_) => Effect::SaveIntakeAnyway,
                ConfirmKind::GoalAchieved(p, g) => Effect::GoalAchieved(p, g),
            }]),
            // The person already there is opened instead; the intake typed is dropped.
            (Popup::Confirm { kind: ConfirmKind::DuplicateIntake(existing), .. }, Some(Action::OpenExisting)) => {
                let open = Effect::Open { participant: *existing, tab: None };
                close_then(vec![Effect::DiscardForm, open])
            }
            // Another question has no one to open: the key does nothing there.
            (Popup::Confirm { .. }, Some(Action::OpenExisting)) => Outcome::Unchanged,
            (Popup::DraftOffer { key, draft, .. }, Some(Action::Yes)) => {
                close_then(vec![Effect::ResumeDraft(key.clone(), Box::new(draft.clone()))])
            }
            (Popup::DraftOffer { key, .. }, Some(Action::Discard)) => {
                close_then(vec![Effect::DeleteDraft(key.clone()), Effect::OfferNextDraft])
            }
            (Popup::AssessmentOffer { draft, .. }, Some(Action::Yes)) => {
                close_then(vec![Effect::ResumeAssessment(draft.clone())])
            }
            (Popup::AssessmentOffer { draft, .. }, Some(Action::Discard)) => {
                close_then(vec![Effect::DeleteAssessmentDraft(draft.assessment.participant), Effect::OfferNextDraft])
            }
            (Popup::DraftOffer { .. } | Popup::AssessmentOffer { .. }, Some(Action::Later)) => {
                close_then(vec![Effect::OfferNextDraft])
            }
            (Popup::Erase { .. }, Some(Action::No)) => close_then(vec![]),
            (Popup::Erase { id, number, typed, .. }, Some(Action::Yes)) => {
                if typed == number {
                    close_then(vec![Effect::Erase(*id)])
                } else {
                    Outcome::one(Effect::Flash(ctx.strings.get("erase.mismatch").to_string(), true))
                }
            }
            // The number is typed: digits and Backspace are text input here, not bindings.
            (Popup::Erase { typed, .. }, None) => match input.key.code {
                KeyCode::Char(c) if c.is_ascii_digit() && typed.len() < 10 => {
                    typed.push(c);
                    Outcome::done()
                }
                KeyCode::Backspace => {
                    typed.pop();
                    Outcome::done()
                }
                _ => Outcome::Ignored,
            },
            _ => Outcome::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Strings};
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

    fn input(action: Option<Action>, code: KeyCode) -> (Option<Action>, KeyEvent) {
        (action, KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn answer(p: &mut Popup, action: Option<Action>, code: KeyCode) -> Outcome {
        let strings = Strings::new(Lang::Nl);
        let mut caseload = crate::ui::caseload::Caseload::from_people(Vec::new());
        let start = crate::ui::start_data::Today::default();
        let modules = crate::ui::modules_data::ModuleData::default();
        let ctx = Ctx {
            strings: &strings,
            today: chrono::NaiveDate::MIN,
            now: chrono::DateTime::UNIX_EPOCH,
            coach: "Sanne",
            caseload: &mut caseload,
            start: &start,
            modules: &modules,
        };
        let (action, key) = input(action, code);
        p.handle(Input { action, key: &key }, &ctx)
    }

    #[test]
    fn yes_to_discarding_a_form_closes_the_popup_then_discards() {
        let mut p = Popup::Confirm { kind: ConfirmKind::DiscardForm, message: String::new() };
        let out = answer(&mut p, Some(Action::Yes), KeyCode::Char('j'));
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Pop, Effect::DiscardForm])));
        let out = answer(&mut p, Some(Action::No), KeyCode::Esc);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Pop])));
        // A popup swallows nothing it does not know, and does nothing with it.
        assert!(matches!(answer(&mut p, None, KeyCode::Char('x')), Outcome::Ignored));
    }

    #[test]
    fn erase_needs_the_number_typed_exactly() {
        let id = ParticipantId(uuid::Uuid::from_u128(7));
        let mut p = Popup::Erase { id, number: "1001".into(), description: String::new(), typed: String::new() };
        for c in "100".chars() {
            assert!(answer(&mut p, None, KeyCode::Char(c)).is_consumed());
        }
        let out = answer(&mut p, Some(Action::Yes), KeyCode::Enter);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Flash(_, true)])));
        answer(&mut p, None, KeyCode::Char('1'));
        let out = answer(&mut p, Some(Action::Yes), KeyCode::Enter);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Pop, Effect::Erase(x)] if x == id)));
    }
}
