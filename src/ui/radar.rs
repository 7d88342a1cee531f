//! The Positive Health spider web in the terminal: six labelled axes 0-10, the current
//! assessment drawn as a solid line with ● at its points, the previous one dotted with ○, so the
//! two are told apart without colour. Readable at 80x24.
//!
//! The labels ("Lichaam 6,3") sit at the tips of the axes while they clear the web. In a small
//! area (the reports' charts at 60x20) that would put them on top of the dots, so there they go
//! around the plot instead: the top and bottom ones on their own rows, the side ones in columns
//! left and right of it, abbreviated ("Dag") and with the mark under the name when that leaves
//! the web more room.

use std::f64::consts::PI;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};

use super::theme::Ui;
use crate::domain::health::{Assessment, DIMENSIONS, format_mark};

/// Where axis `d` points at radius `r` (the first axis straight up, clockwise).
pub fn axis_point(d: usize, r: f64) -> (f64, f64) {
    let angle = PI / 2.0 - (d as f64) * 2.0 * PI / DIMENSIONS as f64;
    (r * angle.cos(), r * angle.sin())
}

fn polygon(a: &Assessment) -> Vec<(f64, f64)> {
    (0..DIMENSIONS).map(|d| axis_point(d, a.mark(d).unwrap_or(0.0))).collect()
}

/// How canvas coordinates land on the cells of an area `w` x `h` with bounds ±`xr`, ±`yr`, the
/// way ratatui's braille canvas places dots and printed text.
#[derive(Clone, Copy)]
struct Cells {
    w: f64,
    h: f64,
    xr: f64,
    yr: f64,
}

impl Cells {
    /// The cell column and row of a dot at (x, y).
    fn dot(&self, x: f64, y: f64) -> (i64, i64) {
        let dx = ((x + self.xr) * (2.0 * self.w - 1.0) / (2.0 * self.xr)).round() as i64;
        let dy = ((self.yr - y) * (4.0 * self.h - 1.0) / (2.0 * self.yr)).round() as i64;
        (dx / 2, dy / 4)
    }

    /// The cell column and row where text printed at (x, y) starts.
    fn text(&self, x: f64, y: f64) -> (i64, i64) {
        let cx = ((x + self.xr) * (self.w - 1.0) / (2.0 * self.xr)).floor() as i64;
        let cy = ((self.yr - y) * (self.h - 1.0) / (2.0 * self.yr)).floor() as i64;
        (cx, cy)
    }
}

/// The labels at the tips of the axes, in canvas coordinates, when every one of them is whole
/// in the area and lands on cells the web left blank (`drawn` holds the web without labels),
/// apart from each other; `None` when one does not. The top and bottom labels move a row
/// further out when the tip of their axis shares their row.
fn labels_at_tips(cells: Cells, drawn: &Buffer, texts: &[String]) -> Option<Vec<(f64, f64, String)>> {
    let area = drawn.area;
    let blank = |col: i64, row: i64| {
        let (Ok(x), Ok(y)) = (u16::try_from(col), u16::try_from(row)) else { return false };
        x < area.width && y < area.height && matches!(drawn[(area.x + x, area.y + y)].symbol(), " " | "\u{2800}")
    };
    let unit_per_col = 2.0 * cells.xr / cells.w;
    let row_h = 2.0 * cells.yr / (cells.h - 1.0);
    let mut placed: Vec<(f64, f64, String)> = Vec::new();
    let mut spans: Vec<(i64, i64, i64)> = Vec::new();
    for (d, text) in texts.iter().enumerate() {
        let len = text.chars().count() as i64;
        let (x, y) = axis_point(d, 11.0);
        let w = len as f64 * unit_per_col;
        if w > 2.0 * cells.xr {
            return None;
        }
        let x = if x < -0.5 {
            x - w
        } else if x > 0.5 {
            x
        } else {
            x - w / 2.0
        };
        let x = x.clamp(-cells.xr, cells.xr - w);
        let (y, out) = if y > 0.0 {
            (y + 1.0, 1.0)
        } else if y < -5.0 {
            (y - 1.0, -1.0)
        } else {
            (y, 0.0)
        };
        let tries = if out == 0.0 { vec![y] } else { vec![y, (y + out * row_h).clamp(-cells.yr, cells.yr)] };
        let found = tries.into_iter().filter(|y| y.abs() <= cells.yr).find_map(|y| {
            let (col, row) = cells.text(x, y);
            let end = col + len - 1;
            let on_web = (col..=end).any(|c| !blank(c, row));
            let on_other = spans.iter().any(|&(r, c, e)| r == row && end >= c - 1 && col <= e + 1);
            (!on_web && !on_other && end < cells.w as i64).then_some((y, row, col, end))
        });
        let (y, row, col, end) = found?;
        spans.push((row, col, end));
        placed.push((x, y, text.clone()));
    }
    Some(placed)
}

