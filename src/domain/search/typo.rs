//! One typo forgiven in a name: a term of [`TYPO_MIN`] letters or more that finds no one as typed
//! also finds a name with a word one edit away: one letter wrong, missing or extra, or two
//! neighbouring letters swapped ("kowalsky" finds Kowalski, "jnasen" Jansen).
//!
//! The check is hand-written rather than taken from `strsim`: search needs only "at most one edit
//! apart", which one pass over the two words answers without allocating, against computing the
//! whole distance table for every word of 100,000 names. The tests hold it to
//! `strsim::osa_distance`.

use std::ops::Range;

/// Terms shorter than this are never forgiven a typo: one edit in three letters or fewer is a
/// different short word ("jan" would find Jas, Van, Ian), and the first keystrokes match nearly
/// everyone as typed anyway.
pub(super) const TYPO_MIN: usize = 4;

/// Whether `term` may be matched with a typo: [`TYPO_MIN`] letters or more and nothing else.
pub(super) fn eligible(term: &str) -> bool {
    term.chars().all(char::is_alphabetic) && term.chars().count() >= TYPO_MIN
}

/// Whether `a` and `b` are at most one edit apart: equal, or one element replaced, left out,
/// added, or two neighbours swapped (optimal string alignment distance at most 1).
pub(super) fn within_one<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[same..], &b[same..]);
    match (a, b) {
        ([], []) | ([_], []) | ([], [_]) => true,
        ([x, a_rest @ ..], [y, b_rest @ ..]) if a.len() == b.len() => {
            // Replaced, or swapped with the next one.
            a_rest == b_rest
                || matches!((a_rest, b_rest), ([x2, a2 @ ..], [y2, b2 @ ..]) if x2 == y && y2 == x && a2 == b2)
        }
        ([_, a_rest @ ..], _) if a.len() > b.len() => a_rest == b,
        (_, [_, b_rest @ ..]) => a == b_rest,
        _ => false,
    }
}

/// The first word of `name` (folded; words are runs of letters and digits) at most one edit from
/// `term`, as a range of character positions in `name`.
pub(super) fn word_within_one(term: &str, name: &str) -> Option<Range<usize>> {
    if term.is_ascii() && name.is_ascii() {
        // One byte per character: positions are the same.
        first_word(term.as_bytes(), name.as_bytes(), u8::is_ascii_alphanumeric)
    } else {
        let (t, n): (Vec<char>, Vec<char>) = (term.chars().collect(), name.chars().collect());
        first_word(&t, &n, |c: &char| c.is_alphanumeric())
    }
}

fn first_word<T: PartialEq>(term: &[T], name: &[T], is_word: impl Fn(&T) -> bool) -> Option<Range<usize>> {
    let mut i = 0;
    while i < name.len() {
        if !is_word(&name[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < name.len() && is_word(&name[i]) {
            i += 1;
        }
        if within_one(term, &name[start..i]) {
            return Some(start..i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one_apart(a: &str, b: &str) -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        within_one(&a, &b)
    }

    #[test]
    fn one_wrong_missing_extra_or_swapped_letter() {
        for (a, b) in [("kowalsky", "kowalski"), ("kowalsk", "kowalski"), ("kowalskii", "kowalski")] {
            assert!(one_apart(a, b), "{a} {b}");
        }
        for (a, b) in [("jasnen", "jansen"), ("ajnsen", "jansen"), ("jansne", "jansen"), ("jansen", "jansen")] {
            assert!(one_apart(a, b), "{a} {b}");
        }
        for (a, b) in [("kowalksy", "kowalski"), ("jnasne", "jansen"), ("kowal", "kowalski"), ("bakker", "backers")] {
            assert!(!one_apart(a, b), "{a} {b}");
        }
    }

    #[test]
    fn a_word_of_the_name_is_found_with_its_place() {
        assert_eq!(word_within_one("kowalsky", "kowalski, jan"), Some(0..8));
        assert_eq!(word_within_one("mohamed", "el amrani, muhamed"), Some(11..18));
        assert_eq!(word_within_one("ozturk", "ozturk-yilmaz, fatma"), Some(0..6));
        // Non-ASCII letters left by folding count as one character each.
        assert_eq!(word_within_one("ωmega", "x, ωmegz"), Some(3..8));
        assert_eq!(word_within_one("kowalsky", "kowal ski, jan"), None);
    }

    #[test]
    fn short_terms_and_digits_are_not_forgiven() {
        assert!(!eligible("jan") && !eligible("kow") && !eligible("06123") && !eligible("ab12"));
        assert!(eligible("jans") && eligible("kowalsky") && eligible("çelik"));
    }

    proptest! {
        /// The same answer as strsim's optimal string alignment distance, over a small alphabet
        /// so that near misses are common.
        #[test]
        fn agrees_with_strsim(a in "[abcé]{0,7}", b in "[abcé]{0,7}") {
            let expected = strsim::osa_distance(&a, &b) <= 1;
            prop_assert_eq!(one_apart(&a, &b), expected);
            if a.is_ascii() && b.is_ascii() {
                prop_assert_eq!(within_one(a.as_bytes(), b.as_bytes()), expected);
            }
        }
    }
}
