//! One vocabulary of kernel function names: what a frame's function says about the trace.
//!
//! Every list of frame names the parser and the rules use lives here, each row tagged with
//! what the name means ([`FrameRole`]) and how it matches (exactly, or as a prefix so that
//! `.isra.0` / `_cond` variants count).

/// What a function name in a call trace tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameRole {
    /// Entry of a hard interrupt.
    IrqEntry,
    /// Runs softirqs.
    SoftirqRunner,
    /// Exception entry (fault, trap).
    ExceptionEntry,
    /// Never names the guilty function (printing, die, entry, watchdog plumbing).
    NeverGuilty,
    /// Interrupt, watchdog and stack-dump machinery (skipped when looking for where a CPU
    /// waited).
    Machinery,
    /// Sends an IPI and waits for the CSD lock.
    CsdWaiter,
    /// A spin helper a waiting CPU is caught in.
    SpinHelper,
    /// A spinlock primitive: the guilty function is its caller.
    LockPrimitive,
    /// Only an arm64 kernel has it (exception vectors, syscall entry).
    Arm64Only,
    /// Only an x86-64 kernel has it.
    X86_64Only,
    /// Only a 32-bit x86 kernel has it.
    I386Only,
    /// Only a 32-bit Arm kernel has it.
    ArmOnly,
    /// Only a powerpc kernel has it.
    Ppc64Only,
    /// Waits for an RCU grace period to end (a task blocked here waits for every CPU to pass
    /// a quiescent state).
    RcuGpWaiter,
    /// Stops the CPU for panic, kexec or reboot (the dump shows where the stop found it).
    CpuStop,
}

impl FrameRole {
    const COUNT: usize = 15;
}

/// How a vocabulary row matches a function name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The whole name.
    Exact,
    /// The start of the name.
    Prefix,
}

/// One row of the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct FrameWord {
    /// The name, or its start.
    pub name: &'static str,
    /// How it matches.
    pub matching: Match,
    /// What it means.
    pub role: FrameRole,
}

impl FrameWord {
    const fn new(name: &'static str, matching: Match, role: FrameRole) -> FrameWord {
        FrameWord {
            name,
            matching,
            role,
        }
    }

    /// True when `function` is this row's name (or starts with it, for prefixes).
    pub fn matches(&self, function: &str) -> bool {
        match self.matching {
            Match::Exact => function == self.name,
            Match::Prefix => function.starts_with(self.name),
        }
    }
}

