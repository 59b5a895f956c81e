//! The lab's page and server: labels, help, errors from the server.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[];
