//! Styles. With NO_COLOR set, everything is told apart by bold, underline and reverse only.

use ratatui::style::{Color, Modifier, Style};

use crate::i18n::Strings;

/// What every render needs besides the state: the strings and the theme.
pub struct Ui<'a> {
    pub strings: &'a Strings,
    pub theme: Theme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless the NO_COLOR convention (any non-empty value) says otherwise.
    pub fn from_env() -> Theme {
        Theme { color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn plain() -> Style {
        Style::default()
    }
    pub fn header(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn footer_key(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    pub fn dim(&self) -> Style {
        if self.color { Style::default().fg(Color::DarkGray) } else { Style::default() }
    }
    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    /// Matched characters in search results: bold and underlined, in colour as without (a
    /// colour of their own would cost every result row two more bytes each way on a slow link).
    pub fn matched(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn error(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    pub fn ok(&self) -> Style {
        if self.color { Style::default().fg(Color::Green) } else { Style::default() }
    }
    pub fn focus_label(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    pub fn input(&self) -> Style {
        if self.color {
            Style::default().bg(Color::Rgb(40, 40, 60))
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        }
    }
}
