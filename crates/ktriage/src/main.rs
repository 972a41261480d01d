//! The `ktriage` command line.

use clap::{Parser, Subcommand, ValueEnum};
use ktriage::analyze::{analyze_inputs, Options};
use ktriage::model::Severity;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Version with the commit it was built from.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("KTRIAGE_COMMIT"), ")");

const AFTER_HELP: &str = "\
Examples:
  ktriage analyze /var/log/kern.log           what happened, one line per incident first
  ktriage analyze -v console.log              with the evidence and every next step
  ktriage analyze --json dmesg.txt | jq .incidents
  journalctl -k -b -1 -o short-monotonic | ktriage analyze -
  ktriage analyze --fail-on critical ci-logs/ the exit status gates a CI job
  ktriage vmcore dmesg /var/crash/*/vmcore    the kernel log of a dump

Exit status:
  0  analysed (nothing at or above --fail-on)
  1  --fail-on: a report or finding at or above that severity
  2  usage error, or an input that could not be read (missing, unreadable, truncated);
     what could be read was analysed";

#[derive(Parser)]
#[command(
    name = "ktriage",
    version = VERSION,
    about = "Why did this Linux machine crash or hang?",
    after_help = AFTER_HELP
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
    /// Print a log back with call traces turned into source lines (`func (file:line ...)`,
    /// decode_stacktrace.sh's format), read in process from a vmlinux with debug info.
    Symbolize(SymbolizeArgs),
    /// Print the JSON Schema of the `ktriage/analysis/1` document (`analyze --json`).
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of ktriage.
    Man,
}

#[derive(clap::Args)]
struct SymbolizeArgs {
    /// The kernel image with debug info that printed the log (Debian:
    /// /usr/lib/debug/boot/vmlinux-RELEASE; Fedora/RHEL:
    /// /usr/lib/debug/lib/modules/RELEASE/vmlinux).
    #[arg(long, value_name = "FILE")]
    vmlinux: std::path::PathBuf,
    /// Where the modules with debug info are (searched below for NAME.ko, .ko.xz, .ko.zst,
    /// .ko.gz, .ko.debug; Debian: /usr/lib/debug/lib/modules/RELEASE).
    #[arg(long, value_name = "DIR")]
    modules: Option<std::path::PathBuf>,
    /// The log (`-` or none: stdin).
    log: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum VmcoreCommand {
    /// Print the kernel log of a dump.
    Dmesg {
        /// The dump.
        dump: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "plain")]
        format: DmesgFormat,
    },
    /// Print the crash facts of a dump (release, build id, crash time, registers, completeness).
    Info {
        /// The dump.
        dump: String,
        /// Output JSON (same as --format json).
        #[arg(long)]
        json: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: InfoFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DmesgFormat {
    /// `[%5lu.%06lu] text` (with the caller column when the dump records callers).
    Plain,
    /// `[%5lu.%06lu] [%6s] text`.
    Caller,
    /// Byte for byte `makedumpfile --dump-dmesg` (1.6.9-1.7.4).
    Makedumpfile,
    /// `makedumpfile --dump-dmesg` 1.7.5+ (caller column).
    MakedumpfileCaller,
    /// Byte for byte `vmcore-dmesg`.
    VmcoreDmesg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InfoFormat {
    /// Human summary.
    Text,
    /// JSON.
    Json,
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
    /// Inputs: files (.gz/.xz/.zst read transparently), directories (recursive) or `-`;
    /// none: the live kernel log (/dev/kmsg, read to its end like dmesg).
    paths: Vec<std::path::PathBuf>,
    /// Follow symbolic links inside directories (links named on the command line are always
    /// read).
    #[arg(short = 'L', long)]
    follow_links: bool,
    /// Include (`GLOB`) or exclude (`!GLOB`) files found in directories; repeatable.
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    globs: Vec<String>,
    /// Read every file, also those whose content is not a log (binaries, other JSON).
    #[arg(long)]
    all_files: bool,
    /// A vmlinux with debug info that printed the log: every frame gets its source line
    /// and inline chain (JSON `source`), read in process.
    #[arg(long, value_name = "FILE")]
    vmlinux: Option<std::path::PathBuf>,
    /// With --vmlinux: where the modules with debug info are (NAME.ko, .ko.xz, .ko.zst,
    /// .ko.gz, .ko.debug below it), for the frames of modules.
    #[arg(long, value_name = "DIR")]
    modules: Option<std::path::PathBuf>,
    /// Without --vmlinux: find each kernel release's debug vmlinux and modules below DIR (`/`
    /// for this machine), where Debian/Ubuntu (usr/lib/debug/boot/vmlinux-REL) and
    /// Fedora/RHEL (usr/lib/debug/lib/modules/REL/vmlinux) install them.
    #[arg(long, value_name = "DIR", conflicts_with = "vmlinux")]
    debuginfo_root: Option<std::path::PathBuf>,
    /// Worker threads: files are read in parallel and a large file is scanned on several
    /// cores; the output is the same for any N (default: all cores).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Print only the one-line verdict per incident.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every finding with its evidence and next steps, and every skipped file.
    #[arg(short, long)]
    verbose: bool,
    /// Print at most N incidents (text output).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Keep reading as the inputs grow (files like `tail -F`, /dev/kmsg, stdin such as
    /// `journalctl -f -o export`) and print each report and incident as it completes, until
    /// interrupted (JSON: one `{"report": ...}` or `{"incident": ...}` object per line).
    #[arg(short = 'f', long)]
    follow: bool,
    /// Do not page the text output (on a terminal it goes through `$PAGER`, `less -FRX` by
    /// default, as journalctl and git do).
    #[arg(long)]
    no_pager: bool,
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

impl AnalyzeArgs {
    /// The paths to read: those given, else the live kernel log.
    fn inputs(&self) -> Vec<std::path::PathBuf> {
        if self.paths.is_empty() {
            vec![std::path::PathBuf::from(ktriage::input::KMSG)]
        } else {
            self.paths.clone()
        }
    }

    /// How directories are walked.
    fn walk_options(&self) -> ktriage::input::WalkOptions {
        ktriage::input::WalkOptions {
            follow_links: self.follow_links,
            globs: self.globs.clone(),
        }
    }
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

/// `ktriage symbolize`: the log, line by line, with its frames decoded.
fn run_symbolize(args: SymbolizeArgs) -> ExitCode {
    use std::io::BufRead;
    let cache = ktriage_symbolize::cache::default_dir();
    let mut syms = match ktriage_symbolize::Symbols::open(
        &args.vmlinux,
        args.modules.clone(),
        cache.as_deref(),
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ktriage: {e}");
            return ExitCode::from(2);
        }
    };
    let base = syms.basepath();
    let release = syms.release();
    let mut other_kernel: Option<String> = None;
    let (name, input): (String, Box<dyn BufRead>) = match &args.log {
        None => ("-".into(), Box::new(std::io::stdin().lock())),
        Some(p) if p.as_os_str() == "-" => ("-".into(), Box::new(std::io::stdin().lock())),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => (
                p.display().to_string(),
                Box::new(std::io::BufReader::new(f)),
            ),
            Err(e) => {
                eprintln!("ktriage: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut mismatched = 0usize;
    for (n, line) in input.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("ktriage: {name}: line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        let text = String::from_utf8_lossy(&line);
        // The kernel that printed the log, from its banner or a CPU line.
        let printed = ["Linux version ", " Not tainted "].iter().find_map(|m| {
            let at = text.find(m)? + m.len();
            text[at..].split_whitespace().next()
        });
        if let (Some(p), Some(r)) = (printed, release.as_deref()) {
            if p != r && other_kernel.is_none() {
                other_kernel = Some(p.to_string());
            }
        }
        let written = match ktriage_symbolize::trace::symbolize_line_with(
            &mut syms,
            &text,
            base.as_deref(),
        ) {
            Some(s) => {
                mismatched +=
                    usize::from(ktriage_symbolize::trace::size_mismatch(&mut syms, &text));
                writeln!(out, "{s}")
            }
            None => writeln!(out, "{text}"),
        };
        if written.is_err() {
            // A closed pipe (`| head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    syms.save();
    for p in &syms.problems {
        eprintln!("ktriage: warning: {p}");
    }
    if let (Some(other), Some(r)) = (&other_kernel, &release) {
        eprintln!(
            "ktriage: warning: {} is {r}, but the log was printed by {other}: its lines may be \
             another build's (pass that kernel's vmlinux)",
            syms.path()
        );
    }
    if mismatched > 0 {
        eprintln!(
            "ktriage: warning: {mismatched} frame(s) name a function whose length differs in {}: \
             the log may come from another build",
            syms.path()
        );
    }
    ExitCode::SUCCESS
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
        Command::Analyze(args) if args.follow => run_follow(args),
        Command::Analyze(args) => run_analyze(args),
        Command::Vmcore(cmd) => run_vmcore(cmd),
        Command::Symbolize(args) => run_symbolize(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ktriage", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ktriage: writing the man page: {e}");
                    ExitCode::from(2)
                }
            }
        }
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
    use ktriage_vmcore::Style;
    let path = match &cmd {
        VmcoreCommand::Dmesg { dump, .. } | VmcoreCommand::Info { dump, .. } => dump.clone(),
    };
    let core = match ktriage::vmcore::open_dump(&path) {
        Ok((c, notes)) => {
            for n in notes {
                eprintln!("ktriage: note: {path}: {n}");
            }
            c
        }
        Err(e) => {
            // The error names the dump.
            eprintln!("ktriage: {e}");
            return ExitCode::from(2);
        }
    };
    let mut log_incomplete = false;
    let mut out = std::io::stdout().lock();
    let res = match cmd {
        VmcoreCommand::Dmesg { format, .. } => {
            let style = match format {
                DmesgFormat::Plain => None,
                DmesgFormat::Caller => Some(Style::PlainWithCaller),
                DmesgFormat::Makedumpfile => Some(Style::Makedumpfile),
                DmesgFormat::MakedumpfileCaller => Some(Style::MakedumpfileCaller),
                DmesgFormat::VmcoreDmesg => Some(Style::VmcoreDmesg),
            };
            match core.dmesg() {
                Ok(d) => {
                    for w in &d.warnings {
                        eprintln!("ktriage: warning: {path}: {w}");
                    }
                    // An incomplete dump whose log area was affected: the log printed is not
                    // the whole log, and the exit status says so.
                    log_incomplete =
                        !d.warnings.is_empty() && !core.facts().completeness.is_complete();
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
        VmcoreCommand::Info { json, format, .. } => {
            let mut facts = ktriage::vmcore::document_facts(&core.facts());
            // Whether the kernel log itself can be read whole.
            facts.completeness.log_whole = Some(core.dmesg().is_ok_and(|d| d.warnings.is_empty()));
            if json || format == InfoFormat::Json {
                serde_json::to_writer_pretty(&mut out, &facts)
                    .map_err(std::io::Error::other)
                    .and_then(|_| writeln!(out))
            } else {
                out.write_all(ktriage::vmcore::facts_text(&facts).as_bytes())
            }
        }
    };
    match res {
        Ok(()) if log_incomplete => ExitCode::from(2),
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ktriage: writing output: {e}");
            ExitCode::from(2)
        }
    }
}

/// Sizes the worker pool (0: all cores).
fn init_threads(n: usize) {
    if n > 0 {
        // Fails only when the pool already exists (then it keeps its size).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
}

fn run_analyze(args: AnalyzeArgs) -> ExitCode {
    let walk_opts = args.walk_options();
    let paths = args.inputs();
    let walk = match ktriage::input::walk(&paths, &walk_opts) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("ktriage: {e}");
            return ExitCode::from(2);
        }
    };
    // Each path that could not be read is named once, here; the rest is analysed.
    for e in &walk.problems {
        eprintln!("ktriage: warning: {e}");
    }
    let total: u64 = walk
        .inputs
        .iter()
        .filter_map(|i| match i {
            ktriage::input::Input::File(p) => std::fs::metadata(p).ok(),
            ktriage::input::Input::Stdin => None,
        })
        .map(|m| m.len())
        .sum();
    let progress = Arc::new(AtomicU64::new(0));
    let opts = Options {
        tz_offset_minutes: args.tz,
        sel_tz_minutes: args.sel_tz,
        no_signatures: false,
        progress: Some(progress.clone()),
        all_files: args.all_files,
        threads: args.threads,
        vmlinux: args.vmlinux.clone(),
        modules: args.modules.clone(),
        debuginfo_root: args.debuginfo_root.clone(),
    };
    init_threads(args.threads);
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
    let outcome = analyze_inputs(&walk.inputs, opts);
    let analysis = outcome.analysis;
    if let Some((bar, done, ticker)) = bar {
        done.store(true, Ordering::Relaxed);
        let _ = ticker.join();
        bar.finish_and_clear();
    }
    // Notes and warnings go to stderr (and stay in the JSON document's `warnings`).
    let mut incomplete = !walk.problems.is_empty();
    for w in &analysis.warnings {
        incomplete |= w.incomplete;
        let at = if w.source.line > 0 {
            format!("{}:{}", w.source.path, w.source.line)
        } else {
            w.source.path.clone()
        };
        let what = if w.incomplete { "warning" } else { "note" };
        // An input error's message already starts with its path.
        if w.message.starts_with(&w.source.path) {
            eprintln!("ktriage: {what}: {}", w.message);
        } else {
            eprintln!("ktriage: {what}: {at}: {}", w.message);
        }
    }
    if !outcome.not_logs.is_empty() {
        if args.verbose {
            for (p, why) in &outcome.not_logs {
                eprintln!("ktriage: note: {p}: skipped, {why}");
            }
        } else {
            eprintln!(
                "ktriage: note: skipped {} file(s) whose content is not a log (-v names them, --all-files reads them)",
                outcome.not_logs.len()
            );
        }
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
            let pager = (!args.no_pager && !args.quiet && stdout.is_terminal())
                .then(spawn_pager)
                .flatten();
            let choice = match (args.color, &pager) {
                (ColorWhen::Always, _) => anstream::ColorChoice::Always,
                (ColorWhen::Never, _) => anstream::ColorChoice::Never,
                // `less -R` shows colours; NO_COLOR still wins.
                (ColorWhen::Auto, Some(_)) if std::env::var_os("NO_COLOR").is_none() => {
                    anstream::ColorChoice::Always
                }
                (ColorWhen::Auto, _) => anstream::ColorChoice::Auto,
            };
            let view = ktriage::render::TextView {
                detail: if args.quiet {
                    ktriage::render::Detail::Verdict
                } else if args.verbose {
                    ktriage::render::Detail::Full
                } else {
                    ktriage::render::Detail::Summary
                },
                limit: args.limit,
            };
            let text = ktriage::render::text_with(&analysis, &view);
            if let Some(mut child) = pager {
                let res = child.stdin.take().map_or(Ok(()), |mut stdin| {
                    if choice == anstream::ColorChoice::Always {
                        stdin.write_all(text.as_bytes())
                    } else {
                        let plain = anstream::adapter::strip_str(&text).to_string();
                        stdin.write_all(plain.as_bytes())
                    }
                });
                let _ = child.wait();
                res
            } else {
                let mut out = anstream::AutoStream::new(stdout.lock(), choice);
                out.write_all(text.as_bytes())
            }
        }
    };
    if let Err(e) = result {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("ktriage: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    exit_status(&args, &analysis, incomplete)
}

/// `analyze --follow`: re-reads the inputs when they grow (stdin is kept in memory, at most
/// 256 MiB) and prints each report and incident once, when its input has been quiet for a
/// second or more lines came after it.
fn run_follow(args: AnalyzeArgs) -> ExitCode {
    use std::collections::HashSet;
    use std::io::Read;
    use std::time::{Duration, Instant};
    const STDIN_CAP: usize = 256 << 20;
    let paths = args.inputs();
    let walk_opts = args.walk_options();
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let files: Vec<std::path::PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    // Stdin is read by a thread into a shared buffer.
    let buffer = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    if stdin {
        let buf = buffer.clone();
        std::thread::spawn(move || {
            let mut chunk = vec![0u8; 64 * 1024];
            let mut input = std::io::stdin().lock();
            while let Ok(n) = input.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                if let Ok(mut b) = buf.lock() {
                    if b.len() + n <= STDIN_CAP {
                        b.extend_from_slice(&chunk[..n]);
                    }
                }
            }
        });
    }
    let opts = Options {
        tz_offset_minutes: args.tz,
        sel_tz_minutes: args.sel_tz,
        all_files: args.all_files,
        ..Default::default()
    };
    let json = args.json || matches!(args.format, Format::Json);
    let mut printed: HashSet<String> = HashSet::new();
    let mut warned: HashSet<String> = HashSet::new();
    let mut last_size = u64::MAX;
    let mut last_change = Instant::now();
    let mut analysed: Option<(u64, bool)> = None;
    loop {
        let size: u64 = files
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum::<u64>()
            + buffer.lock().map_or(0, |b| b.len() as u64);
        if size != last_size {
            last_size = size;
            last_change = Instant::now();
        }
        let quiet = last_change.elapsed() >= Duration::from_secs(1);
        // Nothing new since the last pass: no need to read again.
        if analysed == Some((size, quiet)) {
            std::thread::sleep(Duration::from_millis(300));
            continue;
        }
        analysed = Some((size, quiet));
        let walk = ktriage::input::walk(&files, &walk_opts);
        let outcome = match walk {
            Ok(w) => {
                for e in &w.problems {
                    if warned.insert(e.to_string()) {
                        eprintln!("ktriage: warning: {e}");
                    }
                }
                ktriage::analyze::analyze_inputs(&w.inputs, opts.clone())
            }
            Err(e) => {
                eprintln!("ktriage: {e}");
                return ExitCode::from(2);
            }
        };
        // Stdin is its own document: ids (`r1`, `i1`) are per document.
        let mut docs = vec![outcome.analysis];
        if stdin {
            let data = buffer.lock().map(|b| b.clone()).unwrap_or_default();
            docs.push(ktriage::analyze::analyze_bytes("-", &data, opts.clone()));
        }
        let mut out = std::io::stdout().lock();
        for a in &docs {
            // Done: the input went quiet, or more than a screenful of lines followed it.
            let complete = |r: &ktriage::model::Report| {
                quiet
                    || a.sources
                        .iter()
                        .find(|s| s.path == r.source.path)
                        .is_some_and(|s| s.lines >= r.source.last_line + 50)
            };
            // Reports first (each once, when complete), then the incidents they make.
            for r in a.reports.iter().filter(|r| complete(r)) {
                if !printed.insert(format!("report {}:{}", r.source.path, r.source.first_line)) {
                    continue;
                }
                let res = if json {
                    writeln!(out, "{}", serde_json::json!({ "report": r }))
                } else {
                    writeln!(
                        out,
                        "report {} {}  [{}:{}]",
                        r.id, r.display_title, r.source.path, r.source.first_line
                    )
                };
                if res.and_then(|_| out.flush()).is_err() {
                    return ExitCode::SUCCESS; // the reader went away
                }
            }
            for inc in &a.incidents {
                let root = inc.root.as_deref().and_then(|r| a.report_by_id(r));
                let last = inc.reports.iter().rev().find_map(|r| a.report_by_id(r));
                if !last.is_some_and(complete) {
                    continue;
                }
                let key = match root {
                    Some(r) => format!("{}:{}", r.source.path, r.source.first_line),
                    None => inc.summary.clone(),
                };
                if !printed.insert(key) {
                    continue;
                }
                let res = if json {
                    writeln!(out, "{}", serde_json::json!({ "incident": inc }))
                } else {
                    let at = root.map_or(String::new(), |r| {
                        format!("  [{}:{}]", r.source.path, r.source.first_line)
                    });
                    writeln!(out, "incident {} {}{at}", inc.id, inc.summary)
                };
                if res.and_then(|_| out.flush()).is_err() {
                    return ExitCode::SUCCESS; // the reader went away
                }
            }
        }
        drop(out);
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// `$PAGER` (default `less -FRX`: quits when the text fits, keeps colours), or none when it
/// is empty, `cat`, or cannot be started.
fn spawn_pager() -> Option<std::process::Child> {
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -FRX".to_string());
    let pager = pager.trim();
    if pager.is_empty() || pager == "cat" {
        return None;
    }
    std::process::Command::new("sh")
        .arg("-c")
        .arg(pager)
        .env(
            "LESS",
            std::env::var("LESS").unwrap_or_else(|_| "FRX".to_string()),
        )
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()
}

/// 2 when an input could not be read in full, 1 when `--fail-on` is met, else 0.
fn exit_status(
    args: &AnalyzeArgs,
    analysis: &ktriage::model::Analysis,
    incomplete: bool,
) -> ExitCode {
    if incomplete {
        return ExitCode::from(2);
    }
    if let Some(level) = args.fail_on {
        let min = match level {
            FailOn::Warning => Severity::Warning,
            FailOn::Critical => Severity::Critical,
        };
        // A SysRq dump is what the operator asked for, not a problem.
        let asked = |id: &String| {
            analysis
                .report_by_id(id)
                .is_some_and(|r| r.kind == ktriage::model::ReportKind::SysrqDump)
        };
        let hit = analysis
            .reports
            .iter()
            .any(|r| r.severity >= min && r.kind != ktriage::model::ReportKind::SysrqDump)
            || analysis.incidents.iter().any(|i| {
                (i.reports.is_empty() || !i.reports.iter().all(asked))
                    && i.findings.iter().any(|f| f.severity >= min)
            });
        if hit {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