/// The bounds that make the outer ring fill an area `w` x `h` and stay round (cells are about
/// twice as tall as wide).
fn snug_bounds(w: u16, h: u16) -> (f64, f64) {
    let (half_w, h) = (f64::from(w) / 2.0, f64::from(h));
    let side = half_w.min(h).max(1.0);
    (10.5 * half_w / side, 10.5 * h / side)
}

/// Draws the web for `current` with `previous` overlaid.
pub fn render(frame: &mut Frame, area: Rect, ui: &Ui, current: &Assessment, previous: Option<&Assessment>) {
    if area.width < 8 || area.height < 5 {
        return;
    }
    let lang = ui.strings.lang();
    let names = |table: &str| -> Vec<String> {
        (0..DIMENSIONS).map(|d| ui.strings.get(&format!("{table}.{d}")).to_string()).collect()
    };
    let marks: Vec<String> = (0..DIMENSIONS).map(|d| format_mark(current.mark(d), lang)).collect();
    let short = names("dimension_short");
    let texts: Vec<String> = short.iter().zip(&marks).map(|(n, m)| format!("{n} {m}")).collect();
    // Cells are about twice as tall as wide: stretch x so the web is round.
    let r = 14.0;
    let aspect = f64::from(area.width) / (2.0 * f64::from(area.height));
    let cells = Cells { w: f64::from(area.width), h: f64::from(area.height), xr: r * aspect, yr: r };
    let mut drawn = Buffer::empty(area);
    web(ui, current, previous, (cells.xr, cells.yr), &[]).render(area, &mut drawn);
    match labels_at_tips(cells, &drawn, &texts) {
        Some(labels) => frame.render_widget(web(ui, current, previous, (cells.xr, cells.yr), &labels), area),
        None => render_labels_around(frame, area, ui, current, previous, [&short, &names("dimension_abbr")], &marks),
    }
}

