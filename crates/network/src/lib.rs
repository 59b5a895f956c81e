//! scratchnet-network (work in progress).
