//! The App's stack of layers and how a key walks it: phase 1 resolves the key into an action
//! (with its arguments) in the contexts of the layer asked; phase 2 lets that layer answer.
//! Popups and the lock are modal (what they ignore goes nowhere); of the screens only the top
//! one is live, and what it ignores falls to the global keys (help, quit).

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use super::app::{App, Screen};
use super::keymap::{self, Action, Context};
use super::layer::{Ctx, Effect, Input, Outcome};
use super::layers::{Layer, Stack};
use super::lock::LockState;
use super::popup::Popup;
use super::tab::Tab;

impl App {
    /// The screen on top (popups and the lock may be over it).
    pub fn screen(&self) -> &Screen {
        self.layers.top_screen()
    }

    /// The stack of layers.
    pub fn layers(&self) -> &Stack {
        &self.layers
    }

    /// The popup over the top screen, if one is open (whether or not the lock is over it).
    pub fn popup(&self) -> Option<&Popup> {
        self.layers.above().iter().rev().find_map(|l| match l {
            Layer::Popup(p) => Some(Some(p)),
            Layer::Screen(_) => Some(None),
            Layer::Lock(_) => None,
        })?
    }

    /// The lock screen, when the screen is locked.
    pub fn locked(&self) -> Option<&LockState> {
        match self.layers.last() {
            Some(Layer::Lock(l)) => Some(l),
            _ => None,
        }
    }

    pub(super) fn locked_mut(&mut self) -> Option<&mut LockState> {
        match self.layers.last_mut() {
            Some(Layer::Lock(l)) => Some(l),
            _ => None,
        }
    }

    pub(super) fn push_screen(&mut self, screen: Screen) {
        self.layers.push(Layer::Screen(screen));
    }

    /// Shows a popup over the top screen (in place of one already open there).
    pub(super) fn show_popup(&mut self, popup: Popup) {
        if matches!(self.layers.last(), Some(Layer::Popup(_))) {
            self.layers.pop();
        }
        self.layers.push(Layer::Popup(popup));
    }

    /// Leaves the top screen, with whatever is over it; the start screen stays.
    pub(super) fn pop(&mut self) -> bool {
        self.layers.pop_screen()
    }

    /// The key contexts in force, most specific first, and whether global keys are off (a text
    /// field has the focus, or a popup answers every key itself).
    pub fn contexts(&self) -> (Vec<Context>, bool) {
        match self.layers.last().and_then(Layer::overlay_contexts) {
            Some(c) => c,
            None => self.screen_contexts(),
        }
    }

    /// The contexts of the screen itself, whatever popup is over it (the help overlay lists these).
    pub fn screen_contexts(&self) -> (Vec<Context>, bool) {
        match self.screen() {
            Screen::Start(_) => (vec![Context::Start], false),
            Screen::List(_) => (vec![Context::List], false),
            Screen::Search(_) => (vec![Context::Search], true),
            Screen::Catalogue(_) => (vec![Context::Catalogue], false),
            Screen::Module(m) if m.on_waitlist => (vec![Context::Waitlist, Context::Module], false),
            Screen::Module(_) => (vec![Context::ModuleSessions, Context::Module], false),
            Screen::Week(_) => (vec![Context::Week], false),
            Screen::Roster(_) => (vec![Context::Roster], false),
            Screen::Enrol(_) => (vec![Context::Enrol], true),
            Screen::Retention(_) => (vec![Context::Retention], false),
            Screen::Reports(_) => (vec![Context::Reports], false),
            Screen::Conflicts(_) => (vec![Context::Conflicts], false),
            Screen::Participant(s) => match s.tab {
                Tab::PositiveHealth => (vec![Context::HealthTab, Context::Participant], false),
                Tab::Goals => (vec![Context::GoalsTab, Context::Participant], false),
                Tab::Modules => (vec![Context::ModulesTab, Context::Participant], false),
                Tab::Privacy => (vec![Context::PrivacyTab, Context::Participant], false),
                Tab::Contacts => (vec![Context::ContactsTab, Context::Participant], false),
                Tab::Signals => (vec![Context::SignalsTab, Context::Participant], false),
                _ => (vec![Context::Participant], false),
            },
            Screen::Form(f) => (f.form.contexts(), true),
            Screen::Assessment(_) => (vec![Context::Assessment], true),
        }
    }

