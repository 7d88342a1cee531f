//! Pure domain types and rules: no I/O, no terminal, no clock.
//! Everything that needs "today" takes it as an argument.

pub mod amend;
pub mod appointment;
pub mod attention;
pub mod chart;
pub mod choice;
pub mod compact;
pub mod conflict;
pub mod contact;
pub mod esf;
pub mod fold;
pub mod form_kind;
pub mod goal;
pub mod health;
pub mod holidays;
pub mod lang;
pub mod list_filter;
pub mod module;
pub mod name;
pub mod participant;
pub mod privacy;
pub mod record_id;
pub mod report;
pub mod search;
pub mod signal;
pub mod trajectory;
pub mod validate;

pub use participant::{Address, Gender, Participant, ParticipantId, Referral, Status, coach_key, same_coach};
