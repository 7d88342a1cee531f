//! The UI state machine: keys in, state out. No terminal here, so every flow is testable with
//! key sequences alone.

use chrono::{DateTime, NaiveDate, Utc};

use super::caseload::Caseload;
use super::layers::Stack;
use super::screens::participant::ParticipantState;
use super::screens::start::StartState;
use super::theme::Theme;
use crate::domain::ParticipantId;
use crate::i18n::Strings;
use crate::store::{Draft, Store, StoreError};

pub use super::layer::ConfirmKind;
pub use super::layers::Screen;
pub use super::popup::Popup;
pub use super::screens::editing::FormScreen;

/// The clock, injected so tests can pin it.
pub type Clock = Box<dyn Fn() -> DateTime<Utc>>;

pub struct App {
    /// Shared with the sync thread (see [`crate::sync::background`]).
    pub store: std::sync::Arc<Store>,
    pub strings: Strings,
    pub theme: Theme,
    pub coach: String,
    pub today: NaiveDate,
    pub caseload: Caseload,
    /// Modules, enrolments, attendance and closure days.
    pub modules: super::modules_data::ModuleData,
    /// The start screen as last computed (at start and after every save).
    pub start: super::start_data::Today,
    /// The day the start screen's cursor was last put on its first row (see
    /// `screens::start::first_row`): once a day, then it stays where the coach moves it.
    pub(super) start_placed: Option<NaiveDate>,
    /// The coach said to save the form on top despite a warning (its person looks like one
    /// already in the caseload; an appointment on a weekend or overlapping another), for the one
    /// save that follows.
    pub(super) save_confirmed: bool,
    /// Days of the last contact per participant, for the list (read when the list first opens).
    pub contact_summaries: Option<std::collections::HashMap<ParticipantId, crate::store::ContactSummary>>,
    /// The start screen shows the whole team rather than the coach's own caseload.
    pub team: bool,
    /// The layers, bottom first: the start screen, the screens opened over it, popups, the lock.
    pub(super) layers: Stack,
    /// A one-line message in the footer until the next key: (text, is an error).
    pub flash: Option<(String, bool)>,
    pub quit: bool,
    /// Why the app quit on its own (the caseload could not be read to the end), for the exit message.
    pub fatal: Option<String>,
    /// A save found the disk full: the store is opened again once there is room (`app_disk`).
    pub(super) disk_full: std::cell::Cell<bool>,
    /// The whole caseload is read and its coach tags checked (see `finish_loading`).
    pub(super) loaded: bool,
    pub(super) clock: Clock,
    /// Drafts found at start that were not yet offered.
    pub(super) pending_drafts: Vec<(String, Draft)>,
    pub(super) pending_assessments: Vec<crate::store::AssessmentDraft>,
    /// Wrong tries at the lock and until when it refuses the next one: kept when the screen
    /// locks again, reset by the right passphrase.
    pub(super) lock_failures: u32,
    pub(super) lock_wait_until: Option<DateTime<Utc>>,
    /// When the last key came, and after how many minutes without one the screen locks (0: never).
    pub(super) last_key: DateTime<Utc>,
    pub lock_minutes: u16,
    /// Shown on the lock screen of the `--demo` caseload, whose passphrase is public.
    pub demo_passphrase: Option<&'static str>,
    /// Where `x` writes charts and reports. The running program sets it (the documents folder,
    /// or the `--demo` caseload's own temporary directory, so a demo leaves nothing behind);
    /// `None` (an app built by a test or a bench) writes nowhere and says so, so no test can
    /// write into, or overwrite an export in, the real documents or home folder.
    pub export_dir: Option<std::path::PathBuf>,
    /// The team sync running beside the screen, when this caseload is part of a team.
    pub sync: Option<crate::sync::background::Background>,
    /// How the last sync round ended (the header shows it).
    pub sync_state: Option<crate::sync::background::State>,
    /// The change log's end when the sync was last woken (a save since wakes it again).
    pub(super) synced_log_end: u64,
}

