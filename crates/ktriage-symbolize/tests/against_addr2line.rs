//! The symbolizer against binutils `addr2line -i` on programs compiled here with gcc (a C
//! file with inlined and out-of-line functions, plain and with compressed debug sections):
//! every sampled `func+off/len` gives the same file:line chain, innermost first.

use ktriage_symbolize::{trace, Binary, Error, Lookup};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small C program with inlined and out-of-line functions (written for these tests).
const PROGRAM: &str = include_str!("fixtures/prog.c");

/// Compiles the program with `flags` into `dir`; `None` when gcc is not there.
fn compile(dir: &Path, name: &str, flags: &[&str]) -> Option<PathBuf> {
    let src = dir.join("prog.c");
    std::fs::write(&src, PROGRAM).ok()?;
    let out = dir.join(name);
    let ok = Command::new("gcc")
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .status()
        .ok()?
        .success();
    ok.then_some(out)
}

/// `addr2line -i` at `addr`: (file, line) per level, discriminators dropped.
fn binutils(exe: &Path, addr: u64) -> Vec<(String, u32)> {
    let out = Command::new("addr2line")
        .arg("-i")
        .arg("-e")
        .arg(exe)
        .arg(format!("{addr:x}"))
        .output()
        .expect("binutils addr2line");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let l = l.split(" (discriminator").next().unwrap_or(l);
            let (f, n) = l.rsplit_once(':').unwrap_or((l, "0"));
            (f.to_string(), n.parse().unwrap_or(0))
        })
        .filter(|(f, _)| f != "??")
        .collect()
}

/// Function symbols of the program as (name, address, size), read with `nm -S`.
fn functions(exe: &Path) -> Vec<(String, u64, u64)> {
    let out = Command::new("nm").arg("-S").arg(exe).output().expect("nm");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            if w.len() == 4 && matches!(w[2], "T" | "t") {
                let a = u64::from_str_radix(w[0], 16).ok()?;
                let s = u64::from_str_radix(w[1], 16).ok()?;
                (s > 0).then(|| (w[3].to_string(), a, s))
            } else {
                None
            }
        })
        .collect()
}

fn check_against_binutils(exe: &Path) -> usize {
    let bin = Binary::open(exe).expect("symbolizer reads the program");
    let mut checked = 0;
    let funcs = functions(exe);
    assert!(funcs.iter().any(|(n, _, _)| n == "total"));
    for (name, addr, size) in funcs {
        for off in (1..size).step_by(3) {
            let r = bin.resolve(&name, off, Some(size)).expect("resolves");
            assert_eq!(r.address, addr + off);
            assert!(r.size_matches);
            let ours: Vec<(String, u32)> = bin
                .locate(r.address, Lookup::Return)
                .into_iter()
                .filter_map(|l| Some((l.file?, l.line)))
                .collect();
            assert_eq!(
                ours,
                binutils(exe, r.address - 1),
                "{name}+{off:#x}/{size:#x}"
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_sampled_frame_equals_binutils() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(plain) = compile(dir.path(), "plain", &["-g", "-O2"]) else {
        eprintln!("gcc not found: skipped");
        return;
    };
    let n = check_against_binutils(&plain);
    assert!(n > 50, "{n} frames checked");
    // Inlining happened: some address has a chain of more than one level.
    let bin = Binary::open(&plain).unwrap();
    let r = bin.resolve("total", 0, None).unwrap();
    let deepest = (0..r.symbol_size)
        .map(|o| bin.locate(r.address + o, Lookup::Exact).len())
        .max()
        .unwrap_or(0);
    assert!(deepest >= 2, "no inline chain in total()");
    // Compressed debug sections read the same.
    if let Some(gz) = compile(dir.path(), "gz", &["-g", "-O2", "-gz=zlib"]) {
        assert!(check_against_binutils(&gz) > 50);
    }
}

#[test]
fn a_line_is_rewritten_as_decode_stacktrace_prints_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(exe) = compile(dir.path(), "plain", &["-g", "-O2"]) else {
        return;
    };
    let bin = Binary::open(&exe).unwrap();
    let (_, addr, size) = functions(&exe)
        .into_iter()
        .find(|(n, _, _)| n == "build")
        .unwrap();
    let line = format!("[   12.345678]  build+0x10/{size:#x}");
    let out = trace::symbolize_line(&bin, &line, None).expect("has an address");
    let want = trace::code_text(&bin.locate(addr + 0x10, Lookup::Return), None);
    assert_eq!(out, format!("[   12.345678] build ({want}) "));
    assert!(want.contains("prog.c:"), "{want}");
    // The raw address word is dropped, a module's frame stays as printed, plain text is not
    // touched.
    let line = format!("[ 1.0] [<ffffffff81000000>] build+0x10/{size:#x} [mod]");
    let out = trace::symbolize_line(&bin, &line, None).unwrap();
    // (The script rejoins a split stamp as printf "[%13s" does.)
    assert_eq!(out, format!("[{:>13} build+0x10/{size:#x} [mod]", "1.0]"));
    assert_eq!(trace::symbolize_line(&bin, "[ 1.0] hello", None), None);
    // A length that is neither the symbol's ELF size nor its distance to the next symbol
    // (what the kernel prints): another build printed the log.
    let r = bin.resolve("build", 0x10, Some(size + 0x1000)).unwrap();
    assert!(!r.size_matches);
}

#[test]
fn unusable_files_are_named_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an ELF file\n").unwrap();
    assert!(matches!(Binary::open(&text), Err(Error::NotElf { .. })));
    let missing = dir.path().join("missing");
    let e = Binary::open(&missing).err().expect("missing file");
    assert!(e.to_string().contains("missing"), "{e}");
    if let Some(nodebug) = compile(dir.path(), "nodebug", &["-O2"]) {
        assert!(matches!(
            Binary::open(&nodebug),
            Err(Error::NoDebugInfo { .. })
        ));
    }
    if let Some(stripped) = compile(dir.path(), "stripped", &["-O2", "-s"]) {
        assert!(matches!(
            Binary::open(&stripped),
            Err(Error::NoSymbols { .. })
        ));
    }
    // A compressed `.debug_line` whose header claims 12 GB (found by the `symbolize` fuzz
    // target in a gcc build of fixtures/prog.c): only what the stream holds is allocated.
    let hostile = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile/oom-65a35507b0426334f6fe94a2c710c4bc57db9717"
    );
    let _ = Binary::open(Path::new(hostile));
    // Every prefix of a real executable is an error or a binary, never a panic.
    if let Some(exe) = compile(dir.path(), "cut", &["-g", "-O2"]) {
        let data = std::fs::read(&exe).unwrap();
        for len in (0..data.len()).step_by(997) {
            let _ = Binary::from_bytes("cut", data[..len].to_vec());
        }
    }
}

