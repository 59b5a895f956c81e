//! The command line's own texts: progress lines, summaries, hints.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[Entry {
    key: "lang.name",
    en: "English",
    ja: "日本語",
}];
