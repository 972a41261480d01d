//! Criterion benchmarks of the pipeline stages on real logs (tests/fixtures): the gate's
//! block probes, the quiet-line scan, line framing alone, the parse with and without the
//! quiet scan, and whole analysis, on a quiet boot log and on a crash log.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ktriage::analyze::{analyze_bytes, Options};
use ktriage::frame::Framer;

fn fixture(name: &str) -> Vec<u8> {
    let p = format!(
        "{}/tests/fixtures/lab/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(p).expect("lab fixture")
}

/// A quiet log: the boot part of every lab log (up to the lkdtm trigger), concatenated.
fn quiet_log() -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lab");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    names.sort();
    for p in names {
        let data = std::fs::read(p).unwrap();
        for line in data.split(|&b| b == b'\n') {
            if line.windows(19).any(|w| w == b"lab-init: triggerin") {
                break;
            }
            out.extend_from_slice(line);
            out.push(b'\n');
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let quiet = quiet_log();
    let crash = fixture("SOFTLOCKUP-amd64");
    let mut g = c.benchmark_group("pipeline");
    for (name, data) in [("quiet-boot-logs", &quiet), ("softlockup-amd64", &crash)] {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_with_input(BenchmarkId::new("gate", name), data, |b, data| {
            let mut hits = Vec::new();
            b.iter(|| {
                ktriage_parse::patterns::VOCAB
                    .gate
                    .block_hits(data, &mut hits);
                hits.len()
            })
        });
        g.bench_with_input(BenchmarkId::new("scan", name), data, |b, data| {
            b.iter(|| {
                let facts = ktriage_parse::scan::BlockFacts::of(data);
                ktriage_parse::scan::scan_block(data, b'\n', facts)
                    .loud
                    .len()
            })
        });
        for (stage, every) in [("parse", false), ("parse-every-line", true)] {
            let opts = ktriage_parse::analyze::Options {
                threads: 1,
                frame_every_line: every,
                ..Default::default()
            };
            g.bench_with_input(BenchmarkId::new(stage, name), data, |b, data| {
                b.iter(|| {
                    ktriage_parse::analyze::analyze_bytes("bench", data, opts.clone())
                        .reports
                        .len()
                })
            });
        }
        g.bench_with_input(BenchmarkId::new("frame", name), data, |b, data| {
            b.iter(|| {
                let mut f = Framer::new();
                let mut n = 0usize;
                for (i, line) in data.split(|&b| b == b'\n').enumerate() {
                    f.push_line(i as u64 + 1, line, &mut |r| n += r.text.len());
                }
                f.finish(&mut |r| n += r.text.len());
                n
            })
        });
        g.bench_with_input(BenchmarkId::new("analyze", name), data, |b, data| {
            b.iter(|| {
                analyze_bytes("bench", data, Options::default())
                    .reports
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
