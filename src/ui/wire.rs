//! What goes over the wire to the terminal: a ratatui backend that knows the terminal's state
//! between frames and sends only what changes it.
//!
//! Coaches work over remote terminal links, where every byte of a keystroke's answer counts.
//! ratatui hands a backend the cells that differ from the previous frame; this backend decides
//! how to get them onto the screen in the fewest bytes:
//!
//! - it remembers where the cursor is, whether it is shown and which colours and attributes are
//!   set, across frames, and sends a move, a show or a colour only when it changes something
//!   (no reset at the end of each frame, no show-cursor when it is shown);
//! - of the ways to reach the next changed cell it takes the shortest: an absolute move, a
//!   relative one, a carriage return, line feeds and backspaces (a byte a row or column; the
//!   terminal is in raw mode, so a line feed adds no carriage return), or writing the few
//!   unchanged cells in between again (it keeps a copy of what the screen shows for that);
//! - a run of blank cells is erased (`ECH`, or `EL` to the end of the row) when that is shorter
//!   than writing it;
//! - colours go out as the short 16-colour codes where they are one, and 24-bit colour only when
//!   `COLORTERM` announces it (`truecolor` or `24bit`); otherwise the nearest of the 256-colour
//!   palette.
//!
//! Screens do not change for it: it sits under ratatui as the backend of the one terminal.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// The colours and attributes the terminal writes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    const PLAIN: Pen = Pen { fg: Color::Reset, bg: Color::Reset, modifier: Modifier::empty() };

    fn of(cell: &Cell) -> Pen {
        Pen { fg: cell.fg, bg: cell.bg, modifier: cell.modifier }
    }
}

/// Attributes that show on a blank cell: a run with any of these is written, not erased.
const SHOWS_ON_BLANK: Modifier =
    Modifier::UNDERLINED.union(Modifier::REVERSED).union(Modifier::CROSSED_OUT).union(Modifier::HIDDEN);

/// The backend. `W` is where the bytes go (standard output; a counter or a parser in tests).
pub struct Wire<W: Write> {
    out: W,
    /// This frame's bytes, sent in one write at `flush`.
    buf: Vec<u8>,
    /// A fixed size (tests and benchmarks); `None` asks the terminal.
    fixed: Option<Size>,
    truecolor: bool,
    /// Where the terminal's cursor is, when known (not after writing into the last column, where
    /// terminals differ in what they do).
    cursor: Option<Position>,
    visible: Option<bool>,
    /// The pen the terminal writes with now; `None` until the first is set.
    pen: Option<Pen>,
    /// What the screen shows, cell by cell: blank at first, as ratatui's previous frame is, and
    /// then what this backend wrote.
    shadow: Buffer,
    /// Whether `shadow` is what the screen shows (not after a partial clear).
    known: bool,
}

impl<W: Write> Wire<W> {
    /// A backend writing to `out`, in 24-bit colour when the environment's `COLORTERM` says the
    /// terminal has it.
    pub fn new(out: W) -> Wire<W> {
        let colorterm = std::env::var("COLORTERM").unwrap_or_default();
        Wire::with(out, None, matches!(colorterm.as_str(), "truecolor" | "24bit"))
    }

