//! The parser must never panic and must stay roughly linear on large or hostile input.

use std::time::{Duration, Instant};

use ktriage_syz::{contains_crash, parse, parse_all, parse_from};

/// Deterministic pseudo-random bytes (xorshift).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.extend_from_slice(&seed.to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Snippets that drive the parser down its interesting paths.
const PIECES: &[&str] = &[
    "[   12.345678] ",
    "[   12.345678][ T1234] ",
    "[   12.345678][    C1] ",
    "BUG: KASAN: use-after-free in foo+0x1/0x2\n",
    "Read of size 8 at addr ffff88000012c43a\n",
    "WARNING: CPU: 0 PID: 1 at net/x.c:12 foo+0x1/0x2\n",
    "RIP: 0010:foo+0x1/0x2\n",
    "Call Trace:\n",
    " ? bar+0x1/0x2\n",
    " baz+0x1/0x2\n",
    "[<ffffffff81234567>] (callee.isra.1) from [<ffffffff81234567>] (caller+0x1/0x2)\n",
    "INFO: task syz-executor.0:123 blocked for more than 143 seconds.\n",
    "INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
    "apic_timer_interrupt+0x1/0x2\n",
    "Kernel panic - not syncing: Fatal exception\n",
    "BUG:\n",
    "WARNING:",
    " should_fail+0x1/0x2\n",
    "Sending NMI from CPU 0 to CPUs 1:\n",
    "** replaying previous printk message **\n",
    "_ZN3foo3barEv+0x1/0x2\n",
    "_RNvCs1234_7___rustc17rust_begin_unwind+0x1/0x2\n",
    "BUG: memory leak\nbacktrace:\n",
    "\n",
];

fn soup(n: usize, mut seed: u64) -> Vec<u8> {
    let mut v = Vec::new();
    for _ in 0..n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let piece = PIECES[(seed % PIECES.len() as u64) as usize];
        v.extend_from_slice(piece.as_bytes());
        if seed % 11 == 0 {
            v.extend_from_slice(&noise((seed % 40) as usize, seed));
        }
    }
    v
}

fn exercise(data: &[u8]) {
    let _ = contains_crash(data);
    if let Some(sig) = parse(data) {
        assert!(sig.start_pos < sig.end_pos && sig.end_pos <= data.len());
        assert!(sig.start_pos < sig.skip_pos && sig.skip_pos <= sig.end_pos);
        assert!(!sig.title.is_empty());
        let _ = parse_from(data, sig.skip_pos);
    }
    let _ = parse_from(data, data.len());
    let _ = parse_from(data, data.len() + 10);
}

#[test]
fn arbitrary_bytes_never_panic() {
    for seed in 1..200u64 {
        exercise(&noise((seed as usize * 37) % 3000, seed));
        exercise(&soup((seed as usize * 7) % 120, seed));
    }
    exercise(b"");
    exercise(b"\n");
    exercise(b"BUG:");
    exercise(b"[   1.0] BUG: KASAN: use-after-free in \xff\xfe+0x1");
    exercise(b"WARNING: CPU: 0 PID: 1 at \x80x.c:1 f+0x1/0x2");
}

#[test]
fn parse_all_terminates() {
    let data = soup(400, 42);
    let all = parse_all(&data);
    assert!(!all.is_empty());
    for w in all.windows(2) {
        assert!(w[0].start_pos < w[1].start_pos);
    }
}

fn timed(data: &[u8]) -> Duration {
    let t = Instant::now();
    exercise(data);
    t.elapsed()
}

/// One huge line with no newline, and many oops lines in a row, both parse quickly.
#[test]
fn huge_inputs_stay_fast() {
    let mut line = b"[   12.345678] BUG: KASAN: use-after-free in foo+0x1/0x2 ".to_vec();
    line.extend(vec![b'a'; 300 << 10]);
    let mut repeated = Vec::new();
    for i in 0..5_000 {
        repeated.extend_from_slice(
            format!("[   12.{i:06}][ T1] BUG: KASAN: use-after-free in foo+0x1/0x2\n").as_bytes(),
        );
    }
    let mut stack = b"[   12.0][ T1] WARNING: CPU: 0 PID: 1 at net/x.c:12 foo+0x1/0x2\n".to_vec();
    for _ in 0..5_000 {
        stack.extend_from_slice(b"[   12.0][ T1]  ? bar+0x1/0x2\n[   12.0][ T1] Call Trace:\n");
    }
    for data in [line, repeated, stack, soup(10_000, 7)] {
        let d = timed(&data);
        // Window-sized inputs (~300 KB); a quadratic path would take minutes here.
        assert!(
            d < Duration::from_secs(30),
            "{} bytes took {d:?}",
            data.len()
        );
    }
}

/// Doubling the input does not much more than double the time.
#[test]
fn cost_is_roughly_linear() {
    let small = soup(2_000, 3);
    let mut big = Vec::new();
    for _ in 0..8 {
        big.extend_from_slice(&small);
    }
    // Warm up the lazily compiled regexes first.
    let _ = timed(&small);
    let t_small = (0..3).map(|_| timed(&small)).min().unwrap();
    let t_big = (0..3).map(|_| timed(&big)).min().unwrap();
    // 8x the data: allow 40x the time for noise on a shared machine (quadratic would be ~64x).
    assert!(
        t_big < t_small * 40 + Duration::from_millis(200),
        "small {t_small:?}, big {t_big:?}"
    );
}
