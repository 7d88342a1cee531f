//! The participant screen as a layer: its answer to each action, per tab. It reads the state
//! and the context and returns effects (open this form, save this goal, ask this question);
//! the executor does the writing.

use super::participant::ParticipantState;
use crate::domain::Status;
use crate::domain::form_kind::FormKind;
use crate::domain::module::EnrolmentStatus;
use crate::domain::trajectory::advanced;
use crate::ui::keymap::Action;
use crate::ui::layer::{ConfirmKind, Ctx, Effect, Input, Outcome, ReasonKind};
use crate::ui::tab::Tab;

fn flash(ctx: &Ctx, key: &str) -> Outcome {
    Outcome::one(Effect::Flash(ctx.strings.get(key).to_string(), true))
}

/// `+` asks first, naming the phase it leads to (and the start date it sets): a step taken by a
/// stray key is not silently in the trajectory's history.
fn ask_advance(person: &crate::domain::Participant, ctx: &Ctx) -> Outcome {
    let Some(to) = advanced(person.status) else { return flash(ctx, "refused.not_a_step") };
    let status = |s: Status| ctx.strings.get(&format!("status.{}", s.code())).to_string();
    let mut message = ctx.strings.fill(
        "trajectory.confirm_advance",
        &[("name", &person.listed_name()), ("from", &status(person.status)), ("to", &status(to))],
    );
    if to == Status::Active && person.start_date.is_none() {
        let start = crate::domain::validate::format_date(ctx.today);
        message.push(' ');
        message.push_str(&ctx.strings.fill("trajectory.confirm_start", &[("date", &start)]));
    }
    Outcome::one(Effect::Confirm { kind: ConfirmKind::Advance(person.id), message })
}

fn changed(moved: bool) -> Outcome {
    if moved { Outcome::done() } else { Outcome::Unchanged }
}

