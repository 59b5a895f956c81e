//! scratchnet-optim (work in progress).
