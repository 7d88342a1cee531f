//! Instant participant search: fuzzy (SkimMatcherV2), case- and diacritics-insensitive, over the
//! listed name, participant number, postcode and phone number; and by date of birth (see
//! [`born`]). A name term that finds few people as typed also finds names one letter off, ranked
//! after everyone found as typed (see [`typo`]).
//!
//! Each entry keeps a folded copy of its searchable text with exactly one character per original
//! character, so match positions map straight back onto the text shown. The query is folded the
//! same way and split on white space; every term must match (in any order), so "vd berg" finds
//! "Berg, Jan van den" and "berg" finds it without the prefix. When the query grows, only the
//! previous hits are searched again.

mod born;
mod typo;

use chrono::NaiveDate;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::fold::{fold, fold_char};
use super::participant::{Participant, format_number};
use super::validate::phone_digits;
use born::Born;

/// Which part of a search line a highlighted character belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Name,
    Number,
    Postcode,
    Phone,
    /// The date of birth as shown, `dd-mm-jjjj` (`validate::format_date`).
    Born,
}

/// One searchable participant: the texts shown, per part.
///
/// The index keeps, per part (name, participant number, postcode, phone), a folded copy and a bit
/// set of the letters and digits in it, packed in contiguous arrays so a scan over 100,000 people
/// streams through memory. A query term with a digit is matched against the
/// number, postcode and phone; any other term against the name and the postcode; a date against
/// the date of birth, kept packed in a number. Short texts and the bit sets keep each keystroke
/// cheap at 100,000 participants.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index of the participant in the caller's list.
    pub index: usize,
    /// The texts shown, per part.
    pub name: String,
    pub number: String,
    pub postcode: String,
    pub phone: String,
    pub born: Option<NaiveDate>,
}

/// The parts in the order [`Entry`] keeps them.
const PARTS: [Part; 4] = [Part::Name, Part::Number, Part::Postcode, Part::Phone];
/// Which parts a term is matched against: by letters, and by digits.
const WORD_PARTS: [usize; 2] = [0, 2];
const DIGIT_PARTS: [usize; 3] = [1, 2, 3];

impl Entry {
    pub fn new(
        index: usize,
        name: String,
        number: String,
        postcode: String,
        phone: String,
        born: Option<NaiveDate>,
    ) -> Entry {
        Entry { index, name, number, postcode, phone, born }
    }

