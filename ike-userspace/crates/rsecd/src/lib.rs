//! rsecd
