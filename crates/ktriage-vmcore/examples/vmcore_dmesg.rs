//! Prints the kernel log (or facts) of a vmcore; doubles as a timing harness.
//!
//! `cargo run --release -p ktriage-vmcore --example vmcore_dmesg -- [--style S] [--info] DUMP`
//! where S is plain, caller, makedumpfile, makedumpfile-caller or vmcore-dmesg.

use ktriage_vmcore::{Style, Vmcore};
use std::io::Write;

fn main() {
    let mut style = Style::Plain;
    let mut info = false;
    let mut path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--info" => info = true,
            "--style" => {
                style = match args.next().unwrap_or_default().parse() {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(2);
                    }
                }
            }
            _ => path = Some(a),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: vmcore_dmesg [--style S] [--info] DUMP");
        std::process::exit(2);
    };
    let core = match Vmcore::open(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    if info {
        let _ = writeln!(std::io::stdout(), "{:#?}", core.facts());
        return;
    }
    match core.dmesg() {
        Ok(log) => {
            for w in &log.warnings {
                eprintln!("warning: {w}");
            }
            let _ = std::io::stdout().write_all(&log.render(style));
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
