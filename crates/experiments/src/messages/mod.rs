//! Every text a person reads — option help, validation messages, progress lines, summaries,
//! verdicts, the lab's labels and figure text — in English and Japanese, from one table.
//!
//! A text has a key such as `dropout.range`; `{name}` placeholders are filled from the arguments
//! of a [`Message`]. Each [`Entry`] holds both languages, so the two sides cannot differ in keys,
//! and a test checks that they use the same placeholders. The table is split by who shows the
//! text (options, the command line, the lab, the experiments); a key is unique across all parts.
//!
//! ```
//! use scratchnet_experiments::messages::{Lang, Message};
//!
//! let message = Message::new("lang.name");
//! assert_eq!(message.render(Lang::En), "English");
//! assert_eq!(message.render(Lang::Ja), "日本語");
//! ```

mod cli;
mod experiments;
mod lab;
mod options;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// A language every text exists in.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Japanese (日本語).
    Ja,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The language's code: `en` or `ja`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language of a tag such as `ja`, `ja-JP`, `ja_JP.UTF-8` or `en-US`; `None` for a tag
    /// of another language (or an empty one, `C`, `POSIX`).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The locale's language as POSIX orders it: the first of `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// that is set and not empty decides; Japanese when it starts with `ja`, else English.
    pub fn from_env() -> Lang {
        let var = |name: &str| std::env::var(name).ok();
        Lang::from_locale(var("LC_ALL"), var("LC_MESSAGES"), var("LANG"))
    }

    /// [`Lang::from_env`] on given values of `LC_ALL`, `LC_MESSAGES` and `LANG`.
    pub fn from_locale(
        lc_all: Option<String>,
        lc_messages: Option<String>,
        lang: Option<String>,
    ) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::from_tag(&value))
            .unwrap_or_default()
    }

    /// The language an HTTP `Accept-Language` header prefers among those we have (by `q`,
    /// then by order); English when it names none of them.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else {
                continue;
            };
            let quality = pieces
                .filter_map(|piece| piece.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 || !quality.is_finite() {
                continue;
            }
            let better = match best {
                None => true,
                Some((best_quality, _, _)) => quality > best_quality,
            };
            if better {
                best = Some((quality, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing a [`Lang`]: not `en` or `ja`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected en or ja")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Lang::from_tag(text).ok_or_else(|| UnknownLang(text.to_string()))
    }
}

/// One text in both languages. `{name}` marks a placeholder filled from a [`Message`]'s
/// arguments; `{{` and `}}` stand for literal braces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key, e.g. `dropout.range`: dotted, lowercase, unique across the whole table.
    pub key: &'static str,
    /// The English text.
    pub en: &'static str,
    /// The Japanese text.
    pub ja: &'static str,
}

impl Entry {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        }
    }
}

/// An entry in both languages: the table parts' shorthand for [`Entry`]'s literal.
const fn e(key: &'static str, en: &'static str, ja: &'static str) -> Entry {
    Entry { key, en, ja }
}

/// The parts of the table, by who shows the text.
const PARTS: [&[Entry]; 4] = [
    options::ENTRIES,
    cli::ENTRIES,
    lab::ENTRIES,
    experiments::ENTRIES,
];

/// Every entry of the table.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    PARTS.into_iter().flatten()
}

fn index() -> &'static HashMap<&'static str, &'static Entry> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Entry>> = OnceLock::new();
    INDEX.get_or_init(|| entries().map(|entry| (entry.key, entry)).collect())
}

/// The entry of `key`, if the table has it.
pub fn lookup(key: &str) -> Option<&'static Entry> {
    index().get(key).copied()
}

/// The raw text of `key` in `lang`, placeholders unfilled; the key itself when the table lacks
/// it (a test checks that every key the code uses exists).
pub fn text(lang: Lang, key: &str) -> String {
    lookup(key).map_or_else(|| key.to_string(), |entry| entry.text(lang).to_string())
}

/// Every key and its raw text in `lang`, sorted by key: what the lab's page loads.
pub fn table(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    entries()
        .map(|entry| (entry.key, entry.text(lang)))
        .collect()
}

/// A text to show: a key and the values of its placeholders. It serialises as
/// `{"code": KEY, "params": {NAME: VALUE, …}}`, so an API can return what went wrong in a form
/// a program reads, and [`Message::render`] gives the sentence in either language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The key in the table.
    pub code: &'static str,
    /// The placeholders' values, by name (a list's in English).
    pub params: BTreeMap<&'static str, String>,
    /// The placeholders set by [`Message::list_arg`]: their items, joined in the language of
    /// each [`Message::render`].
    #[serde(skip)]
    lists: BTreeMap<&'static str, (ListStyle, Vec<String>)>,
}

/// How [`join_list`] joins a list in English: `a, b and c` as prose, `a, b, c` as a series (of
/// values, or of names with values). Japanese joins both with 「、」.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStyle {
    /// `a`, `a and b`, `a, b and c`.
    Prose,
    /// `a, b, c`.
    Series,
}

/// `items` joined as a list of `lang`: English commas (and "and" before the last item of
/// prose), Japanese 「、」.
pub fn join_list<S: AsRef<str>>(items: &[S], style: ListStyle, lang: Lang) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match (lang, style, items.as_slice()) {
        (Lang::Ja, _, _) => items.join("、"),
        (Lang::En, ListStyle::Prose, [init @ .., last]) if !init.is_empty() => {
            format!("{} and {last}", init.join(", "))
        }
        (Lang::En, _, _) => items.join(", "),
    }
}

