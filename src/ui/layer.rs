//! One stack of layers, walked from the top (helix's compositor): screens, popups and the lock
//! screen are all layers. A key is resolved once into an [`Action`] with its arguments, the
//! layers answer front to back with an [`Outcome`], and the effects of the one that consumed it
//! are carried out by one executor (`App::apply`, in `effects.rs`).

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::caseload::Caseload;
use super::form::Form;
use super::keymap::{Action, Context};
use super::lock::LockState;
use super::modules_data::ModuleData;
use super::popup::Popup;
use super::screens::list::ListState;
use super::screens::participant::ParticipantState;
use super::screens::search::SearchState;
use super::screens::start::{StartState, Today};
use crate::i18n::Strings;

pub use super::effects::{Changed, Effect};

/// A form on screen and the key its draft is kept under.
pub struct FormScreen {
    pub form: Form,
    pub draft_key: String,
    /// The goal being edited, when this is the goal form for an existing goal.
    pub goal: Option<Box<crate::domain::goal::Goal>>,
}

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