impl ParticipantState {
    /// The participant screen's answer to an action.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        let Some(action) = input.action else { return Outcome::Ignored };
        let id = self.id;
        if action == Action::Back {
            return Outcome::one(Effect::PopScreen);
        }
        if action == Action::OpenSearch {
            return Outcome::one(Effect::OpenSearch);
        }
        // The person is gone (erased while the screen was open): only leaving is left.
        let Some(person) = ctx.caseload.by_id(id) else { return Outcome::Ignored };
        let closed = person.status == Status::Closed;
        if let Some(outcome) = self.tab_action(action, closed, ctx) {
            return outcome;
        }
        // A closed trajectory is read-only until it is reopened.
        if closed
            && matches!(
                action,
                Action::Edit
                    | Action::NewAssessment
                    | Action::NewGoal
                    | Action::Enrol
                    | Action::ToggleStep(_)
                    | Action::LogContact
                    | Action::PlanAppointment
                    | Action::Advance
                    | Action::Extend
                    | Action::CloseTrajectory
                    | Action::WriteAdvice
                    | Action::NewSignal
                    | Action::NewReferral
            )
        {
            return flash(ctx, "trajectory.read_only");
        }
        let form = match action {
            Action::Edit => FormKind::EditParticipant(id),
            Action::NewGoal => FormKind::Goal { participant: id, goal: None },
            Action::LogContact => FormKind::Contact(id),
            Action::PlanAppointment => FormKind::Appointment(id),
            Action::Extend => FormKind::Extend(id),
            Action::CloseTrajectory => FormKind::Close(id),
            Action::Reopen if !closed => return flash(ctx, "refused.not_a_step"),
            Action::Reopen => FormKind::Reopen(id),
            Action::WriteAdvice => FormKind::Advice(id),
            Action::NewSignal => FormKind::Signal { participant: id, signal: None },
            Action::NewReferral => FormKind::Referral(id),
            Action::NewAssessment => return Outcome::one(Effect::StartAssessment(id)),
            Action::WriteChart => return Outcome::one(Effect::WriteChart),
            Action::Advance => return ask_advance(person, ctx),
            Action::Enrol => {
                let target = crate::ui::layer::EnrolTarget::Participant(id, person.listed_name());
                return Outcome::one(Effect::OpenEnrol(target));
            }
            Action::NextTab
            | Action::PrevTab
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last
            | Action::MarkCompare => return changed(self.update(action)),
            _ => return Outcome::Ignored,
        };
        Outcome::one(Effect::OpenForm(form))
    }

    /// The keys of the tab on view; `None` when the action is not the tab's own.
    fn tab_action(&mut self, action: Action, closed: bool, ctx: &Ctx) -> Option<Outcome> {
        let id = self.id;
        let outcome = match (self.tab, action) {
            // Asks the day first (today unless typed): a stray Space changes nothing.
            (Tab::Privacy, Action::ToggleConsent) => {
                let scope = crate::domain::privacy::ConsentScope::ALL
                    [self.selected_scope.min(crate::domain::privacy::ConsentScope::ALL.len() - 1)];
                Outcome::one(Effect::OpenForm(FormKind::Consent { participant: id, scope }))
            }
            (Tab::Privacy, Action::Erase) => {
                let p = ctx.caseload.by_id(id)?;
                let shown =
                    crate::domain::participant::shown_number(p.number, ctx.strings.get("participant.number_pending"));
                let mut description =
                    ctx.strings.fill("erase.prompt", &[("name", &p.listed_name()), ("number", &shown)]);
                // A person still waiting for a number is confirmed with a 0.
                let number = if p.number == 0 {
                    description = format!("{description} {}", ctx.strings.get("erase.type_zero"));
                    "0".to_string()
                } else {
                    crate::domain::participant::format_number(p.number)
                };
                Outcome::one(Effect::ConfirmErase { id, number, description })
            }
            (Tab::Privacy, Action::Up | Action::Down) => {
                let last = crate::domain::privacy::ConsentScope::ALL.len() - 1;
                self.selected_scope = if action == Action::Down {
                    (self.selected_scope + 1).min(last)
                } else {
                    self.selected_scope.saturating_sub(1)
                };
                Outcome::done()
            }
            (
                Tab::Contacts,
                a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last),
            ) => {
                let n = super::participant_day::contact_items(&self.day, ctx.today).len();
                let before = self.selected_day;
                let last = n.saturating_sub(1);
                self.selected_day = match a {
                    Action::Up => self.selected_day.min(last).saturating_sub(1),
                    Action::Down => (self.selected_day + 1).min(last),
                    Action::PageUp => self.selected_day.min(last).saturating_sub(5),
                    Action::PageDown => (self.selected_day + 5).min(last),
                    Action::First => 0,
                    _ => last,
                };
                changed(before != self.selected_day)
            }
            (Tab::Contacts, Action::Open | Action::CancelOrWithdraw | Action::NoShow) => {
                if closed {
                    return Some(flash(ctx, "trajectory.read_only"));
                }
                self.correct_day_item(action, ctx)
            }
            (Tab::Signals, Action::Down | Action::Up) => {
                // The signals, then the referrals.
                let n = self.day.signals.len() + self.day.referrals.len();
                let before = self.selected_signal;
                self.selected_signal = if action == Action::Down {
                    (self.selected_signal + 1).min(n.saturating_sub(1))
                } else {
                    self.selected_signal.saturating_sub(1)
                };
                changed(before != self.selected_signal)
            }
            (Tab::Signals, Action::Open) if closed => flash(ctx, "trajectory.read_only"),
            (Tab::Signals, Action::Open) => match self.day.signals.get(self.selected_signal) {
                // The signal's own id in the kind: saving changes it instead of adding one.
                Some(s) => Outcome::one(Effect::OpenForm(FormKind::Signal { participant: id, signal: Some(s.id) })),
                // A referral: its status and result brought up to date.
                None => match self
                    .day
                    .referrals
                    .get(self.selected_signal - self.day.signals.len().min(self.selected_signal))
                {
                    Some(r) => {
                        Outcome::one(Effect::OpenForm(FormKind::UpdateReferral { participant: id, referral: r.id }))
                    }
                    None => Outcome::Unchanged,
                },
            },
            (Tab::PositiveHealth, Action::Open | Action::WithdrawAssessment | Action::MarkCompare) => {
                return self.health_action(action, closed, ctx);
            }
            (Tab::Goals, Action::Open) => match self.selected_goal() {
                None => Outcome::Unchanged,
                Some(g) => Outcome::one(Effect::OpenForm(FormKind::Goal { participant: id, goal: Some(g.id) })),
            },
            (Tab::Goals, Action::ToggleStep(n)) if !closed => {
                let Some(mut goal) = self.selected_goal().cloned() else { return Some(Outcome::Unchanged) };
                let Some(step) = goal.steps.get_mut(usize::from(n).wrapping_sub(1)) else {
                    return Some(Outcome::Unchanged);
                };
                step.done = !step.done;
                goal.updated_at = ctx.now;
                // The last small step ticked: perhaps the goal itself is reached.
                let all_done = step.done && goal.steps.iter().all(|s| s.done);
                if all_done && goal.status == crate::domain::goal::GoalStatus::Open {
                    let message = ctx.strings.fill("goal.all_steps_done", &[("goal", &goal.text)]);
                    let kind = ConfirmKind::GoalAchieved(id, goal.id);
                    Outcome::Consumed(vec![Effect::SaveGoal(Box::new(goal)), Effect::Confirm { kind, message }])
                } else {
                    Outcome::one(Effect::SaveGoal(Box::new(goal)))
                }
            }
            (Tab::Modules, Action::Up | Action::Down) => {
                let n = ctx.modules.enrolments_of(id).len();
                let before = self.selected_enrolment;
                if action == Action::Down && self.selected_enrolment + 1 < n {
                    self.selected_enrolment += 1;
                } else if action == Action::Up {
                    self.selected_enrolment = self.selected_enrolment.saturating_sub(1);
                }
                changed(before != self.selected_enrolment)
            }
            (Tab::Modules, Action::StopEnrolment) => {
                let mine = ctx.modules.enrolments_of(id);
                let Some(e) = mine.get(self.selected_enrolment) else { return Some(Outcome::Unchanged) };
                let m = ctx.modules.module(e.module)?;
                let status = ctx.modules.schedule(m, ctx.today).progress.get(&e.id).map(|x| x.status);
                if matches!(status, Some(EnrolmentStatus::Completed | EnrolmentStatus::Stopped)) {
                    return Some(flash(ctx, "modules.not_running"));
                }
                // Stopping cannot be undone: ask first.
                let message = ctx.strings.fill("modules.stop_confirm", &[("name", &m.name)]);
                Outcome::one(Effect::Confirm { kind: ConfirmKind::StopEnrolment(e.id), message })
            }
            _ => return None,
        };
        Some(outcome)
    }

    /// The contacts tab's corrections of the chosen item: `Enter` moves an appointment or
    /// corrects a contact, `x` cancels an appointment or withdraws a contact, `n` records that
    /// the participant did not come to an appointment (asked first).
    fn correct_day_item(&self, action: Action, ctx: &Ctx) -> Outcome {
        use super::participant_day::{DayItem, contact_items};
        let participant = self.id;
        let items = contact_items(&self.day, ctx.today);
        let Some(item) = items.get(self.selected_day.min(items.len().saturating_sub(1))) else {
            return Outcome::Unchanged;
        };
        match *item {
            DayItem::Appointment(id) => {
                let Some(a) = self.day.appointments.iter().find(|a| a.id == id) else { return Outcome::Unchanged };
                if !a.is_planned() {
                    return flash(ctx, "appointment_refused.not_planned");
                }
                match action {
                    Action::Open => {
                        Outcome::one(Effect::OpenForm(FormKind::MoveAppointment { participant, appointment: id }))
                    }
                    Action::CancelOrWithdraw => {
                        Outcome::one(Effect::OpenForm(FormKind::CancelAppointment { participant, appointment: id }))
                    }
                    _ if a.at.date() > ctx.today => flash(ctx, "appointment_refused.not_yet"),
                    _ => {
                        let name = ctx.caseload.by_id(participant).map(|p| p.listed_name()).unwrap_or_default();
                        let when = crate::domain::appointment::when(a.at);
                        let message =
                            ctx.strings.fill("appointment.no_show_confirm", &[("name", &name), ("when", &when)]);
                        Outcome::one(Effect::Confirm { kind: ConfirmKind::NoShow(participant, id), message })
                    }
                }
            }
            DayItem::Contact(id) => {
                let Some(c) = self.day.contacts.iter().find(|c| c.id == id) else { return Outcome::Unchanged };
                if c.withdrawn {
                    return flash(ctx, "correction.withdrawn_already");
                }
                match action {
                    Action::Open => {
                        Outcome::one(Effect::OpenForm(FormKind::CorrectContact { participant, contact: id }))
                    }
                    Action::CancelOrWithdraw => {
                        Outcome::one(Effect::OpenForm(FormKind::WithdrawContact { participant, contact: id }))
                    }
                    _ => flash(ctx, "appointment_refused.not_an_appointment"),
                }
            }
        }
    }

    /// The Positive Health tab's own keys: correct the chosen conversation (`Enter`), withdraw it
    /// or take its withdrawal back (`w`), mark it to compare (`Space`: not a withdrawn one).
    fn health_action(&mut self, action: Action, closed: bool, ctx: &Ctx) -> Option<Outcome> {
        let Some(a) = self.selected_assessment() else { return Some(Outcome::Unchanged) };
        let date = crate::domain::validate::format_date(a.date);
        let outcome = match action {
            Action::MarkCompare if a.is_withdrawn() => flash(ctx, "health.withdrawn_not_compared"),
            Action::MarkCompare => changed(self.update(action)),
            // A closed trajectory is read-only until it is reopened.
            _ if closed => flash(ctx, "trajectory.read_only"),
            Action::Open if a.is_withdrawn() => flash(ctx, "health.withdrawn_not_corrected"),
            Action::Open => Outcome::one(Effect::CorrectAssessment(self.id, a.id)),
            _ if a.is_withdrawn() => {
                let message = ctx.strings.fill("health.restore_question", &[("date", &date)]);
                Outcome::one(Effect::AskReason { kind: ReasonKind::Restore(self.id, a.id), message })
            }
            _ => {
                let message = ctx.strings.fill("health.withdraw_question", &[("date", &date)]);
                Outcome::one(Effect::AskReason { kind: ReasonKind::Withdraw(self.id, a.id), message })
            }
        };
        Some(outcome)
    }
}
