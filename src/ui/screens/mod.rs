//! One module per screen: each owns its state, its `update` and its `render`.

pub mod assessment;
pub mod conflicts;
pub mod editing;
pub mod enrol;
pub mod health_words;
pub mod list;
pub mod modules;
pub mod modules_keys;
pub mod participant;
pub mod participant_day;
pub mod participant_health;
pub mod participant_keys;
pub mod privacy;
pub mod reports;
pub mod search;
pub mod start;
pub mod week;

pub use crate::ui::text::{fit, one_line, text_lines};

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

/// The header of column `key` in `width` cells: whole ("Geboren"), else its short form from
/// `col_short` ("Geb.") when there is one that fits, else cut with "…"; never cut mid-word
/// without it.
pub fn header(s: &crate::i18n::Strings, key: &str, width: usize) -> String {
    let key_whole = format!("col.{key}");
    let whole = s.get(&key_whole);
    if whole.chars().count() <= width {
        return whole.to_string();
    }
    match s.lookup(&format!("col_short.{key}")) {
        Some(short) => fit(short, width),
        None => fit(whole, width),
    }
}

/// The widths a [`ratatui::widgets::Table`] gives its columns in `width` (one column of space
/// between them), so each cell can be cut to fit with "…" instead of silently.
pub fn column_widths(width: u16, constraints: &[ratatui::layout::Constraint]) -> Vec<u16> {
    let area = ratatui::layout::Rect::new(0, 0, width, 1);
    ratatui::layout::Layout::horizontal(constraints.iter().copied())
        .spacing(1)
        .flex(ratatui::layout::Flex::Start)
        .split(area)
        .iter()
        .map(|r| r.width)
        .collect()
}

/// How a row of a list shows whether it is the chosen one: a mark ("›", so it shows on a
/// monochrome screen too) and the selection colour.
pub fn chosen(is: bool, ui: &crate::ui::theme::Ui) -> (&'static str, ratatui::style::Style) {
    if is { ("›", ui.theme.selected()) } else { (" ", ratatui::style::Style::default()) }
}

#[cfg(test)]
mod fit_tests {
    use super::fit;

    #[test]
    fn long_text_is_cut_between_words_with_an_ellipsis() {
        assert_eq!(fit("Het gesprek oefenen", 15), "Het gesprek…");
        assert_eq!(fit("Het gesprek oefenen", 19), "Het gesprek oefenen");
        assert_eq!(fit("Berg, Jan van der", 12), "Berg, Jan…");
        // One long word is cut inside it.
        assert_eq!(fit("Arbeidsmarktbemiddeling", 10), "Arbeidsma…");
        assert_eq!(fit("ISCED 0-2 (tot en met vmbo/mbo-1)", 20), "ISCED 0-2 (tot en…");
        // A space far back would waste the room: cut in the word.
        assert_eq!(fit("Jo Arbeidsmarktbemiddeling", 12), "Jo Arbeidsm…");
        assert_eq!(fit("abc", 0), "");
        assert!(fit("Het gesprek oefenen", 15).chars().count() <= 15);
    }
}