    pub fn from_participant(index: usize, p: &Participant) -> Entry {
        Entry::new(
            index,
            p.listed_name(),
            format_number(p.number),
            p.address.postcode.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            phone_digits(&p.phone),
            p.date_of_birth,
        )
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

/// Terms up to this many characters are scored with skim's linear matcher.
const SHORT_TERM: usize = 3;

/// The folded query, with the separators people type in phone numbers ("06-12345678",
/// "06.1234.5678", "(06)12345678") left out of terms that hold digits: the index keeps a phone
/// number as digits only. A date keeps its separators: they make it a date.
fn fold_query(query: &str) -> String {
    let q = fold(query);
    let mut out = String::with_capacity(q.len());
    for piece in q.split_inclusive(char::is_whitespace) {
        if piece.chars().any(|c| c.is_ascii_digit()) && Born::parse(piece.trim_end()).is_none() {
            out.extend(piece.chars().filter(|c| !matches!(c, '-' | '.' | '/' | '(' | ')')));
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// A folded query term, with what it needs to be matched quickly.
struct Term<'q> {
    text: &'q str,
    mask: u64,
    parts: &'static [usize],
    /// Terms of up to [`SHORT_TERM`] characters are scored with skim's linear matcher (they match
    /// nearly everyone on the first keystrokes); longer terms with its full alignment.
    short: bool,
    /// Letters only and long enough to be forgiven one typo in a name ([`typo::eligible`]).
    typo: bool,
}

impl<'q> Term<'q> {
    fn new(text: &'q str) -> Term<'q> {
        let digits = text.chars().any(|c| c.is_ascii_digit());
        Term {
            text,
            mask: mask_of(text),
            parts: if digits { &DIGIT_PARTS } else { &WORD_PARTS },
            short: text.chars().count() <= SHORT_TERM,
            typo: typo::eligible(text),
        }
    }

    /// Whether the term is one edit away from a word of the name of `e` (for a term that may be
    /// forgiven a typo). A name within one edit lacks at most one of the term's letters, which
    /// the bit sets tell without looking at the text.
    fn matches_with_typo(&self, e: &Folded) -> bool {
        self.typo
            && (self.mask & !e.masks[0]).count_ones() <= 1
            && typo::word_within_one(self.text, e.part(0)).is_some()
    }

    /// Whether the term is a subsequence of one of its parts of `e` (skim's own pre-check).
    fn matches(&self, e: &Folded) -> bool {
        self.parts.iter().any(|&p| e.masks[p] & self.mask == self.mask && is_subsequence(self.text, e.part(p)))
    }

    /// A score SkimMatcherV2 (default scoring) can never exceed for this term. The linear matcher
    /// gives each matched character 16 plus at most the head bonus of 8 (a lone character only its
    /// position bonus), and a part that starts with the term reaches that, so the early stop in
    /// [`SearchIndex::search`] applies to the short terms that match nearly everyone. The full
    /// alignment adds at most 16 + 16 per character (the first-character bonus is doubled); that
    /// bound is safe but not reached, so long terms, which match few people, are scored in full.
    /// Pinned by tests against the library.
    fn max_score(&self) -> i64 {
        let n = self.text.chars().count() as i64;
        match (self.short, n) {
            (true, 1) => 8,
            (true, _) => 24 * n,
            (false, _) => 32 * n,
        }
    }

    /// The best-matching part of `e` and its score.
    fn score(&self, m: &Matchers, e: &Folded) -> Option<(usize, i64)> {
        let matcher = if self.short { &m.quick } else { &m.full };
        let mut best: Option<(usize, i64)> = None;
        for &p in self.parts {
            if e.masks[p] & self.mask == self.mask
                && let Some(s) = matcher.fuzzy_match(e.part(p), self.text)
                && best.is_none_or(|(_, b)| s > b)
            {
                best = Some((p, s));
            }
        }
        best
    }
}

/// A folded query: its dates of birth, and its other terms.
struct Query<'q> {
    dates: Vec<Born>,
    terms: Vec<Term<'q>>,
}

impl<'q> Query<'q> {
    fn new(q: &'q str) -> Query<'q> {
        let (mut dates, mut terms) = (Vec::new(), Vec::new());
        for t in q.split_whitespace() {
            match Born::parse(t) {
                Some(b) => dates.push(b),
                None => terms.push(Term::new(t)),
            }
        }
        Query { dates, terms }
    }
}

/// `needle` in order (not necessarily adjacent) in `hay`. Both are valid UTF-8, so comparing
/// the encoded characters byte by byte finds the same characters.
fn is_subsequence(needle: &str, hay: &str) -> bool {
    let (n, h) = (needle.as_bytes(), hay.as_bytes());
    let mut i = 0;
    for &b in h {
        if i < n.len() && n[i] == b {
            i += 1;
        }
    }
    i == n.len()
}

/// The folded parts of one entry, borrowed from the index's packed arrays.
struct Folded<'a> {
    masks: &'a [u64; 4],
    text: &'a str,
    bounds: &'a [u32],
}

impl Folded<'_> {
    fn part(&self, p: usize) -> &str {
        self.text.get(self.bounds[p] as usize..self.bounds[p + 1] as usize).unwrap_or("")
    }
}

/// The two ways of scoring with SkimMatcherV2 (see [`Term`]).
struct Matchers {
    full: SkimMatcherV2,
    quick: SkimMatcherV2,
}

impl Matchers {
    fn new() -> Matchers {
        // Text is folded to lower case on both sides, so case is compared as is.
        Matchers {
            full: SkimMatcherV2::default().respect_case(),
            quick: SkimMatcherV2::default().respect_case().element_limit(1),
        }
    }
}

/// The typo pass runs only when fewer people than this match as typed: a typo is looked for
/// when the list is short, and it keeps a keystroke that matches many people from scanning
/// everyone a second time.
const TYPO_BELOW: usize = 20;

/// A ranked hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub score: i64,
}

/// The search index over a caseload, with the state to narrow the previous hits.
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Per entry, the letters and digits present in each part.
    masks: Vec<[u64; 4]>,
    /// Every folded part of every entry, one after the other.
    text: String,
    /// Where each part starts in `text`: entry i, part p starts at `bounds[4 * i + p]`.
    bounds: Vec<u32>,
    /// Per entry, the date of birth, packed ([`born::pack`]).
    born: Vec<u32>,
    matchers: Matchers,
    /// The folded query the previous search answered, and every entry that matched it, in order.
    /// Not kept for a query with a date: while a date is typed, its term changes meaning (a
    /// phone number's digits, a day and month, a year's start or last two digits) and later
    /// matches are no subset of earlier ones; a date is one comparison per entry anyway.
    previous: Option<(String, Vec<u32>)>,
}

impl SearchIndex {
    /// Builds the index; entries are expected in display order (ties keep that order).
    pub fn new(entries: Vec<Entry>) -> SearchIndex {
        let mut text = String::new();
        let mut bounds = Vec::with_capacity(entries.len() * 4 + 1);
        let mut masks = Vec::with_capacity(entries.len());
        for e in &entries {
            let mut m = [0; 4];
            for (p, shown) in [&e.name, &e.number, &e.postcode, &e.phone].into_iter().enumerate() {
                bounds.push(text.len() as u32);
                let start = text.len();
                text.extend(shown.chars().map(fold_char));
                m[p] = mask_of(&text[start..]);
            }
            masks.push(m);
        }
        bounds.push(text.len() as u32);
        let born = entries.iter().map(|e| born::pack(e.born)).collect();
        SearchIndex { entries, masks, text, bounds, born, matchers: Matchers::new(), previous: None }
    }

