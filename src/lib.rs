//! meedoen: a keyboard-first terminal application for coaches in social activation.
//!
//! Layers: [`domain`] (pure types and rules), [`store`] (sled, codec, indexes),
//! [`ui`] (state machine and rendering), plus [`cli`] wiring and [`demo`] data; [`sync`] (the
//! protocol) and [`server`] (the team sync server, its own binary `meedoen-server`).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod export;
pub mod export_person;
pub mod i18n;
pub mod import;
pub mod output;
pub mod protocol;
pub mod reports;
pub mod safety;
pub mod server;
pub mod store;
pub mod sync;
pub mod team;
pub mod ui;
pub mod unlock;
