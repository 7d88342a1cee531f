//! One module per screen: each owns its state, its `update` and its `render`.

pub mod assessment;
pub mod enrol;
pub mod list;
pub mod modules;
pub mod participant;
pub mod search;
pub mod start;
pub mod week;

/// Moves a selection in a list of `len` rows by `delta`, clamped.
pub fn step(selected: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    let s = selected as isize + delta;
    s.clamp(0, len as isize - 1) as usize
}

/// The first row to show so that `selected` is visible in `height` rows.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    if height == 0 { selected } else { selected.saturating_sub(height - 1) }
}
