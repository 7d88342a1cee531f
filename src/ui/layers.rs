//! What the stack of layers holds, bottom first: the start screen, the screens opened over it,
//! popups and the lock. This module names every kind of layer; the layers themselves name only
//! `layer` (the context they read, the outcome and the effects they answer with), so each can
//! live apart from the others.

use super::keymap::Context;
use super::lock::LockState;
use super::popup::Popup;
use super::screens::editing::FormScreen;
use super::screens::list::ListState;
use super::screens::participant::ParticipantState;
use super::screens::search::SearchState;
use super::screens::start::StartState;

pub enum Screen {
    Start(StartState),
    List(ListState),
    Search(SearchState),
    Participant(Box<ParticipantState>),
    Form(FormScreen),
    Assessment(Box<super::screens::assessment::AssessmentState>),
    Catalogue(super::screens::modules::CatalogueState),
    Module(super::screens::modules::ModuleState),
    Week(super::screens::week::WeekState),
    Roster(super::screens::week::RosterState),
    Enrol(super::screens::enrol::EnrolState),
    Retention(super::screens::privacy::RetentionState),
    Reports(Box<super::screens::reports::ReportState>),
    Conflicts(super::screens::conflicts::ConflictsState),
}

/// One layer of the stack.
pub enum Layer {
    Screen(Screen),
    Popup(Popup),
    Lock(LockState),
}

impl Layer {
    /// The key contexts of a popup or the lock, and whether global keys are off. `None` for a
    /// screen (the App knows a screen's contexts).
    pub fn overlay_contexts(&self) -> Option<(Vec<Context>, bool)> {
        match self {
            Layer::Screen(_) => None,
            Layer::Popup(p) => Some((vec![p.context()], true)),
            Layer::Lock(_) => Some((vec![Context::Locked], true)),
        }
    }
}

fn as_screen(l: &Layer) -> Option<&Screen> {
    if let Layer::Screen(s) = l { Some(s) } else { None }
}

fn as_screen_mut(l: &mut Layer) -> Option<&mut Screen> {
    if let Layer::Screen(s) = l { Some(s) } else { None }
}

/// The stack of layers, bottom first. The screen at the bottom (the start screen) is held
/// apart from the layers over it, so it cannot be taken off and there is always a top screen.
pub struct Stack {
    bottom: Screen,
    above: Vec<Layer>,
}

impl Stack {
    /// A stack holding only the start screen.
    pub fn new(start: StartState) -> Stack {
        Stack { bottom: Screen::Start(start), above: Vec::new() }
    }

    pub fn push(&mut self, layer: Layer) {
        self.above.push(layer);
    }

    /// Takes the top layer off, unless only the start screen is left.
    pub fn pop(&mut self) -> Option<Layer> {
        self.above.pop()
    }

    /// The top layer over the start screen (`None` when the start screen is the only one).
    pub fn last(&self) -> Option<&Layer> {
        self.above.last()
    }

    pub fn last_mut(&mut self) -> Option<&mut Layer> {
        self.above.last_mut()
    }

    /// The layers over the start screen, bottom first.
    pub fn above(&self) -> &[Layer] {
        &self.above
    }

    /// Keeps the layers over the start screen for which `keep` holds.
    pub fn retain(&mut self, keep: impl FnMut(&Layer) -> bool) {
        self.above.retain(keep);
    }

    /// Leaves the top screen with whatever is over it; returns false when the start screen is
    /// the top one (it stays).
    pub fn pop_screen(&mut self) -> bool {
        let Some(i) = self.above.iter().rposition(|l| matches!(l, Layer::Screen(_))) else {
            return false;
        };
        self.above.truncate(i);
        true
    }

    /// The screen nearest the top (popups and the lock may be above it).
    pub fn top_screen(&self) -> &Screen {
        self.above.iter().rev().find_map(as_screen).unwrap_or(&self.bottom)
    }

    pub fn top_screen_mut(&mut self) -> &mut Screen {
        self.above.iter_mut().rev().find_map(as_screen_mut).unwrap_or(&mut self.bottom)
    }

    /// Every screen, bottom first.
    pub fn screens(&self) -> impl Iterator<Item = &Screen> {
        std::iter::once(&self.bottom).chain(self.above.iter().filter_map(as_screen))
    }

    pub fn screens_mut(&mut self) -> impl Iterator<Item = &mut Screen> {
        std::iter::once(&mut self.bottom).chain(self.above.iter_mut().filter_map(as_screen_mut))
    }
}
