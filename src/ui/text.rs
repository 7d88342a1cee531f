//! Shaping text for the room a screen has: cut with "…" between words, wrapped into lines, a
//! long text on one line. Used by the screens and by the drawings (the spider web's labels).

/// `text` in at most `n` columns (one per character): cut with "…" when longer, between two
/// words when that keeps at least two thirds of the room (so "Het gesprek oefenen" becomes
/// "Het gesprek…", not "Het gesprek oef…"), otherwise inside the word.
pub fn fit(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    if n == 0 {
        return String::new();
    }
    let keep: Vec<char> = text.chars().take(n - 1).collect();
    let at_word_end = text.chars().nth(n - 1).is_some_and(char::is_whitespace);
    let cut = if at_word_end {
        keep.len()
    } else {
        keep.iter().rposition(|c| c.is_whitespace()).filter(|&i| i * 3 >= (n - 1) * 2).unwrap_or(keep.len())
    };
    let head: String = keep[..cut].iter().collect();
    let mut out = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:·-/(".contains(c)).to_string();
    if out.is_empty() {
        out = keep.iter().collect();
    }
    out.push('…');
    out
}

/// A long text (advice, a summary, a note) as lines `width` wide: its first line after `head`,
/// what follows under it after `indent` spaces (its own line breaks, and where it wraps between
/// words), all in `style`. Shown whole; a word wider than the room is cut over two lines.
pub fn text_lines<'a>(
    head: Vec<ratatui::text::Span<'a>>,
    text: &str,
    indent: usize,
    style: ratatui::style::Style,
    width: u16,
) -> Vec<ratatui::text::Line<'a>> {
    use ratatui::text::{Line, Span};
    let head_width: usize = head.iter().map(Span::width).sum();
    // On a narrow screen the text starts at the left edge rather than in a sliver.
    let indent = if usize::from(width) < indent + 12 { 0 } else { indent };
    let mut out = Vec::new();
    let mut head = Some(head);
    for line in text.split('\n') {
        let room = |first: bool| usize::from(width).saturating_sub(if first { head_width } else { indent }).max(1);
        let mut rows: Vec<String> = Vec::new();
        let mut row = String::new();
        for word in line.split(' ') {
            let first = out.is_empty() && rows.is_empty();
            let (used, w) = (Span::raw(row.as_str()).width(), Span::raw(word).width());
            if !row.is_empty() && used + 1 + w > room(first) {
                rows.push(std::mem::take(&mut row));
            } else if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        rows.push(row);
        for r in rows {
            let mut spans = head.take().unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            spans.push(Span::styled(r, style));
            out.push(Line::from(spans));
        }
    }
    out
}

/// A long text on one line (a cell, a list row): its line breaks shown as " / ".
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\n') {
        std::borrow::Cow::Owned(text.split('\n').filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join(" / "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
