//! cloudtrail constructs (in progress).
