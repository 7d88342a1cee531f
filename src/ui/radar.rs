//! The Positive Health spider web in the terminal: six labelled axes 0-10, the current
//! assessment drawn as a solid line with ● at its points, the previous one dotted with ○, so the
//! two are told apart without colour. Readable at 80x24.

use std::f64::consts::PI;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
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

/// Draws the web for `current` with `previous` overlaid.
pub fn render(frame: &mut Frame, area: Rect, ui: &Ui, current: &Assessment, previous: Option<&Assessment>) {
    if area.width < 8 || area.height < 5 {
        return;
    }
    // Cells are about twice as tall as wide: stretch x so the web is round.
    let r = 14.0;
    let aspect = f64::from(area.width) / (2.0 * f64::from(area.height));
    let (xr, yr) = (r * aspect, r);
    let unit_per_col = 2.0 * xr / f64::from(area.width);
    let lang = ui.strings.lang();
    let short: Vec<String> =
        (0..DIMENSIONS).map(|d| ui.strings.get(&format!("dimension_short.{d}")).to_string()).collect();
    let cur = polygon(current);
    let prev = previous.map(polygon);
    let canvas = Canvas::default().marker(Marker::Braille).x_bounds([-xr, xr]).y_bounds([-yr, yr]).paint(|ctx| {
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
        // Labels with the current mark, placed outside the rings; left-hand ones end at the axis.
        for (d, name) in short.iter().enumerate() {
            let text = format!("{name} {}", format_mark(current.mark(d), lang));
            let (x, y) = axis_point(d, 11.0);
            let w = text.chars().count() as f64 * unit_per_col;
            let x = if x < -0.5 {
                x - w
            } else if x > 0.5 {
                x
            } else {
                x - w / 2.0
            };
            let x = x.clamp(-xr, xr - w);
            let y = if y > 0.0 {
                y + 1.0
            } else if y < -5.0 {
                y - 1.0
            } else {
                y
            };
            ctx.print(x, y, Span::styled(text, Style::default()));
        }
    });
    frame.render_widget(canvas, area);
}