impl App {
    pub fn new(
        store: Store,
        strings: Strings,
        theme: Theme,
        coach: String,
        today: NaiveDate,
        clock: Clock,
    ) -> Result<App, StoreError> {
        let start = StartState::new();
        let mut pending = store.drafts()?;
        pending.reverse();
        let assessment_drafts = store.assessment_drafts()?;
        // A new caseload starts with the default module catalogue.
        if store.module_count() == 0 {
            store.add_modules(&crate::domain::module::default_catalogue(today, clock()))?;
        }
        let modules = super::modules_data::ModuleData::load(&store)?;
        // The caseload last: only the coach's own people are read now; everyone else, the name
        // order and the search index are read and derived on the second core while the start
        // screen is computed and drawn (see `finish_loading`).
        let caseload = Caseload::load_for(&store, &coach)?;
        let lock_minutes = store.settings()?.lock_minutes();
        let last_key = clock();
        let mut app = App {
            store: std::sync::Arc::new(store),
            strings,
            theme,
            coach,
            today,
            caseload,
            modules,
            start: Default::default(),
            start_placed: None,
            save_confirmed: false,
            contact_summaries: None,
            team: false,
            layers: Stack::new(start),
            flash: None,
            quit: false,
            fatal: None,
            disk_full: std::cell::Cell::new(false),
            loaded: false,
            clock,
            pending_drafts: pending,
            pending_assessments: assessment_drafts,
            lock_failures: 0,
            lock_wait_until: None,
            last_key,
            lock_minutes,
            demo_passphrase: None,
            export_dir: None,
            sync: None,
            sync_state: None,
            synced_log_end: 0,
        };
        app.compute_start();
        app.offer_next_draft();
        Ok(app)
    }

    /// The folder exports are written to, made if it is not there; the message to show when
    /// there is none.
    pub(super) fn export_dir(&self) -> Result<std::path::PathBuf, String> {
        let Some(dir) = &self.export_dir else {
            return Err(self.strings.get("error.no_export_dir").to_string());
        };
        // A failure shows when the file is written into it.
        let _ = std::fs::create_dir_all(dir);
        Ok(dir.clone())
    }

    /// A new day (the app stays open overnight); returns whether to redraw.
    pub fn set_today(&mut self, today: NaiveDate) -> bool {
        let loaded = self.finish_loading();
        let changed = self.today != today;
        self.today = today;
        if changed {
            self.compute_start();
        }
        changed || loaded
    }

    pub fn open_participant(&mut self, id: ParticipantId) {
        let assessments = self.store.assessments_of(id);
        let goals = self.store.goals_of(id);
        let (assessments, goals) = match (assessments, goals) {
            (Ok(a), Ok(g)) => (a, g),
            (Err(e), _) | (_, Err(e)) => {
                self.flash = Some((self.error_text(&e), true));
                (Vec::new(), Vec::new())
            }
        };
        let mut state = ParticipantState::new(id, assessments, goals, self.today);
        match super::day_data::DayRecords::load(&self.store, id) {
            Ok(d) => state.day = d,
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.push_screen(Screen::Participant(Box::new(state)));
        self.log_access(id, crate::domain::privacy::AccessAction::Opened);
        self.reload_privacy();
    }

    /// After a save the caseload order changed: every screen recomputes its rows.
    pub(super) fn refresh_screens(&mut self) {
        self.compute_start();
        self.refresh_lists();
    }

    /// The list and search screens recompute their rows from the caseload.
    pub(super) fn refresh_lists(&mut self) {
        for screen in self.layers.screens_mut() {
            match screen {
                Screen::List(s) => s.refresh(&mut self.caseload),
                Screen::Search(s) => s.refresh(&mut self.caseload),
                _ => {}
            }
        }
    }

    pub(super) fn report(&mut self, res: Result<(), StoreError>) {
        if let Err(e) = res {
            self.flash = Some((self.error_text(&e), true));
        }
    }

    pub(super) fn error_text(&self, e: &StoreError) -> String {
        if matches!(e, StoreError::DiskFull) {
            self.disk_full.set(true);
        }
        self.strings.store_error(e)
    }
}