    /// A backend of a fixed size (no terminal to ask), with or without 24-bit colour.
    pub fn with(out: W, fixed: Option<Size>, truecolor: bool) -> Wire<W> {
        Wire {
            out,
            buf: Vec::with_capacity(4096),
            fixed,
            truecolor,
            cursor: None,
            visible: None,
            pen: None,
            shadow: Buffer::empty(Rect::ZERO),
            known: true,
        }
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Sets the plain pen, so what is written after meedoen (the shell's prompt) is plain.
    pub fn reset_pen(&mut self) -> io::Result<()> {
        if self.pen != Some(Pen::PLAIN) {
            self.buf.extend_from_slice(b"\x1b[m");
            self.pen = Some(Pen::PLAIN);
        }
        self.flush()
    }

    fn area(&self) -> io::Result<Size> {
        match self.fixed {
            Some(s) => Ok(s),
            None => {
                let (width, height) = ratatui::crossterm::terminal::size()?;
                Ok(Size { width, height })
            }
        }
    }

    /// Makes the shadow the size of the screen: blank, as ratatui takes a new screen to be (it
    /// clears one that changed size before it draws on it).
    fn fit_shadow(&mut self, size: Size) {
        let area = Rect::new(0, 0, size.width, size.height);
        if self.shadow.area != area {
            self.shadow = Buffer::empty(area);
            self.known = true;
            // A terminal that changed size may have moved the cursor (into the smaller screen).
            self.cursor = None;
        }
    }

    /// Sets the pen for `to`, with the shorter of a change from the current pen or a reset.
    fn set_pen(&mut self, to: Pen) {
        if self.pen == Some(to) {
            return;
        }
        let seq = pen_change(self.pen, to, self.truecolor);
        self.buf.extend_from_slice(&seq);
        self.pen = Some(to);
    }

    /// Moves the cursor to `to` the shortest way known; `next` is the pen of the cell to be
    /// written there (a way that leaves that pen set saves its change).
    fn goto(&mut self, to: Position, next: Option<Pen>) {
        if self.cursor == Some(to) {
            return;
        }
        let truecolor = self.truecolor;
        let cost = |w: &Way| {
            w.bytes.len() + next.filter(|p| w.pen != Some(*p)).map_or(0, |p| pen_change(w.pen, p, truecolor).len())
        };
        let mut best = Way { bytes: absolute(to), pen: self.pen };
        if let Some(from) = self.cursor {
            for (vertical, col) in vertical_moves(from, to) {
                for h in self.horizontals(col, to) {
                    let mut bytes = vertical.clone();
                    bytes.extend_from_slice(&h.bytes);
                    let way = Way { bytes, pen: h.pen };
                    if cost(&way) < cost(&best) {
                        best = way;
                    }
                }
            }
        }
        self.buf.extend_from_slice(&best.bytes);
        self.pen = best.pen;
        self.cursor = Some(to);
    }

    /// The ways along row `to.y` from column `col` to `to.x`: a relative move, a carriage return
    /// and a move, or the unchanged cells between written again (with their own pens).
    fn horizontals(&self, col: u16, to: Position) -> Vec<Way> {
        if col == to.x {
            return vec![Way { bytes: Vec::new(), pen: self.pen }];
        }
        let relative = if to.x > col { csi(to.x - col, b'C') } else { csi(col - to.x, b'D') };
        let mut from_start = b"\r".to_vec();
        if to.x > 0 {
            from_start.extend_from_slice(&csi(to.x, b'C'));
        }
        let mut ways = vec![Way { bytes: relative, pen: self.pen }, Way { bytes: from_start, pen: self.pen }];
        // A backspace a column, for a few columns left.
        if to.x < col && col - to.x <= 3 {
            ways.push(Way { bytes: vec![b'\x08'; usize::from(col - to.x)], pen: self.pen });
        }
        if to.x > col && self.known && to.x - col <= 16 {
            ways.extend(self.rewrite(col, to));
        }
        ways
    }

    /// The unchanged cells from `col` up to `to` on its row written again, each with its pen;
    /// `None` when one of them is not a single-width character.
    fn rewrite(&self, col: u16, to: Position) -> Option<Way> {
        let mut pen = self.pen;
        let mut bytes = Vec::new();
        for x in col..to.x {
            let cell = self.shadow.cell(Position::new(x, to.y))?;
            let symbol = cell.symbol();
            if width(symbol) != 1 {
                return None;
            }
            let p = Pen::of(cell);
            if pen != Some(p) {
                bytes.extend_from_slice(&pen_change(pen, p, self.truecolor));
                pen = Some(p);
            }
            bytes.extend_from_slice(symbol.as_bytes());
        }
        Some(Way { bytes, pen })
    }

    /// The fewest bytes that move along row `to.y` from `col` to `to.x`, pens aside.
    fn move_len(&self, col: u16, to: Position) -> usize {
        self.horizontals(col, to).iter().map(|w| w.bytes.len()).min().unwrap_or(0)
    }

    /// Writes one cell at the cursor (already there), with its pen.
    fn put(&mut self, x: u16, y: u16, cell: &Cell, screen_width: u16) {
        self.set_pen(Pen::of(cell));
        let symbol = cell.symbol();
        self.buf.extend_from_slice(symbol.as_bytes());
        let w = width(symbol).max(1);
        self.cursor = (x + w < screen_width).then(|| Position::new(x + w, y));
        if let Some(c) = self.shadow.cell_mut(Position::new(x, y)) {
            *c = cell.clone();
        }
        // The columns a wide character covers hold nothing of their own: never written again
        // from here (ratatui sends them when the wide character goes).
        for k in 1..w {
            if let Some(c) = self.shadow.cell_mut(Position::new(x + k, y)) {
                c.set_symbol("");
            }
        }
    }
}

/// A way to reach a cell: its bytes and the pen they leave set.
struct Way {
    bytes: Vec<u8>,
    pen: Option<Pen>,
}

/// The terminal columns a cell's symbol takes.
fn width(symbol: &str) -> u16 {
    u16::try_from(ratatui::text::Span::raw(symbol).width()).unwrap_or(u16::MAX)
}

/// `ESC [ n <final>`, with `n` left out when it is 1.
fn csi(n: u16, last: u8) -> Vec<u8> {
    let mut v = b"\x1b[".to_vec();
    if n != 1 {
        v.extend_from_slice(n.to_string().as_bytes());
    }
    v.push(last);
    v
}

/// The absolute move to `to` (`ESC [ row ; col H`, with the parts that are 1 left out).
fn absolute(to: Position) -> Vec<u8> {
    let mut v = b"\x1b[".to_vec();
    if to.y != 0 || to.x != 0 {
        v.extend_from_slice((to.y + 1).to_string().as_bytes());
    }
    if to.x != 0 {
        v.push(b';');
        v.extend_from_slice((to.x + 1).to_string().as_bytes());
    }
    v.push(b'H');
    v
}

/// The ways to reach row `to.y` from `from`, each with the column it leaves the cursor in.
fn vertical_moves(from: Position, to: Position) -> Vec<(Vec<u8>, u16)> {
    if from.y == to.y {
        return vec![(Vec::new(), from.x)];
    }
    if to.y > from.y {
        let down = to.y - from.y;
        let mut ways = vec![(csi(down, b'B'), from.x)];
        // Line feeds, a byte a row, in the same column (raw mode: no carriage return is added),
        // or after a carriage return in the first. A line feed never scrolls here: the target
        // row is on the screen.
        if down <= 4 {
            let feeds = std::iter::repeat_n(b'\n', usize::from(down));
            ways.push((feeds.clone().collect(), from.x));
            ways.push((std::iter::once(b'\r').chain(feeds).collect(), 0));
        }
        ways
    } else {
        vec![(csi(from.y - to.y, b'A'), from.x)]
    }
}

/// The SGR parameters of a colour, foreground or background.
fn color_params(c: Color, background: bool, truecolor: bool, out: &mut Vec<String>) {
    let base = if background { 40 } else { 30 };
    let bright = if background { 100 } else { 90 };
    let indexed = |n: u8, out: &mut Vec<String>| match n {
        0..=7 => out.push((base + u16::from(n)).to_string()),
        8..=15 => out.push((bright + u16::from(n) - 8).to_string()),
        _ => {
            out.push((base + 8).to_string());
            out.push("5".into());
            out.push(n.to_string());
        }
    };
    match c {
        Color::Reset => out.push((base + 9).to_string()),
        Color::Black => indexed(0, out),
        Color::Red => indexed(1, out),
        Color::Green => indexed(2, out),
        Color::Yellow => indexed(3, out),
        Color::Blue => indexed(4, out),
        Color::Magenta => indexed(5, out),
        Color::Cyan => indexed(6, out),
        Color::Gray => indexed(7, out),
        Color::DarkGray => indexed(8, out),
        Color::LightRed => indexed(9, out),
        Color::LightGreen => indexed(10, out),
        Color::LightYellow => indexed(11, out),
        Color::LightBlue => indexed(12, out),
        Color::LightMagenta => indexed(13, out),
        Color::LightCyan => indexed(14, out),
        Color::White => indexed(15, out),
        Color::Indexed(n) => indexed(n, out),
        Color::Rgb(r, g, b) if truecolor => {
            out.push((base + 8).to_string());
            out.push("2".into());
            out.extend([r.to_string(), g.to_string(), b.to_string()]);
        }
        Color::Rgb(r, g, b) => indexed(nearest_256(r, g, b), out),
    }
}

/// The colour of the 256-colour palette (its 6x6x6 cube or its grey ramp) nearest to `r g b`.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let step = |v: u8| {
        LEVELS.iter().enumerate().min_by_key(|(_, l)| (i32::from(**l) - i32::from(v)).abs()).map_or(0, |(i, _)| i)
    };
    let (ri, gi, bi) = (step(r), step(g), step(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |p: u8, q: u8| (i32::from(p) - i32::from(q)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    let mean = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
    let grey_index = (mean.saturating_sub(3) / 10).min(23) as u8;
    let grey = 8 + 10 * grey_index;
    if dist((grey, grey, grey)) < dist(cube) { 232 + grey_index } else { 16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8 }
}

/// The SGR codes that switch attributes on.
fn modifier_on(m: Modifier, out: &mut Vec<String>) {
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            out.push(code.into());
        }
    }
}

/// `ESC [ … m` from the pen `from` (unknown: `None`) to `to`: the change alone, or a reset and
/// the whole new pen, whichever is shorter.
fn pen_change(from: Option<Pen>, to: Pen, truecolor: bool) -> Vec<u8> {
    let join = |params: &[String]| {
        let mut v = b"\x1b[".to_vec();
        v.extend_from_slice(params.join(";").as_bytes());
        v.push(b'm');
        v
    };
    // From a reset: only what differs from the plain pen.
    let mut reset = vec!["0".to_string()];
    modifier_on(to.modifier, &mut reset);
    if to.fg != Color::Reset {
        color_params(to.fg, false, truecolor, &mut reset);
    }
    if to.bg != Color::Reset {
        color_params(to.bg, true, truecolor, &mut reset);
    }
    if reset.len() == 1 {
        reset.clear(); // `ESC [ m` is a reset
    }
    let Some(from) = from else { return join(&reset) };
    let mut change = Vec::new();
    let off = from.modifier - to.modifier;
    let mut on = to.modifier - from.modifier;
    if off.intersects(Modifier::BOLD | Modifier::DIM) {
        change.push("22".to_string());
        // 22 ends both bold and dim: the one that stays is set again.
        on |= to.modifier & (Modifier::BOLD | Modifier::DIM);
    }
    for (flag, code) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if off.contains(flag) {
            change.push(code.into());
        }
    }
    if off.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        change.push("25".into());
        on |= to.modifier & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    }
    modifier_on(on, &mut change);
    if to.fg != from.fg {
        color_params(to.fg, false, truecolor, &mut change);
    }
    if to.bg != from.bg {
        color_params(to.bg, true, truecolor, &mut change);
    }
    let (a, b) = (join(&change), join(&reset));
    if a.len() <= b.len() { a } else { b }
}

