//! Runs the fuzz body (`fuzz_one`) over a few thousand random and mutated inputs, so the
//! hardening is exercised even where cargo-fuzz (nightly) is unavailable.

use ktriage_vmcore::synth::{
    flatten, lockless_kernel, plain_kernel, structured_kernel, LocklessOpts, SynthRecord,
};
use ktriage_vmcore::*;
use std::collections::BTreeSet;
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let recs: Vec<SynthRecord> = (0..40)
        .map(|i| SynthRecord::new(i * 1000, format!("seed record {i}\nwith a second line")))
        .collect();
    let none = BTreeSet::new();
    let lk = lockless_kernel(
        &recs,
        &LocklessOpts {
            count_bits: 4,
            size_bits: 10,
            ..Default::default()
        },
    );
    let sk = structured_kernel(&recs, 1024, true);
    let pk = plain_kernel(b"<6>[    1.000000] hello\n<4>[    2.000000] world\n", 64);
    let kd = lk.kdump(DUMP_DH_COMPRESSED_ZLIB, &none);
    let mut v = vec![
        kd.clone(),
        lk.kdump(DUMP_DH_COMPRESSED_LZO, &none),
        lk.kdump(DUMP_DH_COMPRESSED_SNAPPY, &none),
        lk.kdump(DUMP_DH_COMPRESSED_ZSTD, &none),
        lk.kdump(0, &none),
        sk.kdump(DUMP_DH_COMPRESSED_ZLIB, &none),
        pk.kdump(DUMP_DH_COMPRESSED_ZLIB, &none),
        flatten(&kd, 8192, true),
        lk.vmcoreinfo.clone().into_bytes(),
    ];
    let fx = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    for f in [
        "amd64-6.1-kexec.subset.kdump",
        "arm64-6.1-qemu.subset.kdump",
    ] {
        v.push(std::fs::read(format!("{fx}{f}")).unwrap());
    }
    v
}

const INTERESTING: [u64; 10] = [
    0,
    1,
    0x7f,
    0xff,
    0xffff,
    0xffff_ffff,
    0x8000_0000,
    u64::MAX,
    1 << 40,
    4096,
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    let n = 1 + rng.below(8);
    for _ in 0..n {
        if data.is_empty() {
            data.push(rng.next() as u8);
            continue;
        }
        // Bias towards headers, where most parsing decisions are made.
        let pos = if rng.below(3) == 0 {
            rng.below(data.len())
        } else {
            rng.below(data.len().min(8192))
        };
        match rng.below(6) {
            0 => data[pos] ^= 1 << rng.below(8),
            1 => data[pos] = rng.next() as u8,
            2 => {
                let v = INTERESTING[rng.below(INTERESTING.len())].to_le_bytes();
                let w = [1, 2, 4, 8][rng.below(4)];
                let end = (pos + w).min(data.len());
                data[pos..end].copy_from_slice(&v[..end - pos]);
            }
            3 => data.truncate(pos),
            4 => {
                let len = rng.below(64).min(data.len() - pos);
                data.drain(pos..pos + len);
            }
            _ => {
                let b = rng.next() as u8;
                let len = rng.below(64);
                data.splice(pos..pos, vec![b; len]);
            }
        }
    }
}

#[test]
fn fuzz_random_and_mutated_inputs() {
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    // Pure noise, with and without a valid magic.
    for i in 0..500 {
        let len = rng.below(2048);
        let mut d: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let magics: [&[u8]; 3] = [b"\x7fELF\x02\x01\x01", b"KDUMP   ", b"makedumpfile\0\0\0\0"];
        if i % 2 == 0 && d.len() >= 16 {
            let m = magics[rng.below(3)];
            d[..m.len()].copy_from_slice(m);
        }
        fuzz_one(&d);
    }
    // Mutated seeds.
    for _ in 0..3000 {
        let mut d = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &mut d);
        fuzz_one(&d);
    }
    assert!(
        start.elapsed().as_secs() < 600,
        "fuzz loop too slow: {:?}",
        start.elapsed()
    );
}
