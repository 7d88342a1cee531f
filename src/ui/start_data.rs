//! What the start screen shows, derived from the data (like `day_data` and `modules_data`):
//! the layers' context lends it to every layer, so it lives apart from the screen.

use chrono::NaiveDate;

use crate::domain::ParticipantId;
use crate::domain::attention::{self, Facts, Item, Reason, Rules};
use crate::ui::tab::Tab;

/// One selectable line of the start screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartRow {
    Appointment { participant: ParticipantId, at: chrono::NaiveDateTime, place: String },
    Attention(Item),
}

impl StartRow {
    pub fn participant(&self) -> ParticipantId {
        match self {
            StartRow::Appointment { participant, .. } => *participant,
            StartRow::Attention(i) => i.participant,
        }
    }

    /// The tab the participant opens at.
    pub fn tab(&self) -> Tab {
        match self {
            StartRow::Appointment { .. } => Tab::Contacts,
            StartRow::Attention(i) => match i.reason {
                Reason::NoFirstContact { .. } | Reason::NoContact { .. } => Tab::Contacts,
                Reason::SignalDue { .. } => Tab::Signals,
                Reason::GoalOverdue { .. } => Tab::Goals,
                Reason::PlaceFreed { .. } => Tab::Modules,
                Reason::EndingWithoutAdvice { .. } | Reason::ExtensionDue { .. } | Reason::Unreadable { .. } => {
                    Tab::Profile
                }
            },
        }
    }
}

/// A module session today, with who of the caseload is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLine {
    pub start_minute: u16,
    pub module: String,
    pub topic: u8,
    pub cycle: usize,
    pub seated: usize,
    pub capacity: u16,
    pub expected: Vec<String>,
}

/// What the start screen shows, computed when the app starts and after every save.
#[derive(Debug, Clone, Default)]
pub struct Today {
    pub rows: Vec<StartRow>,
    pub sessions: Vec<SessionLine>,
    /// Per status, for the coach (or the team).
    pub counts: [usize; 5],
    pub team: bool,
    /// Conflicts of the team's sync still to review.
    pub conflicts: usize,
    pub coach: String,
    pub date: NaiveDate,
}

/// Builds the attention list for the given participants and the facts looked up for each.
pub fn attention_rows(facts: &[Facts], today: NaiveDate, rules: &Rules) -> Vec<StartRow> {
    let items = facts
        .iter()
        .flat_map(|f| {
            attention::reasons(f, today, rules).into_iter().map(|reason| Item { participant: f.participant.id, reason })
        })
        .collect();
    attention::ranked(items).into_iter().map(StartRow::Attention).collect()
}