impl Message {
    /// The message `code` with no arguments yet.
    pub fn new(code: &'static str) -> Self {
        Self {
            code,
            params: BTreeMap::new(),
            lists: BTreeMap::new(),
        }
    }

    /// The message with placeholder `name` set to `value`.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.insert(name, value.to_string());
        self
    }

    /// The message with placeholder `name` set to the list of `items`, joined in the language
    /// it is rendered in ([`join_list`]).
    pub fn list_arg<I>(mut self, name: &'static str, style: ListStyle, items: I) -> Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let items: Vec<String> = items.into_iter().map(|item| item.to_string()).collect();
        self.params.insert(name, join_list(&items, style, Lang::En));
        self.lists.insert(name, (style, items));
        self
    }

    /// The sentence in `lang`, placeholders filled.
    pub fn render(&self, lang: Lang) -> String {
        let template = text(lang, self.code);
        if self.lists.is_empty() || lang == Lang::En {
            return fill(&template, &self.params);
        }
        let mut params = self.params.clone();
        for (name, (style, items)) in &self.lists {
            params.insert(name, join_list(items, *style, lang));
        }
        fill(&template, &params)
    }
}

/// English, so that a `Message` reads well in logs and in `Error` chains.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// `template` with each `{name}` replaced by `params[name]` (left as it is when missing) and
/// `{{`/`}}` turned into single braces.
fn fill(template: &str, params: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(end) = tail.find('}').filter(|_| tail.starts_with('{')) {
            let name = &tail[1..end];
            match params.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names of `template`, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix("{{") {
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                names.push(&tail[1..end]);
                rest = &tail[end + 1..];
            }
            None => break,
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_across_all_parts() {
        let mut seen = HashSet::new();
        for entry in entries() {
            assert!(seen.insert(entry.key), "key {} appears twice", entry.key);
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders_and_are_not_empty() {
        for entry in entries() {
            assert!(
                !entry.en.trim().is_empty(),
                "{}: English is empty",
                entry.key
            );
            assert!(
                !entry.ja.trim().is_empty(),
                "{}: Japanese is empty",
                entry.key
            );
            assert_eq!(
                placeholders(entry.en),
                placeholders(entry.ja),
                "{}: the two languages name different placeholders",
                entry.key
            );
        }
    }

    #[test]
    fn keys_are_dotted_lowercase() {
        for entry in entries() {
            let ok = entry.key.contains('.')
                && entry
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
            assert!(ok, "key {:?} is not dotted lowercase", entry.key);
        }
    }

    #[test]
    fn render_fills_placeholders_and_keeps_literal_braces() {
        let params = BTreeMap::from([("got", "1.5".to_string())]);
        assert_eq!(
            fill("got {got}, {{x}} {missing}", &params),
            "got 1.5, {x} {missing}"
        );
        assert_eq!(placeholders("a {b} {{c}} {a} {b}"), vec!["a", "b"]);
    }

    #[test]
    fn lists_are_joined_in_the_language_rendered() {
        let names = ["Adam", "AdaGrad", "Momentum"];
        assert_eq!(
            join_list(&names, ListStyle::Prose, Lang::En),
            "Adam, AdaGrad and Momentum"
        );
        assert_eq!(
            join_list(&names[..2], ListStyle::Prose, Lang::En),
            "Adam and AdaGrad"
        );
        assert_eq!(join_list(&names[..1], ListStyle::Prose, Lang::En), "Adam");
        assert_eq!(join_list::<&str>(&[], ListStyle::Prose, Lang::En), "");
        assert_eq!(
            join_list(&names, ListStyle::Series, Lang::En),
            "Adam, AdaGrad, Momentum"
        );
        for style in [ListStyle::Prose, ListStyle::Series] {
            assert_eq!(
                join_list(&names, style, Lang::Ja),
                "Adam、AdaGrad、Momentum"
            );
        }
        let message = Message::new("no.such.key").list_arg("names", ListStyle::Prose, names);
        assert_eq!(message.params["names"], "Adam, AdaGrad and Momentum");
        let json = serde_json::to_value(&message).expect("serialise");
        assert_eq!(json["params"]["names"], "Adam, AdaGrad and Momentum");
    }

    #[test]
    fn unknown_keys_render_as_themselves() {
        assert_eq!(Message::new("no.such.key").render(Lang::Ja), "no.such.key");
    }

    #[test]
    fn message_serialises_as_code_and_params() {
        let message = Message::new("lang.name").arg("got", 1.5);
        let json = serde_json::to_value(&message).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({"code": "lang.name", "params": {"got": "1.5"}})
        );
    }

    #[test]
    fn locale_variables_follow_posix_order() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(Lang::from_locale(None, None, s("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_locale(s("C"), None, s("ja_JP.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(s(""), s("ja_JP"), s("en_US")), Lang::Ja);
        assert_eq!(Lang::from_locale(None, None, None), Lang::En);
        assert_eq!(Lang::from_locale(None, None, s("fr_FR")), Lang::En);
    }

    #[test]
    fn accept_language_picks_the_preferred_language_we_have() {
        assert_eq!(Lang::from_accept_language("ja,en-US;q=0.9"), Lang::Ja);
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, ja;q=0.8"),
            Lang::Ja
        );
        assert_eq!(Lang::from_accept_language("fr, de"), Lang::En);
        assert_eq!(Lang::from_accept_language("ja;q=0, en"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn lang_parses_codes_and_tags() {
        assert_eq!("ja".parse::<Lang>(), Ok(Lang::Ja));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::Ja.to_string(), "ja");
    }
}
