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
    Participant(ParticipantState),
    Form(FormScreen),
    Assessment(Box<super::screens::assessment::AssessmentState>),
    Catalogue(super::screens::modules::CatalogueState),
    Module(super::screens::modules::ModuleState),
    Week(super::screens::week::WeekState),
    Roster(super::screens::week::RosterState),
    Enrol(super::screens::enrol::EnrolState),
    Retention(super::screens::privacy::RetentionState),
    Reports(Box<super::screens::reports::ReportState>),
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

/// The screen nearest the top (popups and the lock may be above it). The stack always holds
/// the start screen at the bottom.
pub fn top_screen(layers: &[Layer]) -> Option<&Screen> {
    layers.iter().rev().find_map(|l| if let Layer::Screen(s) = l { Some(s) } else { None })
}

pub fn top_screen_mut(layers: &mut [Layer]) -> Option<&mut Screen> {
    layers.iter_mut().rev().find_map(|l| if let Layer::Screen(s) = l { Some(s) } else { None })
}

/// Every screen, bottom first.
pub fn screens(layers: &[Layer]) -> impl Iterator<Item = &Screen> {
    layers.iter().filter_map(|l| if let Layer::Screen(s) = l { Some(s) } else { None })
}

pub fn screens_mut(layers: &mut [Layer]) -> impl Iterator<Item = &mut Screen> {
    layers.iter_mut().filter_map(|l| if let Layer::Screen(s) = l { Some(s) } else { None })
}