impl<W: Write> Backend for Wire<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let size = self.area()?;
        self.fit_shadow(size);
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        let mut i = 0;
        while i < cells.len() {
            let (x, y, cell) = cells[i];
            if x >= size.width || y >= size.height {
                i += 1;
                continue;
            }
            // A run of blank cells of one pen, one after the other on this row.
            let pen = Pen::of(cell);
            let mut run = 0;
            while i + run < cells.len() {
                let (rx, ry, rc) = cells[i + run];
                if ry != y || rx != x + run as u16 || rc.symbol() != " " || Pen::of(rc) != pen {
                    break;
                }
                run += 1;
            }
            self.goto(Position::new(x, y), Some(pen));
            if run > 0 && !pen.modifier.intersects(SHOWS_ON_BLANK) {
                let run16 = run as u16;
                let to_edge = x + run16 == size.width;
                let next_on_row = cells.get(i + run).filter(|(_, ny, _)| *ny == y).map(|(nx, _, _)| *nx);
                // Erasing leaves the cursor where it is: the next cell on the row is reached by a
                // move from there; writing the blanks leaves it right after them.
                let erase = if to_edge { b"\x1b[K".to_vec() } else { csi(run16, b'X') };
                let (erase_cost, write_cost) = match next_on_row {
                    Some(nx) => (
                        erase.len() + self.move_len(x, Position::new(nx, y)),
                        run + self.move_len(x + run16, Position::new(nx, y)),
                    ),
                    None => (erase.len(), run),
                };
                if erase_cost < write_cost {
                    self.set_pen(pen);
                    self.buf.extend_from_slice(&erase);
                    for k in 0..run16 {
                        if let Some(c) = self.shadow.cell_mut(Position::new(x + k, y)) {
                            *c = cells[i + usize::from(k)].2.clone();
                        }
                    }
                    i += run;
                    continue;
                }
            }
            self.put(x, y, cell, size.width);
            i += 1;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            self.buf.extend_from_slice(b"\x1b[?25l");
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            self.buf.extend_from_slice(b"\x1b[?25h");
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor.unwrap_or(Position::ORIGIN))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.goto(position.into(), None);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let size = self.area()?;
        self.fit_shadow(size);
        // Erased cells take the pen's background: the plain pen first.
        self.set_pen(Pen::PLAIN);
        match clear_type {
            ClearType::All => {
                self.buf.extend_from_slice(b"\x1b[2J");
                self.shadow.reset();
                self.known = true;
            }
            other => {
                let seq: &[u8] = match other {
                    ClearType::AfterCursor => b"\x1b[J",
                    ClearType::BeforeCursor => b"\x1b[1J",
                    ClearType::CurrentLine => b"\x1b[2K",
                    _ => b"\x1b[K",
                };
                self.buf.extend_from_slice(seq);
                // What is left of the screen is not followed here: nothing is rewritten from it.
                self.known = false;
            }
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        self.area()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let columns_rows = self.area()?;
        let pixels = match self.fixed {
            Some(_) => Size::ZERO,
            None => {
                let w = ratatui::crossterm::terminal::window_size()?;
                Size { width: w.width, height: w.height }
            }
        };
        Ok(WindowSize { columns_rows, pixels })
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_without_24_bit_are_the_nearest_of_the_palette() {
        assert_eq!(nearest_256(0, 0, 0), 16);
        assert_eq!(nearest_256(255, 255, 255), 231);
        assert_eq!(nearest_256(128, 128, 128), 244, "a grey takes the grey ramp");
        assert_eq!(nearest_256(40, 40, 60), 236, "the input background");
        assert_eq!(nearest_256(95, 135, 175), 16 + 36 + 2 * 6 + 3);
    }

    #[test]
    fn a_pen_change_is_the_shorter_of_the_change_and_a_reset() {
        let plain = Pen::PLAIN;
        let bold_cyan = Pen { fg: Color::Cyan, bg: Color::Reset, modifier: Modifier::BOLD };
        assert_eq!(pen_change(Some(plain), bold_cyan, false), b"\x1b[1;36m");
        assert_eq!(pen_change(Some(bold_cyan), plain, false), b"\x1b[m", "a reset, not 22;39");
        let dim = Pen { fg: Color::DarkGray, ..plain };
        assert_eq!(pen_change(Some(bold_cyan), dim, false), b"\x1b[0;90m");
        let input = Pen { bg: Color::Rgb(40, 40, 60), ..plain };
        assert_eq!(pen_change(Some(plain), input, false), b"\x1b[48;5;236m");
        assert_eq!(pen_change(Some(plain), input, true), b"\x1b[48;2;40;40;60m");
        assert_eq!(pen_change(None, plain, false), b"\x1b[m", "an unknown pen is set whole");
    }

    #[test]
    fn moves_leave_out_what_is_one() {
        assert_eq!(absolute(Position::new(0, 0)), b"\x1b[H");
        assert_eq!(absolute(Position::new(0, 4)), b"\x1b[5H");
        assert_eq!(absolute(Position::new(9, 4)), b"\x1b[5;10H");
        assert_eq!(csi(1, b'C'), b"\x1b[C");
        assert_eq!(csi(12, b'X'), b"\x1b[12X");
    }

    /// Drawing the same frame twice sends nothing the second time; a cursor already where it is
    /// asked to be is not moved.
    #[test]
    fn nothing_changed_sends_nothing() {
        let area = Rect::new(0, 0, 20, 3);
        let mut term = ratatui::Terminal::with_options(
            Wire::with(Vec::new(), Some(Size::new(20, 3)), false),
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
        )
        .unwrap();
        let draw = |t: &mut ratatui::Terminal<Wire<Vec<u8>>>| {
            t.draw(|f| {
                f.render_widget(ratatui::widgets::Paragraph::new("Zoek: jan"), f.area());
                f.set_cursor_position(Position::new(9, 0));
            })
            .unwrap();
        };
        draw(&mut term);
        let first = std::mem::take(term.backend_mut().writer_mut());
        assert!(first.ends_with(b"Zoek: jan\x1b[?25h"), "{:?}", String::from_utf8_lossy(&first));
        draw(&mut term);
        assert!(term.backend().writer().is_empty(), "{:?}", String::from_utf8_lossy(term.backend().writer()));
    }
}
