//! Writes a sample PDF of about a given size, streaming (for the benchmark):
//! `cargo run --release --example make_sample -- OUT.pdf PAGES EXTRA_BYTES`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: make_sample OUT.pdf PAGES EXTRA_BYTES";
    let out = PathBuf::from(args.next().expect(usage));
    let pages: usize = args.next().and_then(|a| a.parse().ok()).expect(usage);
    let extra: u64 = args.next().and_then(|a| a.parse().ok()).expect(usage);
    kyso::pdf::fixtures::write_sample_pdf(&out, pages, extra)
}
