//! The chapter-6 experiments: titles, descriptions, figure text and verdicts.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[];
