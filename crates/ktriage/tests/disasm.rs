//! The trapping instruction of every x86-64 kernel-mode report in syzkaller's report tests
//! (crates/ktriage-syz/tests/fixtures/syzkaller, Apache-2.0) decoded in process, checked
//! against binutils objdump on the same bytes; and the trapping memory operand's address
//! (registers from the dump) against the fault address the kernel printed.

use ktriage::analyze::{analyze_bytes, Options};
use std::path::Path;

/// objdump's first instruction of `bytes` (64-bit): (length, mnemonic), None when objdump is
/// not there or prints nothing.
fn objdump_first(bytes: &[u8], scratch: &Path) -> Option<(usize, String)> {
    std::fs::write(scratch, bytes).ok()?;
    let out = std::process::Command::new("objdump")
        .args(["-D", "-b", "binary", "-m", "i386:x86-64", "-w"])
        .arg(scratch)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("0:"))?
        .to_string();
    let cols: Vec<&str> = line.split('\t').collect();
    let len = cols.get(1)?.split_whitespace().count();
    let mnemonic = cols.get(2)?.split_whitespace().next()?.to_string();
    Some((len, mnemonic))
}

#[test]
fn trapping_instructions_equal_objdump_and_operands_name_the_fault_address() {
    if std::process::Command::new("objdump")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("objdump not found: skipped");
        return;
    }
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ktriage-syz/tests/fixtures/syzkaller"
    ));
    let scratch = std::env::temp_dir().join(format!("ktriage-disasm-{}.bin", std::process::id()));
    let (mut with_code, mut decoded, mut equal) = (0usize, 0usize, 0usize);
    let (mut with_address, mut address_equal) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let a = analyze_bytes("t", &std::fs::read(&p).unwrap(), Options::default());
        for r in &a.reports {
            let Some(code) = &r.code else { continue };
            if r.arch != Some(ktriage::model::Arch::X86_64)
                || r.registers.is_empty()
                || code.fault_index.is_none()
                || code.unit != 1
                // A user-space RIP (syscall registers) is not decoded.
                || r.ip.as_ref().is_none_or(|ip| ip.function.starts_with("0x"))
            {
                continue;
            }
            with_code += 1;
            let Some(t) = code.instructions.iter().find(|i| i.trapping) else {
                misses.push(format!("{}: not decoded", p.display()));
                continue;
            };
            decoded += 1;
            let bytes: Vec<u8> = code
                .bytes
                .split(' ')
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            let at = code.fault_index.unwrap();
            let Some((len, mnemonic)) = objdump_first(&bytes[at..], &scratch) else {
                continue;
            };
            let ours = t.text.split_whitespace().next().unwrap_or("");
            if len == t.bytes.split(' ').count() && mnemonic == ours {
                equal += 1;
            } else {
                misses.push(format!(
                    "{}: ours {} ({}), objdump {mnemonic} ({len} bytes)",
                    p.display(),
                    t.text,
                    t.bytes
                ));
            }
            // A NULL dereference: the operand's address is the fault address.
            let fault = r
                .fault_address
                .as_deref()
                .and_then(|f| u64::from_str_radix(f.trim_start_matches("0x"), 16).ok());
            if let (Some(f), Some(acc)) = (fault, &code.access) {
                if acc.address.is_some() {
                    with_address += 1;
                    if acc.matches_fault == Some(true) {
                        address_equal += 1;
                    } else {
                        misses.push(format!(
                            "{}: fault at {f:#x}, operand {:?}",
                            p.display(),
                            acc
                        ));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_file(&scratch);
    eprintln!(
        "{with_code} x86-64 reports with Code: and registers; {decoded} decoded; {equal} \
         equal objdump; operand address = fault address: {address_equal}/{with_address}"
    );
    for m in &misses {
        eprintln!("{m}");
    }
    assert!(with_code > 100, "{with_code}");
    // Every one decodes; objdump versions name a few mnemonics differently.
    assert_eq!(decoded, with_code);
    assert!(equal * 100 >= with_code * 98, "{equal}/{with_code}");
    // Every trapping operand whose registers are all printed lands on the fault address.
    assert!(with_address > 20, "{with_address}");
    assert_eq!(address_equal, with_address);
}

/// The lab's amd64 ACCESS_NULL oops (tests/fixtures/lab/ACCESS_NULL-amd64.log, Debian
/// 6.1.0-56 under QEMU, lkdtm): the trapping `mov 0x0,%rbx` reads address 0, the fault address
/// `BUG: kernel NULL pointer dereference, address: 0000000000000000` prints, and the summary
/// says so.
#[test]
fn lab_null_dereference_reads_the_fault_address() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lab/ACCESS_NULL-amd64.log"
    );
    let a = analyze_bytes(path, &std::fs::read(path).unwrap(), Options::default());
    let r = &a.reports[0];
    let code = r.code.as_ref().unwrap();
    let t = code.instructions.iter().find(|i| i.trapping).unwrap();
    assert_eq!((t.text.as_str(), t.offset), ("mov 0x0,%rbx", 0));
    let acc = code.access.as_ref().unwrap();
    assert_eq!(acc.kind, ktriage::model::AccessKind::Read);
    assert_eq!(
        (acc.address.as_deref(), acc.matches_fault),
        (Some("0x0"), Some(true))
    );
    let text = ktriage::render::text(&a);
    assert!(
        text.contains("trapping instruction mov 0x0,%rbx: reads 0x0, the fault address"),
        "{text}"
    );
}

/// The lab's amd64 SOFTLOCKUP (tests/fixtures/lab/SOFTLOCKUP-amd64.log, Debian 6.1.0-56
/// under QEMU, lkdtm): each report prints the kernel's `RIP: 0010:lkdtm_SOFTLOCKUP+0xe/0x10`
/// with its `Code:`, then after the trace the user-mode `RIP: 0033:0x47b7a0` with another.
/// The trapping instruction is the kernel's `eb fc`, a jump two bytes back to the `pause`
/// before it: the loop the CPU is stuck in, named from the function.
#[test]
fn lab_soft_lockup_decodes_the_kernel_code_not_the_user_one() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lab/SOFTLOCKUP-amd64.log"
    );
    let a = analyze_bytes(path, &std::fs::read(path).unwrap(), Options::default());
    let stuck: Vec<_> = a
        .reports
        .iter()
        .filter(|r| {
            r.ip.as_ref()
                .is_some_and(|ip| ip.function == "lkdtm_SOFTLOCKUP")
        })
        .collect();
    assert!(stuck.len() >= 3, "{}", stuck.len());
    for r in stuck {
        let code = r.code.as_ref().unwrap();
        let i = code.instructions.iter().position(|i| i.trapping).unwrap();
        let (before, trap) = (&code.instructions[i - 1], &code.instructions[i]);
        assert_eq!(
            (trap.bytes.as_str(), trap.text.as_str()),
            ("eb fc", "jmp lkdtm_SOFTLOCKUP+0xc")
        );
        assert_eq!((before.offset, before.text.as_str()), (-2, "pause"));
        assert!(code.access.is_none());
    }
}