    fn folded(&self, i: usize) -> Folded<'_> {
        Folded { masks: &self.masks[i], text: &self.text, bounds: &self.bounds[4 * i..4 * i + 5] }
    }

    /// Whether entry `i` was born on every date of `query` (a date matches or does not: it adds
    /// nothing to the score).
    fn born_on(&self, query: &Query, i: usize) -> bool {
        let born = self.born.get(i).copied().unwrap_or(0);
        query.dates.iter().all(|b| b.matches(born))
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
        let q = fold_query(query);
        if q.trim().is_empty() {
            self.previous = None;
            let n = self.entries.len();
            let hits = (0..n.min(limit)).map(|i| Hit { entry: i as u32, score: 0 }).collect();
            return (n, hits);
        }
        let query = Query::new(&q);
        let terms = &query.terms;
        let dated = !query.dates.is_empty();
        let narrowed = match self.previous.take() {
            Some((prev, members)) if !dated && q.starts_with(prev.as_str()) && !prev.trim().is_empty() => Some(members),
            _ => None,
        };
        let n = self.entries.len();
        // Who matches at all: born on every date (first: one comparison that few pass), and every
        // term a subsequence of one of its parts. This is exactly the test SkimMatcherV2 makes
        // before scoring, done here without scoring.
        let is_member = |i: u32| {
            (i as usize) < n
                && (!dated || self.born_on(&query, i as usize))
                && terms.iter().all(|t| t.matches(&self.folded(i as usize)))
        };
        let members: Vec<u32> = match narrowed {
            Some(prev) => prev.into_iter().filter(|&i| is_member(i)).collect(),
            None => (0..n as u32).filter(|&i| is_member(i)).collect(),
        };
        // Rank with SkimMatcherV2, in entry order. No score can exceed `bound`; once `limit`
        // members have reached it, no later member can enter the top (ties go to the earlier
        // entry), so the rest need no score.
        let bound: i64 = terms.iter().map(Term::max_score).sum();
        let mut scored = Vec::with_capacity(members.len().min(4 * limit.max(1)));
        let mut at_bound = 0;
        for &i in &members {
            if limit > 0 && at_bound >= limit {
                break;
            }
            let e = self.folded(i as usize);
            let mut total = 0;
            for t in terms {
                total += t.score(&self.matchers, &e).map_or(0, |(_, s)| s);
            }
            if total >= bound {
                at_bound += 1;
            }
            scored.push(Hit { entry: i, score: total });
        }
        let order = |a: &Hit, b: &Hit| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry));
        if scored.len() > limit && limit > 0 {
            scored.select_nth_unstable_by(limit - 1, order);
            scored.truncate(limit);
        } else if limit == 0 {
            scored.clear();
        }
        scored.sort_unstable_by(order);
        let mut total = members.len();
        if total < TYPO_BELOW && terms.iter().any(|t| t.typo) {
            let mut typos = self.typo_hits(&query, &members);
            total += typos.len();
            typos.sort_unstable_by(order);
            typos.truncate(limit.saturating_sub(scored.len()));
            scored.extend(typos);
        }
        self.previous = (!dated).then_some((q, members));
        (total, scored)
    }

    /// Everyone but the `exact` members (ascending) whose every term matches, as typed or, for a
    /// term that may be, one edit away from a word of the name; each scored by the terms that
    /// match as typed. Scans the whole index: a term that matched no one as typed may match
    /// people with a typo whom its shorter form, a keystroke earlier, did not match at all.
    fn typo_hits(&self, query: &Query, exact: &[u32]) -> Vec<Hit> {
        let mut exact = exact.iter().copied().peekable();
        let mut out = Vec::new();
        'entries: for i in 0..self.entries.len() as u32 {
            if exact.next_if_eq(&i).is_some() {
                continue;
            }
            if !self.born_on(query, i as usize) {
                continue;
            }
            let e = self.folded(i as usize);
            let mut total = 0;
            for t in &query.terms {
                if t.matches(&e) {
                    total += t.score(&self.matchers, &e).map_or(0, |(_, s)| s);
                } else if !t.matches_with_typo(&e) {
                    continue 'entries;
                }
            }
            out.push(Hit { entry: i, score: total });
        }
        out
    }

    /// The matched character positions of `query` in entry `i`, per part, for highlighting.
    pub fn highlights(&self, i: u32, query: &str) -> Vec<(Part, usize)> {
        if i as usize >= self.entries.len() {
            return Vec::new();
        }
        let e = self.folded(i as usize);
        let q = fold_query(query);
        let mut out = Vec::new();
        let query = Query::new(&q);
        let born = self.born.get(i as usize).copied().unwrap_or(0);
        for b in &query.dates {
            out.extend(b.positions(born).into_iter().map(|i| (Part::Born, i)));
        }
        for term in &query.terms {
            let t = term.text;
            let matcher = if term.short { &self.matchers.quick } else { &self.matchers.full };
            if let Some((p, _)) = term.score(&self.matchers, &e)
                && let Some((_, idx)) = matcher.fuzzy_indices(e.part(p), t)
            {
                out.extend(idx.into_iter().map(|i| (PARTS[p], i)));
            } else if term.matches_with_typo(&e) {
                // Found with a typo: the word it was taken for.
                out.extend(typo::word_within_one(t, e.part(0)).into_iter().flatten().map(|i| (Part::Name, i)));
            }
        }
        out.sort_unstable_by_key(|&(part, pos)| (part as u8, pos));
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests;
