//! scratchnet-trainer (work in progress).
