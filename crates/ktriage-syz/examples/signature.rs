//! Prints the syzkaller-style signature of every report in each console log given as argument.
//!
//! Usage: `cargo run -p ktriage-syz --example signature -- LOG...`

fn main() {
    for path in std::env::args().skip(1) {
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let reports = ktriage_syz::parse_all(&data);
        if reports.is_empty() {
            println!("{path}: no crash");
        }
        for sig in reports {
            println!("{path}: {}", sig.title);
            println!("  type: {}", sig.crash_type.as_deref().unwrap_or("-"));
            println!("  frame: {}", sig.guilty_frame.as_deref().unwrap_or("-"));
            if let Some(reason) = &sig.corrupted_reason {
                println!("  corrupted: {reason}");
            }
            for alt in &sig.alt_titles {
                println!("  alt: {alt}");
            }
            println!(
                "  bytes {}..{} (skip {}), suppressed {}, panicked {}",
                sig.start_pos, sig.end_pos, sig.skip_pos, sig.suppressed, sig.panicked
            );
        }
    }
}
