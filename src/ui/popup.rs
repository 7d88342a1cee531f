//! The popups: help, a yes/no question, a question answered with a typed reason, the offer of a
//! draft left at a crash, and the erasure confirmed by typing the participant number. Each is a layer: it reads the action, answers
//! with effects, and never touches the store itself.

use ratatui::crossterm::event::KeyCode;

use super::keymap::{Action, Context};
use super::layer::{ConfirmKind, Ctx, Effect, Input, Outcome, ReasonKind};
use crate::domain::ParticipantId;
use crate::store::Draft;

/// The longest reason a popup takes (a sentence, not a report).
const REASON_MAX: usize = 200;

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
    /// A question answered with a typed reason (`Enter` goes on, `Esc` goes back).
    Reason {
        kind: ReasonKind,
        message: String,
        reason: String,
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
            Popup::Reason { .. } => Context::Reason,
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
            // Not yet saved with dimensions unanswered: back to the first of them.
            (Popup::Confirm { kind: ConfirmKind::SaveUnanswered { .. }, .. }, Some(Action::No)) => {
                close_then(vec![Effect::ShowUnanswered])
            }
            (Popup::Confirm { .. }, Some(Action::No)) => close_then(vec![]),
            (Popup::Confirm { kind, .. }, Some(Action::Yes)) => close_then(vec![match *kind {
                ConfirmKind::DiscardForm => Effect::DiscardForm,
                ConfirmKind::DiscardAssessment => Effect::DiscardAssessment,
                ConfirmKind::DiscardRoster => Effect::PopScreen,
                ConfirmKind::StopEnrolment(id) => Effect::StopEnrolment(id),
                ConfirmKind::DuplicateIntake(_) | ConfirmKind::SaveAnyway => Effect::SaveAnyway,
                ConfirmKind::NoShow(p, a) => Effect::NoShow(p, a),
                ConfirmKind::WindDown(p) => Effect::WindDown(p),
                ConfirmKind::GoalAchieved(p, g) => Effect::GoalAchieved(p, g),
                ConfirmKind::SaveUnanswered { then_goal } => Effect::SaveUnansweredAnyway { then_goal },
                ConfirmKind::Advance(p) => Effect::ChangeStatus(p, crate::domain::trajectory::Change::Advance),
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
            (Popup::Reason { .. }, Some(Action::No)) => close_then(vec![]),
            (Popup::Reason { kind, reason, .. }, Some(Action::Yes)) => {
                let reason = reason.trim().to_string();
                match *kind {
                    ReasonKind::Correction { then_goal } => {
                        close_then(vec![Effect::SaveAssessment { then_goal, reason }])
                    }
                    // Taking a conversation out of the figures, or back in, says why.
                    ReasonKind::Withdraw(..) | ReasonKind::Restore(..) if reason.is_empty() => {
                        Outcome::one(Effect::Flash(ctx.strings.get("health.reason_needed").to_string(), true))
                    }
                    ReasonKind::Withdraw(participant, id) => {
                        close_then(vec![Effect::WithdrawAssessment { participant, id, reason, restore: false }])
                    }
                    ReasonKind::Restore(participant, id) => {
                        close_then(vec![Effect::WithdrawAssessment { participant, id, reason, restore: true }])
                    }
                }
            }
            // The reason is typed: every printable key is text here.
            (Popup::Reason { reason, .. }, None) => match input.key.code {
                KeyCode::Char(c) if !c.is_control() && reason.chars().count() < REASON_MAX => {
                    reason.push(c);
                    Outcome::done()
                }
                KeyCode::Backspace => {
                    reason.pop();
                    Outcome::done()
                }
                _ => Outcome::Ignored,
            },
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
    fn a_withdrawal_needs_a_reason_a_correction_does_not() {
        let (p, a) = (ParticipantId(uuid::Uuid::from_u128(7)), crate::domain::health::AssessmentId(uuid::Uuid::nil()));
        let mut w = Popup::Reason { kind: ReasonKind::Withdraw(p, a), message: String::new(), reason: String::new() };
        let out = answer(&mut w, Some(Action::Yes), KeyCode::Enter);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Flash(_, true)])));
        for c in "dubbel ingevoerd".chars() {
            assert!(answer(&mut w, None, KeyCode::Char(c)).is_consumed());
        }
        answer(&mut w, None, KeyCode::Backspace);
        let out = answer(&mut w, Some(Action::Yes), KeyCode::Enter);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(&e[..],
            [Effect::Pop, Effect::WithdrawAssessment { reason, restore: false, .. }] if reason == "dubbel ingevoer")));
        let mut c = Popup::Reason {
            kind: ReasonKind::Correction { then_goal: false },
            message: String::new(),
            reason: String::new(),
        };
        let out = answer(&mut c, Some(Action::Yes), KeyCode::Enter);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(&e[..],
            [Effect::Pop, Effect::SaveAssessment { then_goal: false, reason }] if reason.is_empty())));
        let out = answer(&mut c, Some(Action::No), KeyCode::Esc);
        assert!(matches!(out, Outcome::Consumed(ref e) if matches!(e[..], [Effect::Pop])));
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
