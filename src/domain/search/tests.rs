//! Tests of the search index: folding, parts, narrowing, the score bound and the early stop.
use super::*;
use chrono::NaiveDate;

fn index(names: &[(&str, &str, &str)]) -> SearchIndex {
    index_born(names, |_| None)
}

/// An index of `names`, person i born on `born(i)`.
fn index_born(names: &[(&str, &str, &str)], born: impl Fn(usize) -> Option<NaiveDate>) -> SearchIndex {
    let entries = names
        .iter()
        .enumerate()
        .map(|(i, (g, p, f))| {
            let n = crate::domain::name::NameParts { given_names: g, prefix: p, family_name: f };
            let (number, phone) = (format_number(1001 + i as u32), "0612345678".into());
            Entry::new(i, n.listed(), number, "1234 AB".into(), phone, born(i))
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
    // Typed with the separators a phone number is often written with.
    for typed in ["06-12345678", "06.1234.5678", "(06)12345678"] {
        assert_eq!(ix.search(typed, 10).0, PEOPLE.len(), "{typed}");
    }
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
fn the_score_bound_holds_and_is_reached() {
    let m = Matchers::new();
    let hays = ["berg, jan van den", "0612345678", "1001", "7001 ab", "jansen, piet", "el amrani, said", "a", "xjx"];
    for t in ["j", "ja", "jan", "jansen", "0", "06", "061", "1001", "ab", "vd", "x", "an", "n", "s"] {
        let term = Term::new(t);
        let matcher = if term.short { &m.quick } else { &m.full };
        for h in hays {
            if let Some(s) = matcher.fuzzy_match(h, t) {
                assert!(s <= term.max_score(), "{t} on {h}: {s} > {}", term.max_score());
            }
        }
        // For short terms a part that starts with the term reaches the bound (early stop).
        if term.short {
            assert_eq!(matcher.fuzzy_match(t, t), Some(term.max_score()), "{t}");
        }
    }
}

#[test]
fn early_stop_ranks_exactly_like_scoring_everyone() {
    // Many people start with "j": the top must still be the best-scored in entry order.
    let mut people = Vec::new();
    for i in 0..300 {
        let fam = ["Jansen", "Bakker", "Berg", "Hajji", "Jong"][i % 5];
        people.push(("Jan", "", fam));
    }
    let mut ix = index(&people);
    for q in ["j", "ja", "jan", "jan j", "b", "hajj", "1", "10", "0612"] {
        let (n, top) = ix.search(q, 20);
        // Brute force: score everyone with the same matchers, rank, take 20.
        let terms: Vec<Term> = fold(q)
            .split_whitespace()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .iter()
            .map(|t| Term::new(Box::leak(t.clone().into_boxed_str())))
            .collect();
        let mut all: Vec<Hit> = (0..ix.entries.len())
            .filter_map(|i| {
                let e = ix.folded(i);
                let mut total = 0;
                for t in &terms {
                    total += t.score(&ix.matchers, &e)?.1;
                }
                Some(Hit { entry: i as u32, score: total })
            })
            .collect();
        all.sort_by(|a, b| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry)));
        assert_eq!(n, all.len(), "{q}");
        all.truncate(20);
        assert_eq!(top, all, "{q}");
    }
}

#[test]
fn empty_query_lists_everyone_in_order() {
    let mut ix = index(PEOPLE);
    let (n, hits) = ix.search("  ", 3);
    assert_eq!(n, 6);
    assert_eq!(hits.iter().map(|h| h.entry).collect::<Vec<_>>(), vec![0, 1, 2]);
}

/// Born: Öztürk 04-05-1966, Çelik 30-01-1985, Şahin 20-07-1975, Berg 12-03-1970, Bergsma
/// 03-12-2003, Jansen 12-03-1988.
fn born(i: usize) -> Option<NaiveDate> {
    let (y, m, d) = [(1966, 5, 4), (1985, 1, 30), (1975, 7, 20), (1970, 3, 12), (2003, 12, 3), (1988, 3, 12)][i];
    NaiveDate::from_ymd_opt(y, m, d)
}

fn names(ix: &mut SearchIndex, q: &str) -> Vec<String> {
    let (n, hits) = ix.search(q, 10);
    assert_eq!(n, hits.len(), "{q}");
    hits.iter().filter_map(|h| ix.entry(h.entry)).map(|e| e.name.clone()).collect()
}

#[test]
fn a_date_of_birth_finds_the_person_in_both_forms() {
    let mut ix = index_born(PEOPLE, born);
    for typed in ["12-03-1970", "12-03-70", "12/3/1970", "12.03.70"] {
        assert_eq!(names(&mut ix, typed), ["Berg, Jan van den"], "{typed}");
    }
    assert_eq!(names(&mut ix, "03-12-2003"), ["Bergsma, Anna"]);
    assert_eq!(names(&mut ix, "3-12-03"), ["Bergsma, Anna"]);
    assert_eq!(names(&mut ix, "12-03-1971"), Vec::<String>::new());
    // With a name: both must match.
    assert_eq!(names(&mut ix, "piet 12-03"), ["Jansen, Piet"]);
    assert_eq!(names(&mut ix, "12-03-1988 berg"), Vec::<String>::new());
    // A name with a typo and a date: the typo pass checks the date too.
    assert_eq!(names(&mut ix, "jnasen 12-03"), ["Jansen, Piet"]);
    assert_eq!(names(&mut ix, "jnasen 12-03-1970"), Vec::<String>::new());
}

#[test]
fn a_day_and_month_alone_list_the_birthdays_on_it() {
    let mut ix = index_born(PEOPLE, born);
    // In name order, never the phone numbers that hold the digits 1, 2, 0, 3 in order.
    assert_eq!(names(&mut ix, "12-03"), ["Berg, Jan van den", "Jansen, Piet"]);
    let mut same_phone = index_born(PEOPLE, born);
    assert_eq!(same_phone.search("1203", 10).0, 0, "digits alone are no date");
    assert_eq!(names(&mut ix, "06-12-34"), Vec::<String>::new(), "a date, not the phone 0612345678");
    assert_eq!(ix.search("06-12345678", 10).0, PEOPLE.len(), "a phone number with a dash stays one");
}

#[test]
fn a_matched_date_of_birth_is_highlighted() {
    let mut ix = index_born(PEOPLE, born);
    let (_, hits) = ix.search("12-03-70", 10);
    let h = ix.highlights(hits[0].entry, "12-03-70");
    assert_eq!(h, [0, 1, 3, 4, 8, 9].map(|i| (Part::Born, i)));
    let h = ix.highlights(hits[0].entry, "jan 12-03");
    assert!(h.contains(&(Part::Born, 0)) && h.contains(&(Part::Name, 6)), "{h:?}");
    assert!(!h.contains(&(Part::Born, 6)), "{h:?}");
}

#[test]
fn typing_a_date_gives_the_same_answer_as_a_fresh_search() {
    let mut typed = index_born(PEOPLE, born);
    let steps = ["1", "12", "12-", "12-0", "12-03", "12-03-", "12-03-1", "12-03-19", "12-03-197", "12-03-1970"];
    for q in steps.iter().chain(&["12-03-1970 ", "12-03-1970 j", "12-03-1970-", "12-03-1970-1"]) {
        let got = typed.search(q, 10);
        assert_eq!(got, index_born(PEOPLE, born).search(q, 10), "{q}");
    }
    let got = typed.search("12-03-19", 10);
    assert_eq!(got, index_born(PEOPLE, born).search("12-03-19", 10));
    assert_eq!(names(&mut typed, "12-03-19"), ["Berg, Jan van den", "Jansen, Piet"]);
}

const POLES: &[(&str, &str, &str)] = &[
    ("Jan", "", "Kowalski"),
    ("Kim", "", "Kowal Sky"),
    ("Anna", "", "Kowalsky"),
    ("Piet", "", "Jansen"),
    ("Fatma", "", "Öztürk"),
    ("Emre", "", "Çelik"),
];

#[test]
fn one_wrong_letter_is_forgiven_after_everyone_found_as_typed() {
    let mut ix = index(POLES);
    // Found as typed, "Kowalsky" and "Kowal Sky" (every letter in order; skim ranks them as
    // equals and the earlier entry goes first), then Kowalski, one letter off.
    assert_eq!(names(&mut ix, "kowalsky"), ["Kowal Sky, Kim", "Kowalsky, Anna", "Kowalski, Jan"]);
    let (_, hits) = ix.search("kowalsky", 10);
    assert!(hits[0].score > 0 && hits[0].score == hits[1].score, "{hits:?}");
    let mut without = index(&POLES[..1]);
    assert_eq!(names(&mut without, "kowalsky"), ["Kowalski, Jan"]);
    // A missing letter is found as typed (letters in order, gaps allowed); an extra or two
    // swapped letters with the typo pass; other words of the query must still match.
    assert_eq!(names(&mut ix, "kowlski"), ["Kowalski, Jan", "Kowal Sky, Kim"]);
    assert_eq!(names(&mut ix, "kowalskii"), ["Kowalski, Jan"]);
    assert_eq!(names(&mut ix, "jnasen"), ["Jansen, Piet"]);
    assert_eq!(names(&mut ix, "jan kowalsky"), ["Kowalski, Jan"]);
    assert_eq!(names(&mut ix, "piet kowalsky"), Vec::<String>::new());
    assert_eq!(names(&mut ix, "kowalskyy"), ["Kowalsky, Anna"], "two letters off Kowalski");
}

#[test]
fn typos_are_forgiven_after_folding_case_and_accents() {
    let mut ix = index(POLES);
    assert_eq!(names(&mut ix, "ÖZTÜRC"), ["Öztürk, Fatma"]);
    assert_eq!(names(&mut ix, "çelikk"), ["Çelik, Emre"]);
    assert_eq!(names(&mut ix, "CELIK"), ["Çelik, Emre"]);
}

#[test]
fn short_terms_are_not_forgiven() {
    let mut ix = index(PEOPLE);
    assert_eq!(names(&mut ix, "bxrg"), ["Berg, Jan van den"]);
    assert_eq!(names(&mut ix, "bxr"), Vec::<String>::new());
    assert_eq!(names(&mut ix, "pxet"), ["Jansen, Piet"]);
    assert_eq!(names(&mut ix, "pxe"), Vec::<String>::new());
}

#[test]
fn typos_are_looked_for_only_when_few_match_as_typed() {
    let mut few = vec![("Jan", "", "Borg")];
    few.extend(std::iter::repeat_n(("Piet", "", "Berg"), TYPO_BELOW - 1));
    let mut ix = index(&few);
    let (n, hits) = ix.search("berg", 50);
    assert_eq!((n, hits.last().map(|h| h.entry)), (TYPO_BELOW, Some(0)), "Borg last");
    few.push(("Piet", "", "Berg"));
    let mut ix = index(&few);
    assert_eq!(ix.search("berg", 50).0, TYPO_BELOW, "as many Bergs as TYPO_BELOW: no Borg");
}

#[test]
fn typing_with_a_typo_gives_the_same_answer_as_a_fresh_search() {
    let mut typed = index(POLES);
    let mut q = String::new();
    for c in "jan kowalskyy".chars() {
        q.push(c);
        assert_eq!(typed.search(&q, 10), index(POLES).search(&q, 10), "{q}");
    }
}

#[test]
fn the_word_taken_for_a_typo_is_highlighted() {
    let mut ix = index(POLES);
    let (_, hits) = ix.search("jan kowalsky", 10);
    let h = ix.highlights(hits[0].entry, "jan kowalsky");
    let expected: Vec<(Part, usize)> = (0..8).chain(10..13).map(|i| (Part::Name, i)).collect();
    assert_eq!(h, expected);
}