/// The web in the middle of `area`, its labels around it: the first axis's above, the fourth's
/// below, the others in a column on either side at the height of their axis.
fn render_labels_around(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    current: &Assessment,
    previous: Option<&Assessment>,
    names: [&Vec<String>; 2],
    marks: &[String],
) {
    const LEFT: [usize; 2] = [5, 4];
    const RIGHT: [usize; 2] = [1, 2];
    let plot_h = area.height.saturating_sub(2);
    // A side label on one row ("Dagelijks 6,0") or the name over the mark (narrower).
    let side_w = |names: &[String], stacked: bool, side: [usize; 2]| -> u16 {
        side.iter()
            .map(|&d| {
                let (n, m) = (names[d].chars().count(), marks[d].chars().count());
                if stacked { n.max(m) } else { n + 1 + m }
            })
            .max()
            .unwrap_or(0) as u16
    };
    // Whole names on one row first; the first layout that leaves the web its full height wins,
    // else the one that leaves it the most room.
    let layouts: Vec<(&Vec<String>, bool, u16, u16)> = names
        .iter()
        .flat_map(|n| [false, true].map(|stacked| (*n, stacked)))
        .filter(|&(_, stacked)| !stacked || plot_h >= 6)
        .map(|(n, stacked)| (n, stacked, side_w(n, stacked, LEFT), side_w(n, stacked, RIGHT)))
        .collect();
    let room = |&(_, _, l, r): &(&Vec<String>, bool, u16, u16)| area.width.saturating_sub(l + r + 2);
    let Some(&(names, stacked, left_w, right_w)) =
        layouts.iter().find(|l| room(l) >= 2 * plot_h).or_else(|| layouts.iter().rev().max_by_key(|l| room(l)))
    else {
        return;
    };
    let plot = Rect::new(area.x + left_w + 1, area.y + 1, room(&(names, stacked, left_w, right_w)), plot_h);
    let buf = frame.buffer_mut();
    let one_row = |d: usize| format!("{} {}", names[d], marks[d]);
    // Above and below, centred over the web.
    for (d, y) in [(0, area.y), (3, area.bottom() - 1)] {
        let text = super::text::fit(&one_row(d), usize::from(area.width));
        let w = text.chars().count() as u16;
        let x = (plot.x + plot.width / 2).saturating_sub(w / 2).clamp(area.x, area.right().saturating_sub(w));
        buf.set_string(x, y, text, Style::default());
    }
    // At the sides, at the height of the axis's tip: right-aligned on the left, left-aligned on
    // the right.
    let (xr, yr) = snug_bounds(plot.width, plot.height);
    let cells = Cells { w: f64::from(plot.width), h: f64::from(plot.height), xr, yr };
    for (side, ds) in [(0, LEFT), (1, RIGHT)] {
        for d in ds {
            let row = plot.y + cells.dot(0.0, axis_point(d, 10.0).1).1.clamp(0, i64::from(plot.height) - 1) as u16;
            let rows = if stacked { vec![names[d].clone(), marks[d].clone()] } else { vec![one_row(d)] };
            for (i, text) in rows.into_iter().enumerate() {
                let w = text.chars().count() as u16;
                let x = if side == 0 { (area.x + left_w).saturating_sub(w) } else { plot.right() + 1 };
                let y = row + i as u16;
                if y < area.bottom() - 1 {
                    buf.set_string(x, y, text, Style::default());
                }
            }
        }
    }
    if plot.width >= 4 && plot.height >= 3 {
        frame.render_widget(web(ui, current, previous, (xr, yr), &[]), plot);
    }
}

/// The rings, axes and both assessments on a braille canvas with bounds ±x, ±y, and `labels`
/// printed over them.
fn web<'a>(
    ui: &'a Ui,
    current: &Assessment,
    previous: Option<&Assessment>,
    (xr, yr): (f64, f64),
    labels: &'a [(f64, f64, String)],
) -> impl Widget + 'a {
    let cur = polygon(current);
    let prev = previous.map(polygon);
    Canvas::default().marker(Marker::Braille).x_bounds([-xr, xr]).y_bounds([-yr, yr]).paint(move |ctx| {
        let dim = ui.theme.dim().fg.unwrap_or_default();
        // Axes and the rings at 5 and 10.
        for d in 0..DIMENSIONS {
            let (x, y) = axis_point(d, 10.0);
            ctx.draw(&CanvasLine { x1: 0.0, y1: 0.0, x2: x, y2: y, color: dim });
            let ring: Vec<(f64, f64)> = [5.0, 10.0].iter().map(|&rr| axis_point(d, rr)).collect();
            ctx.draw(&Points { coords: &ring, color: dim });
        }
        ctx.layer();
        // Previous: dotted.
        if let Some(p) = &prev {
            let mut dots = Vec::new();
            for i in 0..DIMENSIONS {
                let (a, b) = (p[i], p[(i + 1) % DIMENSIONS]);
                for k in 0..12 {
                    let t = f64::from(k) / 12.0;
                    dots.push((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
                }
            }
            ctx.draw(&Points { coords: &dots, color: ratatui::style::Color::Reset });
        }
        // Current: solid.
        for i in 0..DIMENSIONS {
            let (a, b) = (cur[i], cur[(i + 1) % DIMENSIONS]);
            ctx.draw(&CanvasLine { x1: a.0, y1: a.1, x2: b.0, y2: b.1, color: ratatui::style::Color::Reset });
        }
        ctx.layer();
        if let Some(p) = &prev {
            for &(x, y) in p {
                ctx.print(x, y, "○");
            }
        }
        for &(x, y) in &cur {
            ctx.print(x, y, "●");
        }
        for (x, y, text) in labels {
            ctx.print(*x, *y, Span::styled(text.clone(), Style::default()));
        }
    })
}
