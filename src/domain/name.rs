//! Dutch personal names: "Jan van der Berg" is listed as "Berg, Jan van der" and sorts under B.

use super::fold::fold;

/// The parts of a name as a Dutch register keeps them.
#[derive(Debug, Clone, Copy)]
pub struct NameParts<'a> {
    pub given_names: &'a str,
    pub prefix: &'a str,
    pub family_name: &'a str,
}

impl NameParts<'_> {
    /// Listed form: `Berg, Jan van der` (family name first, prefix after the given names).
    pub fn listed(&self) -> String {
        let mut s = String::with_capacity(self.given_names.len() + self.prefix.len() + self.family_name.len() + 3);
        s.push_str(self.family_name.trim());
        let given = self.given_names.trim();
        let prefix = self.prefix.trim();
        if !given.is_empty() || !prefix.is_empty() {
            s.push(',');
        }
        for part in [given, prefix] {
            if !part.is_empty() {
                s.push(' ');
                s.push_str(part);
            }
        }
        s
    }

    /// Spoken form: `Jan van der Berg`.
    pub fn natural(&self) -> String {
        [self.given_names.trim(), self.prefix.trim(), self.family_name.trim()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Sort key: family name without its prefix, then given names, then prefix; folded so that
    /// `Öztürk` sorts with `Ozturk` and case does not matter.
    pub fn sort_key(&self) -> String {
        format!(
            "{}\u{1}{}\u{1}{}",
            fold(self.family_name.trim()),
            fold(self.given_names.trim()),
            fold(self.prefix.trim())
        )
    }
}

/// Splits a prefix that was typed into the family-name field ("van der Berg") into prefix and
/// family name, using the common Dutch prefixes. Returns `None` if the name has no known prefix.
pub fn split_prefix(family: &str) -> Option<(String, String)> {
    const PREFIXES: &[&str] = &[
        "van der", "van den", "van de", "van 't", "van het", "in 't", "in de", "op de", "op den", "uit de", "uit den",
        "van", "de", "den", "der", "het", "'t", "te", "ter", "ten", "la", "le", "du", "el", "al",
    ];
    let trimmed = family.trim();
    let lower = trimmed.to_lowercase();
    for p in PREFIXES {
        if let Some(rest) = lower.strip_prefix(p)
            && rest.starts_with(' ')
            && rest.trim().len() > 1
            && let (Some(prefix), Some(rest)) = (trimmed.get(..p.len()), trimmed.get(p.len()..))
        {
            return Some((prefix.to_string(), rest.trim().to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n<'a>(g: &'a str, p: &'a str, f: &'a str) -> NameParts<'a> {
        NameParts { given_names: g, prefix: p, family_name: f }
    }

    #[test]
    fn listed_the_dutch_way() {
        assert_eq!(n("Jan", "van der", "Berg").listed(), "Berg, Jan van der");
        assert_eq!(n("Fatma", "", "Öztürk").listed(), "Öztürk, Fatma");
        assert_eq!(n("", "", "Bakker").listed(), "Bakker");
        assert_eq!(n("Jan", "van der", "Berg").natural(), "Jan van der Berg");
    }

    #[test]
    fn sorts_under_the_family_name() {
        let mut names =
            [n("Jan", "van der", "Berg"), n("Piet", "", "Aalders"), n("Anna", "de", "Vries"), n("Emre", "", "Çelik")];
        names.sort_by_key(|x| x.sort_key());
        let listed: Vec<String> = names.iter().map(|x| x.listed()).collect();
        assert_eq!(listed, ["Aalders, Piet", "Berg, Jan van der", "Çelik, Emre", "Vries, Anna de"]);
    }

    #[test]
    fn splits_typed_prefix() {
        assert_eq!(split_prefix("van der Berg"), Some(("van der".into(), "Berg".into())));
        assert_eq!(split_prefix("De Vries"), Some(("De".into(), "Vries".into())));
        assert_eq!(split_prefix("Vandenberg"), None);
        assert_eq!(split_prefix("Berg"), None);
    }
}
