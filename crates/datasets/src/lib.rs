//! scratchnet-datasets (work in progress).
