//! The reports screen's keys: period, whose caseload, figures or charts, and writing the files.

use super::app::{App, Screen};
use super::screens::reports::ReportState;

impl App {
    pub(super) fn open_reports(&mut self) -> bool {
        match crate::reports::Loaded::load(&self.store) {
            Ok(data) => {
                let state = ReportState::new(data, self.today, &self.coach);
                self.push_screen(Screen::Reports(Box::new(state)));
            }
            Err(e) => self.flash = Some((self.error_text(&e), true)),
        }
        true
    }

    /// Writes the report (CSV) and the ESF+ participant list (CSV, without names) to the
    /// documents folder.
    pub(super) fn write_report_files(&mut self) -> bool {
        let Screen::Reports(r) = self.layers.top_screen() else { return false };
        let dir = match self.export_dir() {
            Ok(d) => d,
            Err(message) => {
                self.flash = Some((message, true));
                return true;
            }
        };
        let stamp = format!("{}-{}", r.from.format("%Y-%m-%d"), r.to().format("%Y-%m-%d"));
        let report = dir.join(format!("meedoen-rapportage-{stamp}.csv"));
        let list = dir.join(format!("meedoen-esf-deelnemers-{stamp}.csv"));
        let written = crate::reports::csv(&r.report, &self.strings)
            .and_then(|b| {
                crate::store::write_private(&report, &b).map_err(|e| crate::store::StoreError::Backend(e.to_string()))
            })
            .and_then(|()| crate::reports::esf_list(&r.data, &r.report, false))
            .and_then(|b| {
                crate::store::write_private(&list, &b).map_err(|e| crate::store::StoreError::Backend(e.to_string()))
            });
        self.flash = Some(match written {
            Ok(()) => {
                let files = format!("{}, {}", report.display(), list.display());
                (self.strings.fill("report.written", &[("files", &files)]), false)
            }
            Err(e) => (self.error_text(&e), true),
        });
        true
    }
}