    /// Handles one key; returns whether the screen needs redrawing.
    pub fn handle_key(&mut self, ev: KeyEvent) -> bool {
        if ev.kind == KeyEventKind::Release {
            return false;
        }
        self.last_key = (self.clock)();
        if self.finish_loading() && self.quit {
            return true;
        }
        // Behind the lock nothing changes: the message and a full disk wait for the unlock.
        let had_flash = if self.locked().is_some() {
            false
        } else {
            let recovered = self.recover_from_full_disk();
            self.flash.take().is_some() || recovered
        };
        let changed = match self.dispatch(&ev) {
            Outcome::Consumed(effects) => {
                let quits = effects.iter().any(|e| matches!(e, Effect::Quit));
                self.apply(effects);
                !quits
            }
            Outcome::Unchanged | Outcome::Ignored => false,
        };
        changed || had_flash
    }

    /// Walks the stack from the top until a layer consumes the key.
    pub fn dispatch(&mut self, ev: &KeyEvent) -> Outcome {
        let now = (self.clock)();
        // Popups and the lock: modal, they answer every key or none.
        if let Some((contexts, typing)) = self.layers.last().and_then(Layer::overlay_contexts) {
            let action = keymap::resolve(ev, &contexts, typing);
            let (ctx, layers) = self.ctx_and_layers(now);
            let input = Input { action, key: ev };
            return match layers.last_mut() {
                Some(Layer::Popup(p)) => p.handle(input, &ctx),
                Some(Layer::Lock(l)) => l.handle(input, &ctx),
                Some(Layer::Screen(_)) | None => Outcome::Ignored,
            };
        }
        // The top screen, then the global keys.
        let (contexts, typing) = self.screen_contexts();
        let action = keymap::resolve(ev, &contexts, typing);
        let outcome = self.screen_layer(Input { action, key: ev }, now);
        if outcome.is_consumed() || matches!(outcome, Outcome::Unchanged) {
            return outcome;
        }
        global(action)
    }

    /// What a layer may read (`Ctx`, built here only) beside the stack, so that one layer can
    /// be borrowed mutably while it reads the context.
    fn ctx_and_layers(&mut self, now: chrono::DateTime<chrono::Utc>) -> (Ctx<'_>, &mut Stack) {
        let ctx = Ctx {
            strings: &self.strings,
            today: self.today,
            now,
            coach: &self.coach,
            caseload: &mut self.caseload,
            start: &self.start,
            modules: &self.modules,
        };
        (ctx, &mut self.layers)
    }

    /// The top screen's answer.
    fn screen_layer(&mut self, input: Input, now: chrono::DateTime<chrono::Utc>) -> Outcome {
        let (mut ctx, layers) = self.ctx_and_layers(now);
        match layers.top_screen_mut() {
            Screen::Start(s) => s.handle(input, &mut ctx),
            Screen::List(s) => s.handle(input, &mut ctx),
            Screen::Search(s) => s.handle(input, &mut ctx),
            Screen::Participant(s) => s.handle(input, &mut ctx),
            Screen::Reports(s) => s.handle(input, &mut ctx),
            Screen::Retention(s) => s.handle(input, &mut ctx),
            Screen::Conflicts(s) => s.handle(input, &mut ctx),
            Screen::Catalogue(s) => s.handle(input, &mut ctx),
            Screen::Module(s) => s.handle(input, &mut ctx),
            Screen::Week(s) => s.handle(input, &mut ctx),
            Screen::Roster(s) => s.handle(input, &mut ctx),
            Screen::Enrol(s) => s.handle(input, &mut ctx),
            Screen::Form(s) => s.handle(input, &mut ctx),
            Screen::Assessment(s) => s.handle(input, &mut ctx),
        }
    }
}

/// The global keys: what no layer consumed.
fn global(action: Option<Action>) -> Outcome {
    match action {
        Some(Action::Quit) => Outcome::one(Effect::Quit),
        Some(Action::Help) => Outcome::one(Effect::Help),
        _ => Outcome::Ignored,
    }
}