/// binutils objdump's mnemonic of each little-endian word (`aarch64-linux-gnu-objdump -m
/// aarch64`, `arm-linux-gnueabi-objdump -m arm`), None when it is not installed.
fn objdump_words(tool: &str, machine: &str, words: &[u32], scratch: &Path) -> Option<Vec<String>> {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(scratch, bytes).ok()?;
    let out = std::process::Command::new(tool)
        .args(["-D", "-b", "binary", "-m", machine])
        .arg(scratch)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let m: Vec<String> = text
        .lines()
        .filter(|l| {
            l.contains('\t')
                && l.trim_start().split(':').next().is_some_and(|a| {
                    !a.is_empty() && a.trim().bytes().all(|c| c.is_ascii_hexdigit())
                })
        })
        .filter_map(|l| l.split('\t').nth(2))
        .map(|t| t.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    (m.len() == words.len()).then_some(m)
}

/// Two spellings of one instruction: `stm` is `stmia`, an ARM `mov` with a shifted register
/// is `lsl`/`lsr`/`asr`/`ror`, an arm64 `sys` is the `dc`/`ic`/`at`/`tlbi` it encodes.
fn alias(ours: &str, objdump: &str) -> bool {
    let strip = |m: &str| m.replace("ia", "");
    (ours.starts_with("stm") || ours.starts_with("ldm")) && strip(ours) == strip(objdump)
        || ours.starts_with("mov")
            && ["lsl", "lsr", "asr", "ror"]
                .iter()
                .any(|s| objdump.starts_with(s))
        || ours == "sys" && ["dc", "ic", "at", "tlbi"].contains(&objdump)
}

/// Every arm64 and 32-bit ARM report with `Code:` words among the lab's oopses
/// (tests/fixtures/lab/*-arm64.log, Debian 6.1 under QEMU, lkdtm) and syzkaller's report tests
/// (Apache-2.0): each word decodes to binutils objdump's mnemonic; where the trapping
/// instruction's registers are printed and the log gives a fault address, the operand's
/// address is that address; and an arm64 ESR's WnR agrees with the load or store.
#[test]
fn arm_code_equals_objdump_and_operands_name_the_fault_address() {
    use ktriage::model::Arch;
    let lab = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lab"));
    let syz = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ktriage-syz/tests/fixtures/syzkaller"
    ));
    let scratch =
        std::env::temp_dir().join(format!("ktriage-disasm-arm-{}.bin", std::process::id()));
    let tool = |arch: Arch| match arch {
        Arch::Arm64 => ("aarch64-linux-gnu-objdump", "aarch64"),
        _ => ("arm-linux-gnueabi-objdump", "arm"),
    };
    let have = |t: &str| {
        std::process::Command::new(t)
            .arg("--version")
            .output()
            .is_ok()
    };
    let mut paths: Vec<_> = std::fs::read_dir(lab)
        .unwrap()
        .chain(std::fs::read_dir(syz).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".json"))
        .collect();
    paths.sort();
    let mut reports = [0usize; 2];
    let (mut words, mut equal, mut with_address, mut address_equal, mut esr_checked) =
        (0, 0, 0, 0, 0);
    let mut aliases = 0;
    for p in &paths {
        let a = analyze_bytes("t", &std::fs::read(p).unwrap(), Options::default());
        for r in &a.reports {
            let Some(code) = &r.code else { continue };
            let Some(arch @ (Arch::Arm64 | Arch::Arm)) = r.arch else {
                continue;
            };
            if code.fault_index.is_none()
                || code.unit != 4
                || r.ip.as_ref().is_none_or(|ip| ip.function.starts_with("0x"))
            {
                continue;
            }
            reports[usize::from(arch == Arch::Arm)] += 1;
            assert!(
                code.instructions.iter().any(|i| i.trapping),
                "{}: not decoded",
                p.display()
            );
            let ws: Vec<u32> = code
                .bytes
                .split(' ')
                .map(|h| u32::from_str_radix(h, 16).unwrap())
                .collect();
            let (t, machine) = tool(arch);
            if have(t) {
                let theirs = objdump_words(t, machine, &ws, &scratch).expect("objdump output");
                for (i, m) in code.instructions.iter().zip(&theirs) {
                    words += 1;
                    let ours = i.text.split_whitespace().next().unwrap_or("");
                    if ours == m {
                        equal += 1;
                    } else if alias(ours, m) {
                        equal += 1;
                        aliases += 1;
                        eprintln!("{}: alias: ours {} objdump {m}", p.display(), i.text);
                    } else {
                        eprintln!("{}: ours {} objdump {m}", p.display(), i.text);
                    }
                }
            } else {
                eprintln!("{t} not found: objdump comparison skipped");
            }
            if let (Some(_), Some(acc)) = (&r.fault_address, &code.access) {
                if acc.address.is_some() {
                    with_address += 1;
                    if acc.matches_fault == Some(true) {
                        address_equal += 1;
                    } else {
                        eprintln!(
                            "{}: fault {:?} operand {acc:?}",
                            p.display(),
                            r.fault_address
                        );
                    }
                }
                if let Some(agrees) = acc.esr_agrees {
                    esr_checked += 1;
                    assert!(agrees, "{}: ESR disagrees with {acc:?}", p.display());
                }
            }
        }
    }
    let _ = std::fs::remove_file(&scratch);
    eprintln!(
        "{} arm64 and {} arm reports with Code:; {equal}/{words} words equal objdump ({aliases} \
         as an alias); operand address = fault address {address_equal}/{with_address}; ESR \
         checked {esr_checked}",
        reports[0], reports[1]
    );
    assert!(reports[0] >= 10 && reports[1] >= 2, "{reports:?}");
    // yaxpeax-arm does not know `pldw` (ARMv7 MP extensions): one word of 85.
    assert!(equal * 100 >= words * 98, "{equal}/{words}");
    assert!(with_address >= 3, "{with_address}");
    assert_eq!(address_equal, with_address);
    assert!(esr_checked >= 2, "{esr_checked}");
}