/// The vocabulary.
pub static FRAME_WORDS: &[FrameWord] = &[
    // Entry of a hard interrupt: frames up to it ran in the interrupt.
    FrameWord::new("el1_irq", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("el0_irq", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("el1h_64_irq", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("el1h_64_irq_handler", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("el0t_64_irq", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("el0t_64_irq_handler", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("__irq_svc", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("__irq_usr", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("call_on_irq_stack", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("ret_from_intr", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("common_interrupt", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("asm_common_interrupt", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new("apic_timer_interrupt", Match::Exact, FrameRole::IrqEntry),
    FrameWord::new(
        "asm_sysvec_apic_timer_interrupt",
        Match::Exact,
        FrameRole::IrqEntry,
    ),
    FrameWord::new(
        "asm_sysvec_call_function_single",
        Match::Exact,
        FrameRole::IrqEntry,
    ),
    FrameWord::new("irq_exit_rcu", Match::Exact, FrameRole::IrqEntry),
    // Runners of softirqs: frames up to them ran in softirq context.
    FrameWord::new("__do_softirq", Match::Exact, FrameRole::SoftirqRunner),
    FrameWord::new("do_softirq", Match::Exact, FrameRole::SoftirqRunner),
    FrameWord::new(
        "__softirqentry_text_start",
        Match::Exact,
        FrameRole::SoftirqRunner,
    ),
    FrameWord::new("handle_softirqs", Match::Exact, FrameRole::SoftirqRunner),
    // Exception entries (faults, traps); EL0 syscall entries are not: a system call runs in task context.
    FrameWord::new("el1_sync", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("el1h_64_sync", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new(
        "el1h_64_sync_handler",
        Match::Exact,
        FrameRole::ExceptionEntry,
    ),
    FrameWord::new("el1_abort", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("el1_da", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("el1_ia", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("el0_da", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("el0_ia", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("__dabt_svc", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new("__dabt_usr", Match::Exact, FrameRole::ExceptionEntry),
    FrameWord::new(
        "asm_exc_page_fault",
        Match::Exact,
        FrameRole::ExceptionEntry,
    ),
    FrameWord::new(
        "asm_exc_invalid_op",
        Match::Exact,
        FrameRole::ExceptionEntry,
    ),
    FrameWord::new(
        "asm_exc_general_protection",
        Match::Exact,
        FrameRole::ExceptionEntry,
    ),
    FrameWord::new("page_fault", Match::Exact, FrameRole::ExceptionEntry),
    // Printing, die, fault-handling, interrupt and watchdog plumbing: never the guilty function of a title.
    FrameWord::new("dump_stack", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("dump_stack_lvl", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("show_stack", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("dump_backtrace", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("sched_show_task", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("dump_cpu_task", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("rcu_dump_cpu_stacks", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("print_cpu_stall", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("panic", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("printk", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("vprintk", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("__warn", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("warn_slowpath_fmt", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("report_bug", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("die", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("oops_end", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("no_context", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("__do_kernel_fault", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("do_page_fault", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("do_translation_fault", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("do_mem_abort", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1_abort", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1_da", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1_sync", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1h_64_sync", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1h_64_sync_handler", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("el1h_64_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("gic_handle_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("watchdog_timer_fn", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("__hrtimer_run_queues", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("hrtimer_interrupt", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new(
        "arch_timer_handler_phys",
        Match::Exact,
        FrameRole::NeverGuilty,
    ),
    FrameWord::new(
        "handle_percpu_devid_irq",
        Match::Exact,
        FrameRole::NeverGuilty,
    ),
    FrameWord::new("generic_handle_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("__handle_domain_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("update_process_times", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("tick_sched_handle", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("tick_sched_timer", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("rcu_sched_clock_irq", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("asm_exc_page_fault", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("exc_page_fault", Match::Exact, FrameRole::NeverGuilty),
    FrameWord::new("page_fault", Match::Exact, FrameRole::NeverGuilty),
    // Functions only one architecture has: a trace without registers still tells it.
    FrameWord::new("el1", Match::Prefix, FrameRole::Arm64Only),
    FrameWord::new("el0", Match::Prefix, FrameRole::Arm64Only),
    FrameWord::new("gic_handle_irq", Match::Exact, FrameRole::Arm64Only),
    FrameWord::new("invoke_syscall", Match::Exact, FrameRole::Arm64Only),
    FrameWord::new("entry_SYSCALL_64", Match::Prefix, FrameRole::X86_64Only),
    FrameWord::new("asm_sysvec", Match::Prefix, FrameRole::X86_64Only),
    FrameWord::new("__x64_", Match::Prefix, FrameRole::X86_64Only),
    FrameWord::new("do_syscall_64", Match::Exact, FrameRole::X86_64Only),
    FrameWord::new("system_call_fastpath", Match::Exact, FrameRole::X86_64Only),
    FrameWord::new("secondary_startup_64", Match::Prefix, FrameRole::X86_64Only),
    FrameWord::new("x86_64_start_", Match::Prefix, FrameRole::X86_64Only),
    FrameWord::new("sysenter_do_call", Match::Exact, FrameRole::I386Only),
    FrameWord::new("sysenter_past_esp", Match::Exact, FrameRole::I386Only),
    FrameWord::new("entry_SYSENTER_32", Match::Exact, FrameRole::I386Only),
    FrameWord::new("entry_INT80_32", Match::Exact, FrameRole::I386Only),
    FrameWord::new("__irq_svc", Match::Prefix, FrameRole::ArmOnly),
    FrameWord::new("ret_fast_syscall", Match::Prefix, FrameRole::ArmOnly),
    FrameWord::new("vector_swi", Match::Exact, FrameRole::ArmOnly),
    FrameWord::new(
        "restore_check_irq_replay",
        Match::Exact,
        FrameRole::Ppc64Only,
    ),
    FrameWord::new("__timer_interrupt", Match::Exact, FrameRole::Ppc64Only),
    FrameWord::new("system_call_common", Match::Exact, FrameRole::Ppc64Only),
    FrameWord::new("system_call_exception", Match::Exact, FrameRole::Ppc64Only),
    FrameWord::new("ret_from_except", Match::Prefix, FrameRole::Ppc64Only),
    FrameWord::new("interrupt_return", Match::Prefix, FrameRole::Ppc64Only),
    FrameWord::new("decrementer_common", Match::Prefix, FrameRole::Ppc64Only),
    FrameWord::new(
        "hardware_interrupt_common",
        Match::Prefix,
        FrameRole::Ppc64Only,
    ),
    // Spinlock primitives.
    FrameWord::new("_raw_spin", Match::Prefix, FrameRole::LockPrimitive),
    FrameWord::new("do_raw_spin_lock", Match::Exact, FrameRole::LockPrimitive),
    FrameWord::new(
        "native_queued_spin_lock_slowpath",
        Match::Prefix,
        FrameRole::LockPrimitive,
    ),
    FrameWord::new(
        "queued_spin_lock_slowpath",
        Match::Prefix,
        FrameRole::LockPrimitive,
    ),
    FrameWord::new(
        "__pv_queued_spin_lock_slowpath",
        Match::Prefix,
        FrameRole::LockPrimitive,
    ),
    // Interrupt, watchdog and stack-dump machinery: not the code that was stuck.
    FrameWord::new("dump_backtrace", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("show_stack", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("show_regs", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("sched_show_task", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("dump_cpu_task", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("rcu_dump_cpu_stacks", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("print_cpu_stall", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("print_other_cpu_stall", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("rcu_sched_clock_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("rcu_check_callbacks", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("rcu_pending", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("update_process_times", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("tick_sched", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("tick_handle", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("tick_do", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("__hrtimer_run_queues", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("hrtimer_interrupt", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("arch_timer_handler", Match::Prefix, FrameRole::Machinery),
    FrameWord::new(
        "handle_percpu_devid_irq",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new("generic_handle_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new(
        "generic_handle_domain_irq",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new("__handle_domain_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("handle_domain_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("gic_handle_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("el1_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("el1h_64_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("el1_interrupt", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("call_on_irq_stack", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("do_interrupt_handler", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("irq_exit", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("__irq_exit_rcu", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("apic_timer_interrupt", Match::Prefix, FrameRole::Machinery),
    FrameWord::new(
        "smp_apic_timer_interrupt",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new(
        "sysvec_apic_timer_interrupt",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new(
        "asm_sysvec_apic_timer_interrupt",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new(
        "__sysvec_apic_timer_interrupt",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new(
        "local_apic_timer_interrupt",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new("watchdog_timer_fn", Match::Prefix, FrameRole::Machinery),
    FrameWord::new(
        "watchdog_overflow_callback",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new("nmi_cpu_backtrace", Match::Prefix, FrameRole::Machinery),
    FrameWord::new(
        "nmi_trigger_cpumask_backtrace",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new(
        "arch_trigger_cpumask_backtrace",
        Match::Prefix,
        FrameRole::Machinery,
    ),
    FrameWord::new("dump_stack", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("__dump_stack", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("lockup_detector", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("ret_from_intr", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("irq_return", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("handle_irq", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("do_IRQ", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("common_interrupt", Match::Prefix, FrameRole::Machinery),
    FrameWord::new("asm_common_interrupt", Match::Prefix, FrameRole::Machinery),
    // Functions that send an IPI and spin until the target CPUs ran the callback (CSD lock).
    FrameWord::new(
        "smp_call_function_many",
        Match::Prefix,
        FrameRole::CsdWaiter,
    ),
    FrameWord::new(
        "smp_call_function_single",
        Match::Prefix,
        FrameRole::CsdWaiter,
    ),
    FrameWord::new("smp_call_function", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("on_each_cpu", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("kick_all_cpus_sync", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("flush_tlb_", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new(
        "native_flush_tlb_multi",
        Match::Prefix,
        FrameRole::CsdWaiter,
    ),
    FrameWord::new(
        "native_flush_tlb_others",
        Match::Prefix,
        FrameRole::CsdWaiter,
    ),
    FrameWord::new("csd_lock_wait", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("csd_lock", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("generic_exec_single", Match::Prefix, FrameRole::CsdWaiter),
    FrameWord::new("smp_call_function_any", Match::Prefix, FrameRole::CsdWaiter),
    // Spin helpers a CPU may be caught in while it waits for a CSD lock.
    FrameWord::new("cpu_relax", Match::Prefix, FrameRole::SpinHelper),
    FrameWord::new("__cmpwait", Match::Prefix, FrameRole::SpinHelper),
    FrameWord::new("smp_cond_load", Match::Prefix, FrameRole::SpinHelper),
    FrameWord::new("delay_tsc", Match::Prefix, FrameRole::SpinHelper),
    FrameWord::new("native_safe_halt", Match::Prefix, FrameRole::SpinHelper),
    FrameWord::new("rep_nop", Match::Prefix, FrameRole::SpinHelper),
    // Waits for an RCU grace period (not SRCU, whose grace periods are per domain).
    FrameWord::new("synchronize_rcu", Match::Prefix, FrameRole::RcuGpWaiter),
    FrameWord::new("synchronize_sched", Match::Prefix, FrameRole::RcuGpWaiter),
    FrameWord::new("synchronize_net", Match::Exact, FrameRole::RcuGpWaiter),
    FrameWord::new("wait_rcu_gp", Match::Exact, FrameRole::RcuGpWaiter),
    FrameWord::new("__wait_rcu_gp", Match::Exact, FrameRole::RcuGpWaiter),
    FrameWord::new("wait_rcu_exp_gp", Match::Exact, FrameRole::RcuGpWaiter),
    FrameWord::new("rcu_barrier", Match::Exact, FrameRole::RcuGpWaiter),
    // The stop IPI/NMI of panic(), kexec and reboot (arm64 `CPU4: stopping`, x86).
    FrameWord::new("ipi_cpu_stop", Match::Exact, FrameRole::CpuStop),
    FrameWord::new("ipi_cpu_crash_stop", Match::Exact, FrameRole::CpuStop),
    FrameWord::new("local_cpu_stop", Match::Exact, FrameRole::CpuStop),
    FrameWord::new("stop_this_cpu", Match::Exact, FrameRole::CpuStop),
    FrameWord::new("smp_stop_nmi_callback", Match::Exact, FrameRole::CpuStop),
    FrameWord::new("crash_nmi_callback", Match::Exact, FrameRole::CpuStop),
];

/// The rows of each role, so a look-up scans only its own role.
static BY_ROLE: std::sync::LazyLock<[Vec<FrameWord>; FrameRole::COUNT]> =
    std::sync::LazyLock::new(|| {
        let mut by: [Vec<FrameWord>; FrameRole::COUNT] = Default::default();
        for w in FRAME_WORDS {
            by[w.role as usize].push(*w);
        }
        by
    });

/// True when `function` has `role` in the vocabulary.
pub fn frame_is(function: &str, role: FrameRole) -> bool {
    BY_ROLE[role as usize].iter().any(|w| w.matches(function))
}

/// The names of one role, in table order (for tests and documentation).
pub fn names(role: FrameRole) -> impl Iterator<Item = &'static str> {
    FRAME_WORDS
        .iter()
        .filter(move |w| w.role == role)
        .map(|w| w.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_match_as_their_rows_say() {
        assert!(frame_is("el1_irq", FrameRole::IrqEntry));
        assert!(!frame_is("el1_irq_handler_x", FrameRole::IrqEntry), "exact");
        assert!(frame_is(
            "smp_call_function_many_cond",
            FrameRole::CsdWaiter
        ));
        assert!(frame_is("flush_tlb_mm_range", FrameRole::CsdWaiter));
        assert!(!frame_is("kcompactd", FrameRole::CsdWaiter));
        assert!(frame_is("_raw_spin_lock_irqsave", FrameRole::LockPrimitive));
        assert!(!frame_is("_raw_spin_lock_irqsave", FrameRole::NeverGuilty));
        assert!(frame_is("dump_stack_lvl", FrameRole::NeverGuilty));
        assert!(frame_is("__do_softirq", FrameRole::SoftirqRunner));
        assert!(names(FrameRole::SpinHelper).any(|n| n == "cpu_relax"));
        assert!(frame_is(
            "synchronize_rcu_expedited",
            FrameRole::RcuGpWaiter
        ));
        assert!(!frame_is("synchronize_srcu", FrameRole::RcuGpWaiter));
    }
}
