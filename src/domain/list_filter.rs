//! Which participants the list shows: by status, the coach's own caseload or the whole team, and
//! by municipality and neighbourhood. Pure rules; the list screen keeps one [`ListFilter`] and
//! cycles its values with one key each.

use super::Participant;
use super::fold::fold;
use super::participant::{Status, same_coach};

/// The status part of the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Every running trajectory (not closed): the list as it opens.
    #[default]
    Open,
    /// Only people with this status.
    Only(Status),
    /// Everyone, closed trajectories too.
    All,
}

impl StatusFilter {
    /// The next value of the cycle: running, then each status on its own, then everyone.
    pub fn next(self) -> StatusFilter {
        match self {
            StatusFilter::Open => StatusFilter::Only(Status::ALL[0]),
            StatusFilter::Only(s) => match Status::ALL.iter().position(|x| *x == s) {
                Some(i) if i + 1 < Status::ALL.len() => StatusFilter::Only(Status::ALL[i + 1]),
                _ => StatusFilter::All,
            },
            StatusFilter::All => StatusFilter::Open,
        }
    }

    pub fn matches(self, s: Status) -> bool {
        match self {
            StatusFilter::Open => s.is_open(),
            StatusFilter::Only(x) => x == s,
            StatusFilter::All => true,
        }
    }
}

/// What the participant list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: StatusFilter,
    /// Only the coach's own people (otherwise the whole team's).
    pub own: bool,
    /// Only people of this municipality (compared without case or accents).
    pub municipality: Option<String>,
    /// Only people of this neighbourhood.
    pub neighbourhood: Option<String>,
}

/// The municipality a person is counted under: the one recorded, else the place they live in.
pub fn municipality_of(p: &Participant) -> &str {
    if p.municipality.trim().is_empty() { p.address.place.trim() } else { p.municipality.trim() }
}

fn same(a: &str, b: &str) -> bool {
    fold(a.trim()) == fold(b.trim())
}

impl ListFilter {
    pub fn matches(&self, p: &Participant, coach: &str) -> bool {
        self.status.matches(p.status)
            && (!self.own || same_coach(&p.coach, coach))
            && self.municipality.as_deref().is_none_or(|m| same(municipality_of(p), m))
            && self.neighbourhood.as_deref().is_none_or(|w| same(&p.neighbourhood, w))
    }

    /// Everything but the status is off (the status has its own title).
    pub fn narrows(&self) -> bool {
        self.own || self.municipality.is_some() || self.neighbourhood.is_some()
    }

    /// The next municipality among those of `people` (in alphabetical order, then "all"); the
    /// neighbourhood is reset, as it belongs to a municipality.
    pub fn next_municipality<'a>(&mut self, people: impl Iterator<Item = &'a Participant>) {
        let values = distinct(people.map(municipality_of));
        self.municipality = next_of(&values, self.municipality.as_deref());
        self.neighbourhood = None;
    }

    /// The next neighbourhood among those of `people` in the chosen municipality (all of them
    /// when none is chosen), then "all".
    pub fn next_neighbourhood<'a>(&mut self, people: impl Iterator<Item = &'a Participant>) {
        let m = self.municipality.clone();
        let values = distinct(
            people
                .filter(|p| m.as_deref().is_none_or(|m| same(municipality_of(p), m)))
                .map(|p| p.neighbourhood.as_str()),
        );
        self.neighbourhood = next_of(&values, self.neighbourhood.as_deref());
    }
}

/// The distinct non-empty values, each once whatever its case or accents, in folded order.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for v in values.map(str::trim).filter(|v| !v.is_empty()) {
        let key = fold(v);
        if let Err(i) = seen.binary_search_by(|(k, _)| k.as_str().cmp(key.as_str())) {
            seen.insert(i, (key, v.to_string()));
        }
    }
    seen.into_iter().map(|(_, v)| v).collect()
}

/// The value after `current` in `values`; after the last (or when `current` is gone) "all".
fn next_of(values: &[String], current: Option<&str>) -> Option<String> {
    match current {
        None => values.first().cloned(),
        Some(c) => values.iter().position(|v| same(v, c)).and_then(|i| values.get(i + 1)).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParticipantId;
    use chrono::{TimeZone, Utc};

    fn person(coach: &str, status: Status, municipality: &str, place: &str, hood: &str) -> Participant {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
        let mut p = Participant::new(ParticipantId(uuid::Uuid::new_v4()), 1, now);
        p.coach = coach.into();
        p.status = status;
        p.municipality = municipality.into();
        p.address.place = place.into();
        p.neighbourhood = hood.into();
        p
    }

    #[test]
    fn the_status_cycles_through_running_each_status_and_everyone() {
        let mut f = StatusFilter::default();
        let mut seen = vec![f];
        for _ in 0..7 {
            f = f.next();
            seen.push(f);
        }
        assert_eq!(seen[1], StatusFilter::Only(Status::Referred));
        assert_eq!(seen[5], StatusFilter::Only(Status::Closed));
        assert_eq!(seen[6], StatusFilter::All);
        assert_eq!(seen[7], StatusFilter::Open);
        assert!(StatusFilter::Open.matches(Status::Extended) && !StatusFilter::Open.matches(Status::Closed));
        assert!(StatusFilter::All.matches(Status::Closed));
    }

    #[test]
    fn filters_combine_and_ignore_case_and_accents() {
        let people = [
            person("Sanne", Status::Active, "Hengelo", "", "Berflo Es"),
            person("sanne ", Status::Closed, "", "hengelo", "Woolde"),
            person("Mohamed", Status::Active, "Borne", "", "Centrum"),
            person("Sanne", Status::Intake, "Borne", "", "Zenderen"),
        ];
        let mut f = ListFilter { own: true, ..ListFilter::default() };
        let shown = |f: &ListFilter| people.iter().filter(|p| f.matches(p, "Sanne")).count();
        assert_eq!(shown(&f), 2, "own and running");
        f.status = StatusFilter::All;
        assert_eq!(shown(&f), 3);
        // Municipalities in alphabetical order, the place counting where none is recorded.
        f.next_municipality(people.iter());
        assert_eq!(f.municipality.as_deref(), Some("Borne"));
        assert_eq!(shown(&f), 1);
        f.next_municipality(people.iter());
        assert_eq!(f.municipality.as_deref(), Some("Hengelo"), "hengelo and Hengelo are one");
        assert_eq!(shown(&f), 2);
        f.next_neighbourhood(people.iter());
        assert_eq!(f.neighbourhood.as_deref(), Some("Berflo Es"), "only Hengelo's neighbourhoods");
        assert_eq!(shown(&f), 1);
        f.next_neighbourhood(people.iter());
        f.next_neighbourhood(people.iter());
        assert_eq!(f.neighbourhood, None, "after the last: all");
        f.next_municipality(people.iter());
        assert_eq!(f.municipality, None, "after the last: all");
        f.own = false;
        assert_eq!(shown(&f), 4);
    }
}
