//! The run options: each option's help and each validation rule's one-line message.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[];
