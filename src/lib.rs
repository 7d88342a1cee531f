//! meedoen: a keyboard-first terminal application for coaches in social activation.
//!
//! Layers: [`domain`] (pure types and rules), [`store`] (sled, codec, indexes),
//! [`ui`] (state machine and rendering), plus [`cli`] wiring and [`demo`] data.

pub mod domain;
pub mod store;
