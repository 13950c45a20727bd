//! Ingest throughput (being written).

fn main() {}
