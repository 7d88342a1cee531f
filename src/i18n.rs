//! UI strings in Dutch (default) and English, loaded from assets/i18n at compile time.

use std::collections::HashMap;

pub use crate::domain::lang::Lang;

const NL: &str = include_str!("../assets/i18n/nl.toml");
const EN: &str = include_str!("../assets/i18n/en.toml");

/// A string table. Unknown keys come back as the key itself, so a missing string is visible,
/// never a panic.
#[derive(Debug, Clone)]
pub struct Strings {
    lang: Lang,
    table: HashMap<String, String>,
}

impl Strings {
    pub fn new(lang: Lang) -> Strings {
        let src = match lang {
            Lang::Nl => NL,
            Lang::En => EN,
        };
        Strings { lang, table: parse(src).unwrap_or_default() }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.table.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The string for `key`, if the table has one.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        self.table.get(key).map(String::as_str)
    }

    /// A store error in words of this language (an internal storage error as it is).
    pub fn store_error(&self, e: &crate::store::StoreError) -> String {
        match e.message_parts() {
            Some((key, args)) => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                self.fill(key, &args)
            }
            None => e.to_string(),
        }
    }

    /// `get` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

/// Flattens a TOML table into dotted keys: `[status] active = "Actief"` becomes `status.active`.
fn parse(src: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut HashMap<String, String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, v, out);
                }
            }
            toml::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let value: toml::Value = toml::from_str(src)?;
    let mut out = HashMap::new();
    walk("", &value, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_parse_and_have_the_same_keys() {
        let nl = parse(NL).expect("nl.toml parses");
        let en = parse(EN).expect("en.toml parses");
        let mut missing_en: Vec<_> = nl.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_nl: Vec<_> = en.keys().filter(|k| !nl.contains_key(*k)).collect();
        missing_en.sort();
        missing_nl.sort();
        assert!(missing_en.is_empty(), "missing in en.toml: {missing_en:?}");
        assert!(missing_nl.is_empty(), "missing in nl.toml: {missing_nl:?}");
        assert!(nl.len() > 20);
    }

    #[test]
    fn lookup_and_fill() {
        let s = Strings::new(Lang::Nl);
        assert_eq!(s.get("no.such.key"), "no.such.key");
        assert_eq!(Strings::new(Lang::En).get("status.active"), "Active");
        assert_eq!(s.get("status.active"), "Actief");
    }
}
