//! The `ktriage` command line.

use clap::{Parser, Subcommand, ValueEnum};
use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::Severity;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "ktriage",
    version,
    about = "Why did this Linux machine crash or hang?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find, parse and explain kernel reports in logs (files, directories, `-` for stdin).
    Analyze(AnalyzeArgs),
    /// Read a vmcore (ELF, kdump-compressed, flattened) without debuginfo.
    #[command(subcommand)]
    Vmcore(VmcoreCommand),
    /// Print the JSON Schema of the `ktriage/analysis/1` document (`analyze --json`).
    Schema,
}

#[derive(Subcommand)]
enum VmcoreCommand {
    /// Print the kernel log of a dump.
    Dmesg {
        /// The dump.
        dump: String,
        /// Output format: `plain` ([%5lu.%06lu] text), `makedumpfile` (byte for byte
        /// `makedumpfile --dump-dmesg`), `makedumpfile-caller` (1.7.5+), `vmcore-dmesg`.
        #[arg(long, default_value = "plain")]
        format: String,
    },
    /// Print the crash facts of a dump (release, build id, crash time, registers, completeness).
    Info {
        /// The dump.
        dump: String,
        /// Output JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Human summary.
    Text,
    /// The ktriage/analysis/1 JSON document.
    Json,
    /// syzkaller test-file headers for the first report.
    Syz,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Warning,
    Critical,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Inputs: files (.gz/.xz/.zst read transparently), directories (recursive) or `-`.
    #[arg(required = true)]
    paths: Vec<String>,
    /// Output JSON (same as --format json).
    #[arg(long)]
    json: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Colour the text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorWhen,
    /// Exit 1 when a report or finding of this severity (or worse) exists.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// UTC offset of sources that print local time without a zone, e.g. +08:00.
    #[arg(long, value_parser = parse_tz, allow_hyphen_values = true)]
    tz: Option<i32>,
    /// UTC offset of IPMI SEL times (default UTC).
    #[arg(long, value_parser = parse_tz, allow_hyphen_values = true)]
    sel_tz: Option<i32>,
}

fn parse_tz(s: &str) -> Result<i32, String> {
    let err = || format!("bad time zone offset {s:?}: use +HH:MM, -HHMM or Z");
    if s == "Z" || s == "UTC" {
        return Ok(0);
    }
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(err()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    let h: i32 = digits[..2].parse().map_err(|_| err())?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| err())?
    } else {
        0
    };
    if h > 14 || m > 59 {
        return Err(err());
    }
    Ok(sign * (h * 60 + m))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Vmcore(cmd) => run_vmcore(cmd),
        Command::Schema => {
            let schema = ktriage::model::json_schema();
            let mut out = std::io::stdout().lock();
            match serde_json::to_writer_pretty(&mut out, &schema)
                .map_err(std::io::Error::other)
                .and_then(|_| writeln!(out))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ktriage: writing the schema: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_vmcore(cmd: VmcoreCommand) -> ExitCode {
    use ktriage_vmcore::{Style, Vmcore};
    let path = match &cmd {
        VmcoreCommand::Dmesg { dump, .. } | VmcoreCommand::Info { dump, .. } => dump.clone(),
    };
    let core = match Vmcore::open(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ktriage: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let res = match cmd {
        VmcoreCommand::Dmesg { format, .. } => {
            let style = match format.as_str() {
                "plain" => None,
                other => match other.parse::<Style>() {
                    Ok(s) => Some(s),
                    Err(e) => {
                        eprintln!("ktriage: --format {other}: {e}");
                        return ExitCode::from(2);
                    }
                },
            };
            match core.dmesg() {
                Ok(d) => {
                    for w in &d.warnings {
                        eprintln!("ktriage: {path}: warning: {w}");
                    }
                    let style = style.unwrap_or(if d.has_caller_id {
                        Style::PlainWithCaller
                    } else {
                        Style::Plain
                    });
                    out.write_all(&d.render(style))
                }
                Err(e) => {
                    eprintln!("ktriage: {path}: reading the kernel log: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        VmcoreCommand::Info { json, .. } => {
            let facts = ktriage::vmcore::document_facts(&core.facts());
            if json {
                serde_json::to_writer_pretty(&mut out, &facts)
                    .map_err(std::io::Error::other)
                    .and_then(|_| writeln!(out))
            } else {
                out.write_all(ktriage::vmcore::facts_text(&facts).as_bytes())
            }
        }
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ktriage: writing output: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_analyze(args: AnalyzeArgs) -> ExitCode {
    let paths = match ktriage::input::expand_paths(&args.paths) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("ktriage: {e}");
            return ExitCode::from(2);
        }
    };
    let total: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = Arc::new(AtomicU64::new(0));
    let opts = Options {
        tz_offset_minutes: args.tz,
        sel_tz_minutes: args.sel_tz,
        no_signatures: false,
        progress: Some(progress.clone()),
    };
    // A progress bar on a terminal when the input is large enough to take a while.
    let bar = (std::io::stderr().is_terminal() && total > 64 * 1024 * 1024).then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} reading {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {wide_bar}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let done = Arc::new(AtomicBool::new(false));
        let (b, p, d) = (bar.clone(), progress.clone(), done.clone());
        let ticker = std::thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                b.set_position(p.load(Ordering::Relaxed));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        (bar, done, ticker)
    });
    let (analysis, errors) = analyze_paths(&paths, opts);
    if let Some((bar, done, ticker)) = bar {
        done.store(true, Ordering::Relaxed);
        let _ = ticker.join();
        bar.finish_and_clear();
    }
    for e in &errors {
        eprintln!("ktriage: {e}");
    }
    let format = if args.json { Format::Json } else { args.format };
    let stdout = std::io::stdout();
    let result = match format {
        Format::Json => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            ktriage::render::json(&analysis, &mut out).and_then(|_| out.flush())
        }
        Format::Syz => {
            let mut lock = stdout.lock();
            lock.write_all(ktriage::render::syz(&analysis).as_bytes())
        }
        Format::Text => {
            let choice = match args.color {
                ColorWhen::Always => anstream::ColorChoice::Always,
                ColorWhen::Never => anstream::ColorChoice::Never,
                ColorWhen::Auto => anstream::ColorChoice::Auto,
            };
            let mut out = anstream::AutoStream::new(stdout.lock(), choice);
            out.write_all(ktriage::render::text(&analysis).as_bytes())
        }
    };
    if let Err(e) = result {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("ktriage: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    if !errors.is_empty() {
        return ExitCode::from(2);
    }
    if let Some(level) = args.fail_on {
        let min = match level {
            FailOn::Warning => Severity::Warning,
            FailOn::Critical => Severity::Critical,
        };
        let hit = analysis.reports.iter().any(|r| r.severity >= min)
            || analysis.findings().any(|f| f.severity >= min);
        if hit {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
