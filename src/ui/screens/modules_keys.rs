//! The module screens as layers: the catalogue, one module, the week, a session's roster and
//! choosing a module to enrol in. Each answers an action with effects; marking attendance,
//! cancelling a session and enrolling are written by the executor.

use super::enrol::{EnrolState, Target};
use super::modules::{CatalogueState, ModuleState, listed_sessions};
use super::week::{RosterState, WeekItem, WeekState};
use crate::domain::form_kind::FormKind;
use crate::ui::keymap::Action;
use crate::ui::layer::{ConfirmKind, Ctx, Effect, Input, Outcome};
use crate::ui::tab::Tab;

/// A navigation action's answer: redraw when it moved, consumed either way.
fn moved(changed: bool) -> Outcome {
    if changed { Outcome::done() } else { Outcome::Unchanged }
}

impl CatalogueState {
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            Some(Action::OpenWeek) => Outcome::one(Effect::OpenWeek),
            Some(Action::NewModule) => Outcome::one(Effect::OpenForm(FormKind::Module(None))),
            Some(Action::AddClosure) => Outcome::one(Effect::OpenForm(FormKind::Closure)),
            Some(Action::Open) => match self.selected_id(ctx.modules) {
                Some(id) => Outcome::one(Effect::OpenModule(id)),
                None => Outcome::Unchanged,
            },
            Some(a @ (Action::Up | Action::Down)) => moved(self.update(a, ctx.modules)),
            _ => Outcome::Ignored,
        }
    }
}

impl ModuleState {
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            Some(Action::Edit) => Outcome::one(Effect::OpenForm(FormKind::Module(Some(self.id)))),
            Some(Action::CancelSession) => {
                Outcome::one(Effect::ToggleCancelled(self.id, self.selected_date(ctx.modules, ctx.today)))
            }
            // On the waitlist: Enter opens the person (at their modules), `s` takes them off it.
            Some(Action::Open) if self.on_waitlist => {
                let e = self.selected_waiting(ctx.modules, ctx.today).and_then(|id| ctx.modules.enrolment(id));
                match e {
                    Some(e) => Outcome::one(Effect::Open { participant: e.participant, tab: Some(Tab::Modules) }),
                    None => Outcome::Unchanged,
                }
            }
            Some(Action::StopEnrolment) => {
                let Some(id) = self.selected_waiting(ctx.modules, ctx.today) else {
                    return Outcome::one(Effect::Flash(ctx.strings.get("modules.waitlist_pick").to_string(), true));
                };
                let name = ctx
                    .modules
                    .enrolment(id)
                    .and_then(|e| ctx.caseload.by_id(e.participant))
                    .map(|p| p.listed_name())
                    .unwrap_or_default();
                let message = ctx.strings.fill("modules.confirm_off_waitlist", &[("name", &name)]);
                Outcome::one(Effect::Confirm { kind: ConfirmKind::StopEnrolment(id), message })
            }
            // Someone enrolled from here: a place, or the end of the waitlist when it is full.
            Some(Action::Enrol) => {
                let name = ctx.modules.module(self.id).map(|m| m.name.clone()).unwrap_or_default();
                Outcome::one(Effect::OpenEnrol(Target::Module(self.id, name)))
            }
            Some(Action::Open) => {
                let session = ctx
                    .modules
                    .module(self.id)
                    .and_then(|m| listed_sessions(ctx.modules, m, ctx.today).into_iter().nth(self.selected));
                match session.and_then(|x| x.topic.map(|t| (x.date, t))) {
                    Some((date, topic)) => Outcome::one(Effect::OpenRoster { module: self.id, date, topic }),
                    None => Outcome::Unchanged,
                }
            }
            Some(a @ (Action::Up | Action::Down | Action::NextTab)) => moved(self.update(a, ctx.modules, ctx.today)),
            _ => Outcome::Ignored,
        }
    }
}

impl WeekState {
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            Some(Action::Open) => match self.selected_item(ctx.modules, ctx.today) {
                Some(WeekItem::Session(row)) => {
                    Outcome::one(Effect::OpenRoster { module: row.module, date: row.date, topic: row.topic })
                }
                Some(WeekItem::Appointment(n)) => match self.appointments.get(n) {
                    Some(a) => Outcome::one(Effect::Open { participant: a.participant, tab: Some(Tab::Contacts) }),
                    None => Outcome::Unchanged,
                },
                None => Outcome::Unchanged,
            },
            Some(a @ (Action::Up | Action::Down)) => moved(self.update(a, ctx.modules, ctx.today)),
            // Another week: its appointments are read again.
            Some(a @ (Action::PrevWeek | Action::NextWeek | Action::Today)) => {
                if self.update(a, ctx.modules, ctx.today) { Outcome::one(Effect::FillWeek) } else { Outcome::Unchanged }
            }
            _ => Outcome::Ignored,
        }
    }
}

impl RosterState {
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Back) if self.dirty => {
                let message = ctx.strings.get("roster.discard").to_string();
                Outcome::one(Effect::Confirm { kind: ConfirmKind::DiscardRoster, message })
            }
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            Some(Action::Save) => Outcome::one(Effect::SaveRoster),
            Some(
                a @ (Action::Up
                | Action::Down
                | Action::MarkPresent
                | Action::MarkAbsent
                | Action::MarkExcused
                | Action::ClearMark),
            ) => moved(self.update(a)),
            _ => Outcome::Ignored,
        }
    }
}

impl EnrolState {
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            Some(Action::Open) => match self.selected() {
                Some((participant, module)) => Outcome::one(Effect::Enrol(participant, module)),
                None => Outcome::Unchanged,
            },
            Some(a @ (Action::Up | Action::Down)) => moved(self.update(a)),
            Some(_) => Outcome::Ignored,
            // The query field has the focus: the key is typed text.
            None => moved(self.type_key(input.key, ctx.modules, ctx.caseload)),
        }
    }
}
