//! Instant participant search: fuzzy (SkimMatcherV2), case- and diacritics-insensitive, over the
//! listed name, participant number, postcode and phone number.
//!
//! Each entry keeps a folded copy of its searchable text with exactly one character per original
//! character, so match positions map straight back onto the text shown. The query is folded the
//! same way and split on white space; every term must match (in any order), so "vd berg" finds
//! "Berg, Jan van den" and "berg" finds it without the prefix. When the query grows, only the
//! previous hits are searched again.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::fold::fold;
use super::participant::{Participant, format_number};
use super::validate::phone_digits;

/// Which part of a search line a highlighted character belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Name,
    Number,
    Postcode,
    Phone,
}

/// One searchable participant.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index of the participant in the caller's list.
    pub index: usize,
    /// The texts shown, per part.
    pub name: String,
    pub number: String,
    pub postcode: String,
    pub phone: String,
    /// Folded "name  number  postcode  phone".
    haystack: String,
    /// Character offsets in `haystack` where each part starts: name, number, postcode, phone.
    starts: [usize; 4],
    /// Bit set of the folded letters and digits present, to reject most entries at once.
    mask: u64,
}

const SEP: &str = "  ";

impl Entry {
    pub fn new(index: usize, name: String, number: String, postcode: String, phone: String) -> Entry {
        let mut haystack = String::with_capacity(name.len() + number.len() + postcode.len() + phone.len() + 6);
        let mut starts = [0; 4];
        let mut chars = 0;
        for (i, part) in [&name, &number, &postcode, &phone].into_iter().enumerate() {
            if i > 0 {
                haystack.push_str(SEP);
                chars += SEP.len();
            }
            starts[i] = chars;
            let folded = fold(part);
            chars += folded.chars().count();
            haystack.push_str(&folded);
        }
        let mask = mask_of(&haystack);
        Entry { index, name, number, postcode, phone, haystack, starts, mask }
    }

    pub fn from_participant(index: usize, p: &Participant) -> Entry {
        Entry::new(
            index,
            p.listed_name(),
            format_number(p.number),
            p.address.postcode.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            phone_digits(&p.phone),
        )
    }

    /// Maps a character position in the haystack to (part, position within that part's text).
    fn locate(&self, pos: usize) -> Option<(Part, usize)> {
        let parts = [Part::Name, Part::Number, Part::Postcode, Part::Phone];
        let lens = [&self.name, &self.number, &self.postcode, &self.phone].map(|s| s.chars().count());
        (0..4).rev().find(|&i| pos >= self.starts[i]).and_then(|i| {
            let off = pos - self.starts[i];
            (off < lens[i]).then_some((parts[i], off))
        })
    }
}

fn bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        _ => 1 << 36,
    }
}

fn mask_of(s: &str) -> u64 {
    s.chars().filter(|c| !c.is_whitespace()).fold(0, |m, c| m | bit(c))
}

/// A ranked hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub score: i64,
}

/// The search index over a caseload, with the state to narrow the previous hits.
pub struct SearchIndex {
    entries: Vec<Entry>,
    matcher: SkimMatcherV2,
    /// The folded query the previous hits answer, and those hits (unordered).
    previous: Option<(String, Vec<Hit>)>,
}

impl SearchIndex {
    /// Builds the index; entries are expected in display order (ties keep that order).
    pub fn new(entries: Vec<Entry>) -> SearchIndex {
        SearchIndex { entries, matcher: SkimMatcherV2::default().respect_case(), previous: None }
    }

