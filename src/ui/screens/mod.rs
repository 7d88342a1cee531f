//! One module per screen: each owns its state, its `update` and its `render`.

pub mod assessment;
pub mod conflicts;
pub mod editing;
pub mod enrol;
pub mod list;
pub mod modules;
pub mod modules_keys;
pub mod participant;
pub mod participant_day;
pub mod participant_keys;
pub mod privacy;
pub mod reports;
pub mod search;
pub mod start;
pub mod week;

/// Moves a list selection for the navigation actions (↑ ↓ one row, PgUp PgDn ten); returns
/// whether it moved.
pub fn navigate(selected: &mut usize, len: usize, action: crate::ui::keymap::Action) -> bool {
    use crate::ui::keymap::Action;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -10,
        Action::PageDown => 10,
        _ => return false,
    };
    let before = *selected;
    *selected = step(*selected, len, delta);
    before != *selected
}

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

/// `text` in at most `n` columns (one per character): cut with "…" when longer.
pub fn fit(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut out: String = text.chars().take(n.saturating_sub(1)).collect();
    if n > 0 {
        out.push('…');
    }
    out
}

/// How a row of a list shows whether it is the chosen one: a mark ("›", so it shows on a
/// monochrome screen too) and the selection colour.
pub fn chosen(is: bool, ui: &crate::ui::theme::Ui) -> (&'static str, ratatui::style::Style) {
    if is { ("›", ui.theme.selected()) } else { (" ", ratatui::style::Style::default()) }
}
