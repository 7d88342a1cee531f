//! The spider web as SVG, for the participant's file: the latest assessment solid with filled
//! dots, the previous one dashed with open circles, six labelled axes 0-10. Prints in black and
//! white.

use std::fmt::Write;

use super::health::{Assessment, DIMENSIONS, Instrument, format_mark};
use super::lang::Lang;
use super::validate::format_date;

/// Wide enough for the longest dimension name on either side.
const WIDTH: f64 = 860.0;
const SIZE: f64 = 640.0;
const CX: f64 = WIDTH / 2.0;
const CENTRE: f64 = SIZE / 2.0;
const RADIUS: f64 = 200.0;

fn point(d: usize, value: f64) -> (f64, f64) {
    let angle = std::f64::consts::PI / 2.0 - d as f64 * 2.0 * std::f64::consts::PI / DIMENSIONS as f64;
    (CX + RADIUS * value / 10.0 * angle.cos(), CENTRE - RADIUS * value / 10.0 * angle.sin())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn path(a: &Assessment) -> String {
    (0..DIMENSIONS)
        .map(|d| {
            let (x, y) = point(d, a.mark(d).unwrap_or(0.0));
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chart for `name`: `current` with `previous` overlaid.
pub fn svg(name: &str, current: &Assessment, previous: Option<&Assessment>, lang: Lang) -> String {
    let ins = Instrument::get();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" font-family="sans-serif" font-size="14">"#,
        h = SIZE + 60.0
    );
    let title = if lang == Lang::En { "Positive Health" } else { "Positieve Gezondheid" };
    let _ = writeln!(s, r#"<text x="20" y="30" font-size="18" font-weight="bold">{title} — {}</text>"#, escape(name));
    for ring in [2.0, 4.0, 6.0, 8.0, 10.0] {
        let pts: Vec<String> = (0..DIMENSIONS).map(|d| point(d, ring)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = writeln!(s, r##"<polygon points="{}" fill="none" stroke="#bbb" stroke-width="1"/>"##, pts.join(" "));
    }
    for d in 0..DIMENSIONS {
        let (x, y) = point(d, 10.0);
        let _ = writeln!(s, r##"<line x1="{CX}" y1="{CENTRE}" x2="{x:.1}" y2="{y:.1}" stroke="#999"/>"##);
        let (lx, ly) = point(d, 11.6);
        let anchor = if (lx - CX).abs() < 1.0 {
            "middle"
        } else if lx < CX {
            "end"
        } else {
            "start"
        };
        let _ = writeln!(
            s,
            r#"<text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">{} {}</text>"#,
            escape(ins.dimension_name(d, lang)),
            format_mark(current.mark(d), lang)
        );
    }
    if let Some(p) = previous {
        let _ = writeln!(
            s,
            r##"<polygon points="{}" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="8 6"/>"##,
            path(p)
        );
        for d in 0..DIMENSIONS {
            let (x, y) = point(d, p.mark(d).unwrap_or(0.0));
            let _ =
                writeln!(s, r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#fff" stroke="#000" stroke-width="2"/>"##);
        }
    }
    let _ = writeln!(
        s,
        r##"<polygon points="{}" fill="#000" fill-opacity="0.08" stroke="#000" stroke-width="3"/>"##,
        path(current)
    );
    for d in 0..DIMENSIONS {
        let (x, y) = point(d, current.mark(d).unwrap_or(0.0));
        let _ = writeln!(s, r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#000"/>"##);
    }
    let y = SIZE + 20.0;
    let _ = writeln!(
        s,
        r##"<line x1="20" y1="{y}" x2="60" y2="{y}" stroke="#000" stroke-width="3"/><circle cx="40" cy="{y}" r="5" fill="#000"/>"##
    );
    let _ = writeln!(s, r#"<text x="70" y="{}">{}</text>"#, y + 5.0, format_date(current.date));
    if let Some(p) = previous {
        let _ = writeln!(
            s,
            r##"<line x1="220" y1="{y}" x2="260" y2="{y}" stroke="#000" stroke-width="2" stroke-dasharray="8 6"/><circle cx="240" cy="{y}" r="5" fill="#fff" stroke="#000" stroke-width="2"/>"##
        );
        let _ = writeln!(s, r#"<text x="270" y="{}">{}</text>"#, y + 5.0, format_date(p.date));
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParticipantId;
    use chrono::{NaiveDate, Utc};

    #[test]
    fn both_webs_and_all_labels_are_in_the_svg() {
        let id = ParticipantId::new_random();
        let mut before = Assessment::new(id, NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(), "S", Utc::now());
        before.overall = [Some(40); 6];
        let mut now = Assessment::new(id, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), "S", Utc::now());
        now.overall = [Some(65), Some(70), Some(50), Some(60), Some(55), Some(80)];
        let svg = svg("Öztürk, Fatma & co", &now, Some(&before), Lang::Nl);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Öztürk, Fatma &amp; co"));
        assert!(svg.contains("stroke-dasharray"), "the previous web is dashed");
        for name in [
            "Lichaamsfuncties",
            "Mentaal welbevinden",
            "Zingeving",
            "Kwaliteit van leven",
            "Meedoen",
            "Dagelijks functioneren",
        ] {
            assert!(svg.contains(name), "{name}");
        }
        assert!(svg.contains("Lichaamsfuncties 6,5"));
        assert!(svg.contains("01-05-2026") && svg.contains("01-11-2026"));
        assert_eq!(svg.matches("<circle").count(), 12 + 2);
    }
}