/// The lab's Debian vmlinux (`../shared/lab` with `LAB_DBG=1`: `cache/amd64/vmlinux`, kernel
/// 6.1.0-57) against binutils on the lab's real SPINLOCKUP log of that kernel
/// (`crates/ktriage/tests/fixtures/lab/SPINLOCKUP-amd64.log`): every frame outside a module
/// resolves with its printed length and equals `addr2line -fi`. Runs when
/// `KTRIAGE_LAB_VMLINUX` names the file (it is 633 MB, not in the repository);
/// `bench/symbolize.sh` does the same with timings.
#[test]
fn lab_vmlinux_frames_equal_binutils_when_present() {
    let Some(vmlinux) = std::env::var_os("KTRIAGE_LAB_VMLINUX").map(PathBuf::from) else {
        eprintln!("KTRIAGE_LAB_VMLINUX not set: skipped");
        return;
    };
    let bin = Binary::open(&vmlinux).expect("the lab vmlinux");
    let base = trace::basepath(&bin);
    assert!(
        base.is_some(),
        "kernel_init's init/main.c gives the build directory"
    );
    let log = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ktriage/tests/fixtures/lab/SPINLOCKUP-amd64.log"
    ))
    .unwrap();
    let mut checked = 0;
    for line in log.lines().filter(|l| !l.trim_end().ends_with(']')) {
        let Some(word) = line.split_whitespace().last() else {
            continue;
        };
        let Some((name, rest)) = word.rsplit_once('+') else {
            continue;
        };
        let Some((off, len)) = rest.split_once('/') else {
            continue;
        };
        let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
        let (Some(off), Some(len)) = (hex(off), hex(len)) else {
            continue;
        };
        let name = name.rsplit(':').next().unwrap_or(name);
        let r = bin.resolve(name, off, Some(len)).expect(line);
        assert!(r.size_matches, "{line}");
        let how = if off == 0 || line.contains("RIP:") {
            Lookup::Exact
        } else {
            Lookup::Return
        };
        let probe = if how == Lookup::Exact {
            r.address
        } else {
            r.address - 1
        };
        let ours: Vec<(String, u32)> = bin
            .locate(r.address, how)
            .into_iter()
            .filter_map(|l| Some((l.file?, l.line)))
            .collect();
        assert_eq!(ours, binutils(&vmlinux, probe), "{line}");
        checked += 1;
    }
    assert!(checked >= 40, "{checked} frames");
}