    pub fn from_participants<'a>(ps: impl IntoIterator<Item = &'a Participant>) -> SearchIndex {
        SearchIndex::new(ps.into_iter().enumerate().map(|(i, p)| Entry::from_participant(i, p)).collect())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, i: u32) -> Option<&Entry> {
        self.entries.get(i as usize)
    }

    /// Ranks the whole index for `query` and returns the number of hits and the best `limit`
    /// of them, best first. An empty query lists everyone in display order.
    pub fn search(&mut self, query: &str, limit: usize) -> (usize, Vec<Hit>) {
        let q = fold(query);
        let terms: Vec<&str> = q.split_whitespace().collect();
        if terms.is_empty() {
            self.previous = None;
            let n = self.entries.len();
            let hits = (0..n.min(limit)).map(|i| Hit { entry: i as u32, score: 0 }).collect();
            return (n, hits);
        }
        let masks: Vec<u64> = terms.iter().map(|t| mask_of(t)).collect();
        let narrowed = match self.previous.take() {
            Some((prev, hits)) if q.starts_with(prev.as_str()) && !prev.trim().is_empty() => Some(hits),
            _ => None,
        };
        let score = |e: &Entry| -> Option<i64> {
            let mut total = 0;
            for (t, m) in terms.iter().zip(&masks) {
                if e.mask & m != *m {
                    return None;
                }
                total += self.matcher.fuzzy_match(&e.haystack, t)?;
            }
            Some(total)
        };
        let hits: Vec<Hit> = match narrowed {
            Some(prev) => prev
                .into_iter()
                .filter_map(|h| {
                    let e = &self.entries[h.entry as usize];
                    score(e).map(|s| Hit { entry: h.entry, score: s })
                })
                .collect(),
            None => self
                .entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| score(e).map(|s| Hit { entry: i as u32, score: s }))
                .collect(),
        };
        let total = hits.len();
        let order = |a: &Hit, b: &Hit| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry));
        let mut top = hits.clone();
        if top.len() > limit && limit > 0 {
            top.select_nth_unstable_by(limit - 1, order);
            top.truncate(limit);
        } else if limit == 0 {
            top.clear();
        }
        top.sort_unstable_by(order);
        self.previous = Some((q, hits));
        (total, top)
    }

    /// The matched character positions of `query` in entry `i`, per part, for highlighting.
    pub fn highlights(&self, i: u32, query: &str) -> Vec<(Part, usize)> {
        let Some(e) = self.entry(i) else { return Vec::new() };
        let q = fold(query);
        let mut out = Vec::new();
        for t in q.split_whitespace() {
            if let Some((_, idx)) = self.matcher.fuzzy_indices(&e.haystack, t) {
                out.extend(idx.into_iter().filter_map(|p| e.locate(p)));
            }
        }
        out.sort_unstable_by_key(|&(part, pos)| (part as u8, pos));
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[(&str, &str, &str)]) -> SearchIndex {
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, (g, p, f))| {
                let n = super::super::name::NameParts { given_names: g, prefix: p, family_name: f };
                Entry::new(i, n.listed(), format_number(1001 + i as u32), "1234 AB".into(), "0612345678".into())
            })
            .collect();
        SearchIndex::new(entries)
    }

    fn first(ix: &mut SearchIndex, q: &str) -> Option<String> {
        let (_, hits) = ix.search(q, 10);
        hits.first().and_then(|h| ix.entry(h.entry)).map(|e| e.name.clone())
    }

    const PEOPLE: &[(&str, &str, &str)] = &[
        ("Fatma", "", "Öztürk"),
        ("Emre", "", "Çelik"),
        ("Ayşe", "", "Şahin"),
        ("Jan", "van den", "Berg"),
        ("Anna", "", "Bergsma"),
        ("Piet", "", "Jansen"),
    ];

    #[test]
    fn diacritics_and_case_do_not_matter() {
        let mut ix = index(PEOPLE);
        assert_eq!(first(&mut ix, "ozturk").as_deref(), Some("Öztürk, Fatma"));
        assert_eq!(first(&mut ix, "CELIK").as_deref(), Some("Çelik, Emre"));
        assert_eq!(first(&mut ix, "sahin").as_deref(), Some("Şahin, Ayşe"));
    }

    #[test]
    fn prefix_is_optional() {
        let mut ix = index(PEOPLE);
        assert_eq!(first(&mut ix, "vd berg").as_deref(), Some("Berg, Jan van den"));
        let (_, hits) = ix.search("berg", 10);
        let names: Vec<&str> = hits.iter().filter_map(|h| ix.entry(h.entry)).map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"Berg, Jan van den") && names.contains(&"Bergsma, Anna"));
        assert_eq!(first(&mut ix, "jan berg").as_deref(), Some("Berg, Jan van den"));
    }

    #[test]
    fn number_postcode_and_phone_are_searched() {
        let mut ix = index(PEOPLE);
        assert_eq!(first(&mut ix, "1003").as_deref(), Some("Şahin, Ayşe"));
        let (n, _) = ix.search("1234ab", 10);
        assert_eq!(n, PEOPLE.len());
        let (n, _) = ix.search("0612345678", 10);
        assert_eq!(n, PEOPLE.len());
        let (n, _) = ix.search("zzzz", 10);
        assert_eq!(n, 0);
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let mut narrowed = index(PEOPLE);
        for q in ["b", "be", "ber", "berg", "berg ", "berg j"] {
            let got = narrowed.search(q, 10);
            let mut fresh = index(PEOPLE);
            assert_eq!(got, fresh.search(q, 10), "{q}");
        }
        // Deleting characters widens again.
        let got = narrowed.search("be", 10);
        assert_eq!(got, index(PEOPLE).search("be", 10));
    }

    #[test]
    fn highlights_map_back_onto_the_shown_name() {
        let mut ix = index(PEOPLE);
        let (_, hits) = ix.search("ozt", 10);
        let h = ix.highlights(hits[0].entry, "ozt");
        assert_eq!(h, vec![(Part::Name, 0), (Part::Name, 1), (Part::Name, 2)]);
        let (_, hits) = ix.search("1003", 10);
        let h = ix.highlights(hits[0].entry, "1003");
        assert!(h.iter().all(|(p, _)| *p == Part::Number), "{h:?}");
    }

    #[test]
    fn empty_query_lists_everyone_in_order() {
        let mut ix = index(PEOPLE);
        let (n, hits) = ix.search("  ", 3);
        assert_eq!(n, 6);
        assert_eq!(hits.iter().map(|h| h.entry).collect::<Vec<_>>(), vec![0, 1, 2]);
    }
}
