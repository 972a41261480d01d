//! What the rules know: meanings of report kinds, panic reasons, tunables. Data, not code.

use super::{util, Claim, Node};
use crate::model::frames::{frame_is, FrameRole};
use crate::model::*;

/// Severity of a generic finding for a report.
fn generic_severity(r: &Report) -> Severity {
    r.severity
}

/// A generic claim for a report no rule explains.
pub fn generic_claim(r: &Report, idx: usize) -> Claim {
    let mut msg = format!("{} at {}", r.display_title, util::at_report(r));
    if r.cpu.is_some() || r.comm.is_some() {
        msg.push_str(&format!(" on {}", util::who(r)));
    }
    if let Some(ip) = util::where_ip(r) {
        if !r.display_title.contains(&ip) {
            msg.push_str(&format!(", at {ip}"));
        }
    }
    msg.push_str(": ");
    msg.push_str(r.kind.info().meaning);
    msg.push('.');
    let mut c = Claim::new("kernel-report", generic_severity(r), msg);
    c.finding.evidence.push(util::ev_report(r));
    if let Some(advice) = r.kind.info().advice {
        c.finding.advice.push(advice.to_string());
    }
    c.members.push(Node::Report(idx));
    c.root = Some((idx, 10));
    // A fragment is named by where the CPU was caught; a report by its title and task.
    let caught_at = (r.kind.class() == KindClass::Fragment)
        .then(|| util::where_ip(r))
        .flatten();
    c.summary = Some(match (caught_at, &r.comm, r.cpu) {
        (Some(ip), _, _) => format!(
            "{} caught in {ip} (register dump whose trigger line is missing)",
            util::who(r)
        ),
        (None, Some(comm), Some(cpu)) => format!("{} (CPU {cpu}, {comm})", r.display_title),
        (None, _, _) => r.display_title.clone(),
    });
    c.weight = 1;
    c.confidence = 0.3;
    c
}

/// Why a kernel panics after an oops, by the panic's reason text (`Kernel panic - not syncing: X`).
pub const PANIC_REASONS: &[(&str, &str)] = &[
    ("Fatal exception in interrupt", "the oops happened in interrupt context, where the kernel cannot kill a task and carry on, so it panics"),
    ("Attempted to kill init", "the oops killed PID 1 (init, or the boot thread running initcalls as swapper/0 PID 1); the kernel cannot run without init"),
    ("Attempted to kill the idle task", "the oops hit the idle task, which cannot be killed"),
    ("Fatal exception", "kernel.panic_on_oops=1 (or oops=panic) turns every oops into a panic"),
    ("softlockup: hung tasks", "kernel.softlockup_panic=1 turned the soft lockup into a panic"),
    ("hung_task: blocked tasks", "kernel.hung_task_panic=1 turned the hung task into a panic"),
    ("Hard LOCKUP", "kernel.hardlockup_panic=1 (nmi_watchdog=panic) turned the hard lockup into a panic"),
    ("RCU Stall", "kernel.panic_on_rcu_stall=1 turned the RCU stall into a panic"),
    ("panic_on_warn", "kernel.panic_on_warn=1 turned the warning into a panic"),
    ("Out of memory", "the OOM killer found nothing to kill (or vm.panic_on_oom=1)"),
    ("System is deadlocked on memory", "the OOM killer found nothing to kill"),
    ("MCE", "a fatal machine check: the hardware reported an uncorrectable error"),
    ("Machine check", "a fatal machine check: the hardware reported an uncorrectable error"),
];

/// Explanation of a panic reason, when known.
pub fn panic_reason(reason: &str) -> Option<&'static str> {
    PANIC_REASONS
        .iter()
        .find(|(k, _)| reason.contains(k))
        .map(|(_, v)| *v)
}

/// True for a frame of the interrupt/watchdog machinery.
pub fn is_machinery(f: &str) -> bool {
    frame_is(f, FrameRole::Machinery)
}

/// True when a function sends an IPI and waits for the CSD lock (prefix match, `.isra`
/// suffixes ignored).
pub fn is_csd_waiter(f: &str) -> bool {
    frame_is(f, FrameRole::CsdWaiter)
}

/// True when a function is a spin helper a CPU waiting for a CSD lock is caught in.
pub fn is_spin_helper(f: &str) -> bool {
    frame_is(f, FrameRole::SpinHelper)
}

/// Usable x86 device-interrupt vectors per CPU on a current kernel: 202.
///
/// From arch/x86/include/asm/irq_vectors.h (v4.15 and later):
/// * 256 IDT vectors; 0x00-0x1f (32) are CPU exceptions, `FIRST_EXTERNAL_VECTOR` = 0x20;
/// * `FIRST_SYSTEM_VECTOR` = `LOCAL_TIMER_VECTOR` = 0xec: 0xec-0xff (20) are system vectors
///   (timer, IPIs, error, spurious...), leaving 0x20-0xeb = 204 for devices;
/// * `IA32_SYSCALL_VECTOR` 0x80 (int 0x80) is reserved as a system vector: 203;
/// * arch/x86/kernel/apic/vector.c reserves the legacy PIC cascade vector
///   `ISA_IRQ_VECTOR(PIC_CASCADE_IR)` (0x32) when legacy IRQs exist: 202.
///
/// Kernels 6.10+ built with `CONFIG_X86_POSTED_MSI` move `FIRST_SYSTEM_VECTOR` to
/// `POSTED_MSI_NOTIFICATION_VECTOR` 0xeb (one fewer); kernels before 4.15 also kept
/// `IRQ_MOVE_CLEANUP_VECTOR` (0x20) and the ISA range differently. Treat it as "about 200".
pub const X86_VECTORS_PER_CPU_USABLE: usize = 0xec - 0x20 - 1 - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_panic_reasons() {
        assert!(panic_reason("Attempted to kill init! exitcode=0x00000009")
            .unwrap()
            .contains("PID 1"));
        assert!(panic_reason("Fatal exception in interrupt")
            .unwrap()
            .contains("interrupt"));
        assert!(panic_reason("Fatal exception")
            .unwrap()
            .contains("panic_on_oops"));
        assert_eq!(panic_reason("something else"), None);
    }

    #[test]
    fn csd_waiters_and_machinery() {
        assert!(is_csd_waiter("smp_call_function_many_cond"));
        assert!(is_csd_waiter("flush_tlb_mm_range"));
        assert!(is_csd_waiter("on_each_cpu_cond_mask"));
        assert!(!is_csd_waiter("kcompactd"));
        assert!(is_machinery("el1_irq"));
        assert!(!is_machinery("smp_call_function_many_cond"));
    }
}