/// A relocatable object (`gcc -c`, standing in for a module): every sampled frame equals
/// binutils `addr2line -j SECTION` at the same section offset.
#[test]
fn a_relocatable_object_equals_binutils() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(obj) = compile(dir.path(), "prog.o", &["-g", "-O2", "-c"]) else {
        return;
    };
    let bin = Binary::open(&obj).expect("reads the object");
    // `objdump -t`: value, section and size of each function.
    let out = Command::new("objdump")
        .arg("-t")
        .arg(&obj)
        .output()
        .expect("objdump");
    let mut checked = 0;
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        if w.len() != 6 || w[2] != "F" {
            continue;
        }
        let (value, section, size, name) = (w[0], w[3], w[4], w[5]);
        let value = u64::from_str_radix(value, 16).unwrap();
        let size = u64::from_str_radix(size, 16).unwrap();
        for off in (1..size).step_by(5) {
            let r = bin.resolve(name, off, Some(size)).expect(name);
            let ours: Vec<(String, u32)> = bin
                .locate(r.address, Lookup::Return)
                .into_iter()
                .filter_map(|l| Some((l.file?, l.line)))
                .collect();
            let theirs = Command::new("addr2line")
                .args(["-i", "-j", section, "-e"])
                .arg(&obj)
                .arg(format!("{:x}", value + off - 1))
                .output()
                .expect("addr2line");
            let theirs: Vec<(String, u32)> = String::from_utf8_lossy(&theirs.stdout)
                .lines()
                .map(|l| {
                    let l = l.split(" (discriminator").next().unwrap_or(l);
                    let (f, n) = l.rsplit_once(':').unwrap_or((l, "0"));
                    (f.to_string(), n.parse().unwrap_or(0))
                })
                .filter(|(f, _)| f != "??")
                .collect();
            assert_eq!(ours, theirs, "{name}+{off:#x} in {section}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
}

/// A module frame (`func+off/len [mod]`) is located in the module found below the modules
/// directory (the gcc object standing in for `prog.ko`, also as `prog.ko.xz`); a module that
/// is not there is one problem, and its frame stays as printed.
#[test]
fn module_frames_are_located_in_their_module() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (Some(exe), Some(obj)) = (
        compile(dir.path(), "vmlinux", &["-g", "-O2"]),
        compile(dir.path(), "prog.o", &["-g", "-O2", "-c"]),
    ) else {
        return;
    };
    let modules = dir.path().join("modules/extra");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::copy(&obj, modules.join("prog.ko")).unwrap();
    let module = Binary::open(&modules.join("prog.ko")).unwrap();
    let r = module.resolve("total", 5, None).unwrap();
    let want = trace::code_text(&module.locate(r.address, Lookup::Return), None);
    assert!(want.contains("prog.c:"), "{want}");
    let mut syms = ktriage_symbolize::Symbols::new(
        Binary::open(&exe).unwrap(),
        Some(dir.path().join("modules")),
    );
    let size = r.symbol_size;
    let line = format!("[    1.000000]  total+0x5/{size:#x} [prog]");
    let out = trace::symbolize_line_with(&mut syms, &line, None).unwrap();
    assert_eq!(out, format!("[    1.000000] total ({want}) [prog]"));
    let line = format!("[    1.000000]  total+0x5/{size:#x} [absent]");
    let out = trace::symbolize_line_with(&mut syms, &line, None).unwrap();
    assert!(
        out.ends_with(&format!("total+0x5/{size:#x} [absent]")),
        "{out}"
    );
    assert_eq!(syms.problems.len(), 1, "{:?}", syms.problems);
    // Compressed as distributions ship them.
    let xz = Command::new("xz")
        .arg("-k")
        .arg(modules.join("prog.ko"))
        .status();
    if xz.is_ok_and(|s| s.success()) {
        std::fs::remove_file(modules.join("prog.ko")).unwrap();
        let mut syms = ktriage_symbolize::Symbols::new(
            Binary::open(&exe).unwrap(),
            Some(dir.path().join("modules")),
        );
        let line = format!("[    1.000000]  total+0x5/{size:#x} [prog]");
        let out = trace::symbolize_line_with(&mut syms, &line, None).unwrap();
        assert_eq!(out, format!("[    1.000000] total ({want}) [prog]"));
    }
}

/// Answers are cached per build id: a second run on the same trace gives the same lines
/// without parsing the image; a damaged cache file only costs speed.
#[test]
fn a_second_run_is_answered_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(exe) = compile(dir.path(), "vmlinux", &["-g", "-O2", "-Wl,--build-id"]) else {
        return;
    };
    let cache = dir.path().join("cache");
    let lines: Vec<String> = functions(&exe)
        .into_iter()
        .map(|(n, _, size)| format!("[    1.000000]  {n}+0x3/{size:#x}"))
        .collect();
    let run = || {
        let mut syms = ktriage_symbolize::Symbols::open(&exe, None, Some(&cache)).unwrap();
        let out: Vec<Option<String>> = lines
            .iter()
            .map(|l| trace::symbolize_line_with(&mut syms, l, None))
            .collect();
        syms.save();
        (out, syms.parsed())
    };
    let (first, parsed_first) = run();
    assert!(parsed_first);
    assert!(first.iter().flatten().any(|l| l.contains("prog.c:")));
    let (second, parsed_second) = run();
    assert_eq!(first, second);
    assert!(!parsed_second, "the cache answered every lookup");
    // A damaged cache file: ignored line by line, answers recomputed.
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        std::fs::write(e.path(), "garbage\nmore\tgarbage\n").unwrap();
    }
    let (third, _) = run();
    assert_eq!(first, third);
}
