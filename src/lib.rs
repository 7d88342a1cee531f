//! meedoen: a keyboard-first terminal application for coaches in social activation.
//!
//! Layers: [`domain`] (pure types and rules), [`store`] (sled, codec, indexes),
//! [`ui`] (state machine and rendering), plus [`cli`] wiring and [`demo`] data.

pub mod domain;
pub mod store;
pub mod i18n;
pub mod cli;
pub mod app;
pub mod demo;
pub mod export;
pub mod import;
pub mod ui;
