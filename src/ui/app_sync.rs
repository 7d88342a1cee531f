//! The team sync seen from the screen: started with the app, woken after a save, its rounds
//! shown in the header, and what came in read into the screens.

use std::time::Duration;

use super::app::App;
use crate::sync::background::{Background, Failure, State};

/// How often a running meedoen syncs when nothing is saved (`MEEDOEN_SYNC_SECONDS` overrides).
const EVERY: Duration = Duration::from_secs(3);

impl App {
    /// The store back from the app (tests reopening it): the sync, if any, is stopped first.
    pub fn into_store(mut self) -> crate::store::Store {
        self.sync = None;
        let App { mut store, .. } = self;
        loop {
            match std::sync::Arc::try_unwrap(store) {
                Ok(s) => return s,
                // The sync thread ends after the round it is in.
                Err(shared) => {
                    store = shared;
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    /// Starts the team sync if this caseload is part of a team.
    pub fn start_sync(&mut self) {
        let every = std::env::var("MEEDOEN_SYNC_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0 && *s < 3600.0)
            .map_or(EVERY, Duration::from_secs_f64);
        self.synced_log_end = self.store.log_end().unwrap_or(0);
        // A team link that does not read is said in the header, not passed over in silence.
        if let Err(e) = self.store.team() {
            self.sync_state = Some(State::Failed(Failure::Storage(self.error_text(&e))));
            return;
        }
        self.sync = Background::start(std::sync::Arc::clone(&self.store), every);
    }

    /// Once a second: a save since the last look wakes the sync; finished rounds are shown and
    /// what they brought is read into the screens. Returns whether to redraw.
    pub(super) fn serve_sync(&mut self) -> bool {
        let Some(sync) = &self.sync else { return false };
        let end = self.store.log_end().unwrap_or(0);
        if end != self.synced_log_end {
            self.synced_log_end = end;
            sync.wake();
        }
        let rounds = sync.finished();
        let Some(last) = rounds.last() else { return false };
        let received: usize = rounds.iter().map(|r| r.received).sum();
        self.sync_state = Some(last.state.clone());
        if received > 0 {
            self.reload_after_sync();
        }
        true
    }

    /// What the team changed is read into every screen, as after a save.
    fn reload_after_sync(&mut self) {
        match super::caseload::Caseload::load(&self.store) {
            Ok(c) => self.caseload = c,
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        self.contact_summaries = None;
        self.reload_modules();
        self.reload_day();
        self.reload_privacy();
        self.refresh_screens();
    }

    /// The header's few words on the sync ("bijgewerkt 09:41"); empty outside a team.
    pub fn sync_label(&self) -> String {
        let s = &self.strings;
        match &self.sync_state {
            None if self.sync.is_some() => s.get("header.sync_starting").to_string(),
            None => String::new(),
            Some(State::Updated(at)) => s.fill("header.sync_updated", &[("time", &at.format("%H:%M").to_string())]),
            Some(State::Offline { waiting: 0 }) => s.get("header.sync_offline").to_string(),
            Some(State::Offline { waiting }) => s.fill("header.sync_waiting", &[("n", &waiting.to_string())]),
            Some(State::Failed(why)) => {
                let why = match why {
                    Failure::NotAllowed => s.get("header.sync_not_allowed").to_string(),
                    Failure::Untrusted => s.get("header.sync_untrusted").to_string(),
                    Failure::Storage(w) | Failure::Other(w) => w.clone(),
                };
                s.fill("header.sync_failed", &[("why", &why)])
            }
        }
    }
}
