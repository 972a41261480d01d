//! Rule tables for syzkaller-style Linux crash signatures.
//!
//! Everything in this module is data: the engine (`engine.rs`) interprets it. The tables follow
//! the specification in `syzkaller-report-spec.md` section by section (§ numbers refer to it).
//!
//! Regex conventions (see `regexes.rs`): every pattern is compiled as a byte regex with Unicode
//! off, `\<`/`\>` are literal angle brackets and `\s` is Go's `[\t\n\f\r ]`. Patterns may use the
//! macros of [`MACROS`] (`{{NAME}}`), expanded textually before compiling.
//!
//! Templates use `%N` (or `%[N]v` / `%[N]s`) for the N-th argument, 1-based: first the capture
//! groups of the format's report regex (or title regex when there is no report regex), then one
//! frame per stack group.

// ---------------------------------------------------------------------------------------------
// §1 Macros and shared patterns
// ---------------------------------------------------------------------------------------------

/// Textual macros usable in any pattern as `{{NAME}}` (expanded recursively).
pub(crate) const MACROS: &[(&str, &str)] = &[
    ("ADDR", r"0x[0-9a-f]+"),
    ("PC", r"\[\<?(?:0x)?[0-9a-f]+\>?\]"),
    ("FUNC", r"([a-zA-Z0-9_]+)(?:\.|\+)"),
    ("SRC", r"([a-zA-Z0-9\-_/.]+\.[a-z]+:[0-9]+)"),
    // Go's `[\s\S]{0,100}?`: any byte, lazily, at most 100.
    ("TASK", r"(?s:.){0,100}?"),
    // RIPFRAME: the faulting PC line of x86 (RIP/EIP), arm64 (`pc :`), arm32 (`PC is at`), ppc (NIP).
    (
        "RIPFRAME",
        r"(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))",
    ),
    ("CALLTRACE", r"(?:Call (?:T|t)race:)|(?:Backtrace:)"),
];

/// §1 frameRes: regexes that recognise one stack-frame line (tried in order; all groups are frames).
pub(crate) const FRAME_RES: &[&str] = &[
    r"^ *(?:{{PC}} ){0,2}{{FUNC}}",
    // arm32: `[<pc>] (callee) from [<pc>] (caller+0x../0x..)` gives two frames.
    r"^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}",
];

/// §1 stackStartRes: lines that start a stack section (and so end the previous one).
pub(crate) const STACK_START_RES: &[&str] = &[
    r"Call (?:T|t)race",
    r"Allocated:",
    r"Allocated by task [0-9]+:",
    r"Freed:",
    r"Freed by task [0-9]+:",
    r"[^k] backtrace(?: \(crc [[:xdigit:]]*\))?:",
    r"Backtrace:",
    r"Uninit was stored to memory at",
    RISCV_STACK_START,
];

/// The RISC-V trap line: a stack start whose missing frames do not make a report corrupted (§9).
pub(crate) const RISCV_STACK_START: &str =
    r"status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}";

/// §1 corruptedLines: a fault-injection stack mixed into a report.
pub(crate) const CORRUPTED_LINES: &[&str] = &[r"^( {{PC}})? should_fail(slab)?(\.[a-z0-9.]+)?\+0x"];

// ---------------------------------------------------------------------------------------------
// §3 Console line model
// ---------------------------------------------------------------------------------------------

/// §3 consoleOutputRe: timestamp (+ optional printk caller id in group 1) at the start of a line.
pub(crate) const CONSOLE_OUTPUT_RE: &str = r"^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:\<[0-9]+\>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? ";

/// §3 a questionable frame (` ? func`) inside a timestamped line.
pub(crate) const QUESTIONABLE_MARK: &str = " ? ";
/// §3 lines containing this are never stripped of questionable marks.
pub(crate) const EOI_MARK: &str = "<EOI>";
/// §3 PowerPC marks unreliable frames with this suffix.
pub(crate) const UNRELIABLE_SUFFIX: &str = " (unreliable)";

// ---------------------------------------------------------------------------------------------
// §4 / §5 Report boundaries
// ---------------------------------------------------------------------------------------------

/// §4 isTruncatedByReplay: the line after an oops line holds this marker.
pub(crate) const REPLAY_MARKER: &str = "** replaying previous printk message **";

/// §4 reportStartIgnores: oops lines that do not start a second report.
pub(crate) const REPORT_START_IGNORES: &[&str] = &[
    r"invalid opcode: 0000",
    r"Kernel panic - not syncing",
    r"unregister_netdevice: waiting for",
    r"PANIC: double fault",
    r"Internal error:",
];

/// §4 infoMessagesWithStack: substrings that mark a second report although they are no oops.
pub(crate) const INFO_MESSAGES_WITH_STACK: &[&str] = &[
    "vmalloc: allocation failure:",
    "FAULT_INJECTION: forcing a failure",
    "FAULT_FLAG_ALLOW_RETRY missing",
];

/// §5 a member line containing this is left out of the report.
pub(crate) const TAINT_LINE: &str = "Disabling lock debugging due to kernel taint";
/// §5 from this line on, other CPUs' `[ C#]` lines are report members.
pub(crate) const NMI_LINE: &str = "Sending NMI from CPU";
/// §5 these lines (after enough report lines) end the report text.
pub(crate) const REPORT_TAIL_MARKERS: &[&str] = &[
    "Kernel panic - not syncing",
    "WARNING: possible circular locking dependency detected",
];
/// §5 number of report lines needed before a tail marker ends the report (KMSAN / others).
pub(crate) const MIN_LINES_KMSAN: usize = 16;
/// §5 see [`MIN_LINES_KMSAN`].
pub(crate) const MIN_LINES: usize = 22;
/// §5 prefix lines kept before the oops line (task context / other contexts).
pub(crate) const MAX_PREFIX_TASK: usize = 50;
/// §5 see [`MAX_PREFIX_TASK`].
pub(crate) const MAX_PREFIX: usize = 5;

/// §2 `Panicked` is set when the output contains this.
pub(crate) const PANIC_MARKER: &str = "Kernel panic - not syncing";
/// §9.3 GCE console hang-up makes the report corrupted.
pub(crate) const GCE_HANGUP: &str = "serialport: VM disconnected.";

// ---------------------------------------------------------------------------------------------
// §7 Stack-frame extraction
// ---------------------------------------------------------------------------------------------

/// §7.1 stripFramePrefixes: syscall-wrapper prefixes removed from frames (the one leaving the
/// shortest name wins; alt titles also use each single-prefix variant).
pub(crate) const STRIP_FRAME_PREFIXES: &[&str] = &[
    "SYSC_",
    "SyS_",
    "sys_",
    "__x64_",
    "__ia32_",
    "__arm64_",
    "____sys_",
    "___sys_",
    "__sys_",
    "__se_",
    "__se_sys_",
    "__do_sys_",
    "compat_SYSC_",
    "compat_SyS_",
    "ksys_",
];

/// §7.2 default skip patterns: frames matching any of these are never the guilty frame.
#[rustfmt::skip]
pub(crate) const DEFAULT_SKIP: &[&str] = &[
    "__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan", "kcsan_setup_watchpoint",
    "check_memory_region", "check_heap_object", "check_object", "read_word_at_a_time",
    "(read|write)_once_.*nocheck", "print_address_description", "panic", "invalid_op",
    "report_bug", "fixup_bug", "print_report", "print_usage_bug", "do_error", "_trap$|do_trap",
    "show_stack", "dump_stack", "walk_stack", "dump_backtrace", "warn_slowpath", "warn_alloc",
    "warn_bogus", "__warn", "alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
    "allocate_slab", "__alloc_frozen_pages_noprof", "folio_(?:alloc|unlock)",
    "filemap_alloc_folio", "__filemap_get_folio", "find_or_create_page", "do_read_cache_folio",
    "read_cache_page", "pagecache_get_page", "grab_cache_page_write_begin", "slab_",
    "debug_object", "timer_is_static_object", "work_is_static_object", "__might_fault",
    "print_unlock", "imbalance_bug", "lockdep", "bh_enable", "bh_disable", "perf_trace",
    "lock_acquire", "lock_release", "lock_class", "mark_lock", "(reacquire|mark)_held_locks",
    "raw_spin_rq", "spin_lock", "spin_trylock", "spin_unlock", "read_lock", "read_trylock",
    "write_lock", "write_trylock", "read_unlock", "write_unlock", "^down$", "down_read",
    "down_write", "down_read_trylock", "down_write_trylock", "down_trylock", "up_read",
    "up_write", "^mutex_", "^__mutex_", "^rt_mutex_", "owner_on_cpu", "osq_lock", "osq_unlock",
    "atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
    "(set|clear|change|test)_bit", "__wake_up", "^refcount_", "^kref_", "ref_tracker",
    "seqprop_assert", "memcpy", "memcmp", "memset", "memchr", "memmove", "memdup", "strcmp",
    "strncmp", "strcpy", "strlcpy", "strncpy", "strscpy", "strlen", "strstr", "strnstr",
    "strnlen", "strchr", "strdup", "strndup", "copy_to_user", "copy_from_user", "copy_to_iter",
    "copy_from_iter", "copy_page_to_iter", "copy_page_from_iter", "copy_folio_to_iter",
    "^copyin$", "^copyout$", "put_user", "get_user", "might_fault", "might_sleep", "list_add",
    "list_del", "list_replace", "list_move", "list_splice", "^rb_", "^__rb_",
    "_indirect_thunk_", "string", "pointer", "snprintf", "scnprintf", "kasprintf", "kvasprintf",
    "printk", "va_format", "dev_info", "dev_notice", "dev_warn", "dev_err", "dev_alert",
    "dev_crit", "dev_emerg", "program_check_exception", "program_check_common", "del_timer",
    "flush_work", "__cancel_work_timer", "cancel_work_sync", "try_to_grab_pending",
    "flush_workqueue", "drain_workqueue", "destroy_workqueue", "queue_work", "finish_wait",
    "kthread_stop", "kobject_", "add_uevent_var", "get_device_parent", "device_add",
    "device_del", "device_unregister", "device_destroy", "device_release", "devres_release_all",
    "hwrng_unregister", "i2c_del_adapter", "__unregister_client", "device_for_each_child",
    "rollback_registered", "unregister_netdev", "sysfs_remove", "device_remove_file",
    "tty_unregister_device", "dummy_urb_enqueue", "usb_kill_urb", "usb_kill_anchored_urbs",
    "usb_control_msg", "usb_hcd_submit_urb", "usb_submit_urb", "^complete$",
    "wait_for_completion", "^kv?free$", "kfree_skb", "readb$", "readw$", "readl$", "readq$",
    "writeb$", "writew$", "writel$", "writeq$", "logic_in", "logic_out", r"^crc\d+",
    "crc_itu_t", "__might_resched", "assertfail", "^iput$", "^iput_final$", "^ihold$",
    "hex_dump_to_buffer", "print_hex_dump", "^klist_", "(trace|lockdep)_(hard|soft)irq",
    "^(un)?lock_page", "stack_trace_consume_entry", "arch_stack_walk", "stack_trace_save",
    "insert_work", "__queue_delayed_work", "queue_delayed_work_on", "ida_free",
    "do_(kernel|translation)_fault", "do_mem_abort", "el1_abort", "el1h_64_sync(?:_handler)?",
    "print_tainted", "xas_(?:start|load|find)", "find_lock_entries",
    "truncate_inode_pages_range", "__phys_addr", "__fortify_report", "cleanup_srcu_struct",
    "rhashtable_lookup", "extract_(user|iter)_to_sg", "drop_nlink", "^get_taint$",
    "^put_device$", "lock_timer_base", "__timer_delete_sync", "sk_stop_timer_sync",
    "__mod_timer", "fast_dput", "dput", "mark_buffer_dirty",
];

/// §7.3 stall extractor anchors: the frame before the first anchor is the guilty one.
#[rustfmt::skip]
pub(crate) const STALL_ANCHORS: &[&str] = &[
    "process_one_work", "do_syscall_", "do_fast_syscall_", "sysenter_dispatch",
    "tracesys_phase2", "el0_svc_handler", "invoke_syscall", "ret_fast_syscall",
    "netif_receive_skb", "do_softirq", "call_timer_fn", "_run_timers", "run_timer_softirq",
    "hrtimer_run", "run_ksoftirqd", "smpboot_thread_fn", "^kthread$", "start_secondary",
    "cpu_startup_entry", "ret_from_fork", "vfs_write", "vfs_read", "vfs_iter_read",
    "vfs_iter_write", "do_iter_read", "do_iter_write", "call_read_iter", "call_write_iter",
    "new_sync_read", "new_sync_write", "vfs_ioctl", "ksys_ioctl", "compat_ioctl",
    "compat_sys_ioctl", "blkdev_driver_ioctl", "blkdev_ioctl", "^call_read_iter",
    "^call_write_iter", "do_iter_readv_writev", "^call_mmap", "mmap_region", "do_mmap",
    "do_dentry_open", "vfs_open", "^sock_sendmsg", "^sock_recvmsg", "^sock_release",
    "^__sock_release", "^setsockopt$", "kernel_setsockopt", "sock_common_setsockopt",
    "^listen$", "kernel_listen", "sk_common_release", "^sock_mmap", "^accept$", "kernel_accept",
    "^sock_do_ioctl", "^sock_ioctl", "^compat_sock_ioctl", "^nfnetlink_rcv_msg",
    "^rtnetlink_rcv_msg", "^netlink_dump", "^(sys_)?(socketpair|connect|ioctl)", "__do_fault",
    "do_page_fault", "^page_fault$", "__fput", "task_work_run", "exit_to_usermode",
    "smp_call_function", "tasklet_action", "tasklet_hi_action",
];
/// §7.3 an anchor frame containing this yields the literal `smp_call_function`.
pub(crate) const STALL_SMP_CALL: &str = "smp_call_function";

/// §7.3 hang extractor step 1: (substring, result); `None` = the frame itself.
pub(crate) const HANG_DECISIVE: &[(&str, Option<&str>)] = &[
    ("rtnl_lock", None),
    ("synchronize_rcu", Some("synchronize_rcu")),
    ("synchronize_srcu", Some("synchronize_rcu")),
    ("synchronize_net", Some("synchronize_rcu")),
    ("synchronize_sched", Some("synchronize_rcu")),
];
/// §7.3 hang extractor step 2: frames containing any of these are not interesting.
pub(crate) const HANG_BORING: &[&str] = &[
    "sched",
    "_lock",
    "_slowlock",
    "down",
    "rwsem",
    "completion",
    "kthread",
    "wait",
    "synchronize",
    "context_switch",
    "__switch_to",
    "cancel_delayed_work",
    "rcu_barrier",
];

// ---------------------------------------------------------------------------------------------
// §4 / §8 Oops table and formats
// ---------------------------------------------------------------------------------------------

/// One part of a stack spec (§7).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Part {
    /// A regex searched line by line; its capture groups are frames.
    Re(&'static str),
    /// Parse a stack trace here.
    Stack,
}

/// Which frame-picking extractor a stack spec uses (§7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Extractor {
    /// First non-skipped frame.
    None,
    /// Frame before the first stall anchor.
    Stall,
    /// Task-hung heuristics.
    Hang,
}

/// How to find the guilty frame(s) of a format (§7).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stack {
    pub parts: &'static [Part],
    pub parts2: &'static [Part],
    pub skip: &'static [&'static str],
    pub extractor: Extractor,
}

/// One title format of an oops (§8).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Format {
    pub title: &'static str,
    pub report: Option<&'static str>,
    pub fmt: &'static str,
    pub alt: &'static [&'static str],
    pub stack: Option<Stack>,
    pub no_stack_trace: bool,
    pub corrupted: bool,
}

/// One oops kind: a header substring, its formats (in order) and line suppressions (§4).
#[derive(Debug)]
pub(crate) struct Oops {
    pub header: &'static str,
    pub formats: &'static [Format],
    pub suppressions: &'static [&'static str],
}

const RIP: Part = Part::Re("{{RIPFRAME}}");
const CT: Part = Part::Re("{{CALLTRACE}}");
const STK: Part = Part::Stack;
const RIP_CT_STK: &[Part] = &[RIP, CT, STK];
const CT_STK: &[Part] = &[CT, STK];
const WSTK: &[Part] = &[
    Part::Re("(?:{{RIPFRAME}}|--- interrupt: [0-9]+ at {{FUNC}})"),
    STK,
];
const KFENCE_PARTS: &[Part] = &[Part::Re(r"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}"), STK];
const KMSAN_PARTS: &[Part] = &[
    STK,
    Part::Re("(Local variable .* created at:|Uninit was created at:)"),
    STK,
];

const fn f(title: &'static str, fmt: &'static str) -> Format {
    Format {
        title,
        report: None,
        fmt,
        alt: &[],
        stack: None,
        no_stack_trace: false,
        corrupted: false,
    }
}

/// A stack spec with the given parts and extra skip patterns.
const fn st(parts: &'static [Part], skip: &'static [&'static str]) -> Stack {
    Stack {
        parts,
        parts2: &[],
        skip,
        extractor: Extractor::None,
    }
}

/// The warning stack (WSTK): RIP line then stack; fallback Call Trace then stack.
const fn wstk(skip: &'static [&'static str]) -> Stack {
    Stack {
        parts: WSTK,
        parts2: CT_STK,
        skip,
        extractor: Extractor::None,
    }
}

impl Format {
    const fn r(mut self, report: &'static str) -> Self {
        self.report = Some(report);
        self
    }
    const fn a(mut self, alt: &'static [&'static str]) -> Self {
        self.alt = alt;
        self
    }
    const fn s(mut self, stack: Stack) -> Self {
        self.stack = Some(stack);
        self
    }
    const fn nst(mut self) -> Self {
        self.no_stack_trace = true;
        self
    }
    const fn corr(mut self) -> Self {
        self.corrupted = true;
        self
    }
}

impl Stack {
    const fn parts2(mut self, parts2: &'static [Part]) -> Self {
        self.parts2 = parts2;
        self
    }
    const fn stall(mut self) -> Self {
        self.extractor = Extractor::Stall;
        self
    }
    const fn hang(mut self) -> Self {
        self.extractor = Extractor::Hang;
        self
    }
}

/// §4 / §8 the oops table, in matching order.
pub(crate) static OOPSES: &[Oops] = &[
    // 1
    Oops {
        header: "BUG:",
        formats: BUG_FORMATS,
        suppressions: &[
            "ODEBUG:",
            "Boot_DEBUG:",
            "xlog_status:",
            "DEBUG:",
            "BUG: no syscalls can create resource",
        ],
    },
    // 2
    Oops {
        header: "WARNING:",
        formats: WARNING_FORMATS,
        suppressions: &[
            "WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
            "WARNING: workqueue cpumask: online intersect > possible intersect",
            "WARNING: [Tt]he mand mount option",
            r"WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1",
            "WARNING: Unprivileged eBPF is enabled with eIBRS",
            r"WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\((?:\d+)x(?:\d+) vs\. (?:\d+)x(?:\d+)\))",
            "WARNING: See https.* for mitigation options.",
            "WARNING: kernel not compiled with CPU_SRSO",
            r"EXT4-[Ff][Ss](?: \(.*\))?:",
            r"(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)",
            r"XFS \(\w+\): WARNING",
        ],
    },
    // 3
    Oops {
        header: "INFO:",
        formats: INFO_FORMATS,
        suppressions: &[
            "INFO: lockdep is turned off",
            "INFO: Stall ended before state dump start",
            "INFO: NMI handler",
            "INFO: recovery required on readonly filesystem",
            "(handler|interrupt).*took too long",
            "INFO: sys_.* is not present in /proc/kallsyms",
            "INFO: no syscalls can create resource",
            "rmt_storage:INFO:",
            "_INFO:",
        ],
    },
    // 4
    Oops {
        header: "Unable to handle kernel",
        formats: &[f(
            "Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)",
            "BUG: unable to handle kernel %1 in %2",
        )
        .a(&["bad-access in %2"])
        .s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 5
    Oops {
        header: "general protection fault",
        formats: &[f("general protection fault.*:", "general protection fault in %1")
            .a(&["bad-access in %1"])
            .s(st(RIP_CT_STK, &[]))],
        suppressions: &[r"general protection fault .* error:\d+ in "],
    },
    // 6
    Oops {
        header: "stack segment: ",
        formats: &[f("stack segment: ", "stack segment fault in %1").s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 7
    Oops {
        header: "Kernel panic",
        formats: KERNEL_PANIC_FORMATS,
        suppressions: &[],
    },
    // 8
    Oops {
        header: "PANIC: double fault",
        formats: &[f("PANIC: double fault", "PANIC: double fault in %1").s(st(&[RIP], &[]))],
        suppressions: &[],
    },
    // 9
    Oops {
        header: "rust_kernel: panicked",
        formats: &[f("rust_kernel: panicked", "%1 in %2")
            .r(r"rust_kernel: panicked at [^\n]*?\n(.+?)\n")
            .s(st(CT_STK, &[r"__rustc::rust_begin_unwind"]))],
        suppressions: &[],
    },
    // 10
    Oops {
        header: "kernel BUG",
        formats: &[
            f("kernel BUG at mm/usercopy.c", "BUG: bad usercopy in %1")
                .s(st(CT_STK, &["usercopy", "__check"])),
            f("kernel BUG at lib/list_debug.c", "BUG: corrupted list in %1")
                .a(&["bad-access in %1"])
                .s(st(CT_STK, &[])),
            f("kernel BUG at (.*)", "kernel BUG in %2").s(st(RIP_CT_STK, &["^skb_"])),
        ],
        suppressions: &[],
    },
    // 11
    Oops {
        header: "Kernel BUG",
        formats: &[f("Kernel BUG (.*)", "kernel BUG %1")],
        suppressions: &[],
    },
    // 12
    Oops {
        header: "BUG kmalloc-",
        formats: &[f(
            "BUG kmalloc-.*: Object already free",
            "BUG: Object already free",
        )],
        suppressions: &[],
    },
    // 13
    Oops {
        header: "divide error:",
        formats: &[f("divide error: ", "divide error in %1").s(st(&[RIP], &[]))],
        suppressions: &[],
    },
    // 14
    Oops {
        header: "divide_error:",
        formats: &[f("divide_error: ", "divide error in %1").s(st(&[RIP], &[]))],
        suppressions: &[],
    },
    // 15
    Oops {
        header: "invalid opcode:",
        formats: &[f("invalid opcode: ", "invalid opcode in %1").s(st(&[RIP], &[]))],
        suppressions: &[],
    },
    // 16
    Oops {
        header: "int3:",
        formats: &[f("int3: ", "int3 in %1").s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 17
    Oops {
        header: "UBSAN:",
        formats: &[
            f("UBSAN:", "UBSAN: undefined-behaviour in %1")
                .r("UBSAN: Undefined behaviour in")
                .s(st(CT_STK, UBSAN_SKIP)),
            f(
                "UBSAN: array-index-out-of-bounds in",
                "UBSAN: array-index-out-of-bounds in %1",
            )
            .a(&["bad-access in %1"])
            .s(st(CT_STK, UBSAN_SKIP)),
            f("UBSAN:", "UBSAN: %1 in %2")
                .r("UBSAN: (.*?) in")
                .s(st(CT_STK, UBSAN_SKIP)),
        ],
        suppressions: &[],
    },
    // 18
    Oops {
        header: "Booting the kernel.",
        formats: &[f("^Booting the kernel", "unexpected kernel reboot").nst()],
        suppressions: &[r"Parsing ELF|Decompressing Linux|Unknown parameter '"],
    },
    // 19
    Oops {
        header: "unregister_netdevice: waiting for",
        formats: &[f(
            "unregister_netdevice: waiting for (?:.*) to become free",
            "unregister_netdevice: waiting for DEV to become free",
        )
        .nst()],
        suppressions: &[],
    },
    // 20
    Oops {
        header: "VFS: Close: file count is 0",
        formats: &[f(
            "VFS: Close: file count is 0",
            "VFS: Close: file count is zero (use-after-free)",
        )
        .nst()],
        suppressions: &[],
    },
    // 21
    Oops {
        header: "VFS: Busy inodes after unmount",
        formats: &[f(
            "VFS: Busy inodes after unmount",
            "VFS: Busy inodes after unmount (use-after-free)",
        )
        .nst()],
        suppressions: &[],
    },
    // 22
    Oops {
        header: "Internal error:",
        formats: &[f("Internal error:", "Internal error in %1")
            .a(&["bad-access in %1"])
            .s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 23
    Oops {
        header: "Unhandled fault:",
        formats: &[f("Unhandled fault:", "Unhandled fault in %1")
            .a(&["bad-access in %1"])
            .s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 24
    Oops {
        header: "Alignment trap:",
        formats: &[f("Alignment trap:", "Alignment trap in %1").s(st(RIP_CT_STK, &[]))],
        suppressions: &[],
    },
    // 25
    Oops {
        header: "trusty: panic",
        formats: &[
            f("trusty: panic.* ASSERT FAILED", "trusty: ASSERT FAILED: %1")
                .r(r"trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)")
                .nst(),
            f("trusty: panic.* ASSERT FAILED.*: *(.*)", "trusty: ASSERT FAILED: %1").corr(),
            f("trusty: panic", "trusty: panic: %1")
                .r(r"trusty: panic \(.*?\): (.+)")
                .nst(),
        ],
        suppressions: &[],
    },
    // 26
    Oops {
        header: "fatal error:",
        formats: &[f("fatal error:", "go runtime error").nst()],
        suppressions: &["ALSA", "fatal error: cannot create timer"],
    },
    // 27
    Oops {
        header: "SYZFAIL:",
        formats: &[f("SYZFAIL:(.*)", "SYZFAIL:%1").nst()],
        suppressions: &[],
    },
    // 28
    Oops {
        header: "SYZFATAL:",
        formats: &[f("SYZFATAL:(.*)()", "SYZFATAL:%1")
            .a(&["SYZFATAL%[2]s"])
            .nst()],
        suppressions: &[],
    },
    // 29
    Oops {
        header: "panic:",
        formats: &[
            f(
                "panic: Sentry detected .* stuck task",
                "panic: Sentry detected stuck tasks",
            )
            .nst(),
            f("panic:(.*)", "panic:%1").nst(),
        ],
        suppressions: &["_panic:", "xlog_status:", r"ddb\.onpanic:", "evtlog_status:"],
    },
];

const UBSAN_SKIP: &[&str] = &["ubsan", "overflow"];

/// §8 formats of the `BUG:` oops.
static BUG_FORMATS: &[Format] = &[
    // 0
    f("BUG: KASAN:", "KASAN: %1 %3 in %4")
        .r(r"BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)")
        .a(&["bad-access in %4"])
        .s(st(
            &[Part::Re(r"BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}"), CT, STK],
            &["kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"],
        )),
    // 1
    f("BUG: KASAN:", "KASAN: invalid-free in %2")
        .r(r"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}")
        .a(&["invalid-free in %2"])
        .s(st(
            &[
                Part::Re(r"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}"),
                CT,
                STK,
            ],
            &["slab_", "kfree", "vunmap", "vfree"],
        )),
    // 2
    f(
        r"BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)",
        "KASAN: %1 %2",
    ),
    // 3
    f("BUG: KASAN: (.*)", "KASAN: %1").corr(),
    // 4
    f("BUG: KMSAN: kernel-usb-infoleak", "KMSAN: kernel-usb-infoleak in %2")
        .r("BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}")
        .a(&["KMSAN origin in %3"])
        .s(st(
            KMSAN_PARTS,
            &[
                "alloc_skb",
                "usb_submit_urb",
                "usb_start_wait_urb",
                "usb_bulk_msg",
                "usb_interrupt_msg",
                "usb_control_msg",
            ],
        ))
        .nst(),
    // 5
    f("BUG: KMSAN:", "KMSAN: %1 in %3")
        .r(r"BUG: KMSAN: ([a-z\-]+) in {{FUNC}}")
        .a(&["bad-access in %3"])
        .s(st(
            KMSAN_PARTS,
            &[
                "alloc_skb",
                "netlink_ack",
                "netlink_rcv_skb",
                "_encrypt$",
                "^(?:crypto|cipher|drbg|rng)_",
            ],
        ))
        .nst(),
    // 6
    f("BUG: KCSAN: data-race", "KCSAN: %1")
        .r("BUG: KCSAN: (.*)")
        .nst(),
    // 7
    f("BUG: KCSAN:", "KCSAN: %1").r("BUG: KCSAN: (.*)").nst(),
    // 8
    f(
        "BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}",
        "KFENCE: %1 %2 in %4",
    )
    .a(&["bad-access in %4"])
    .s(st(KFENCE_PARTS, &[])),
    // 9
    f("BUG: KFENCE: invalid free in {{FUNC}}", "KFENCE: invalid free in %2")
        .a(&["invalid-free in %2"])
        .s(st(KFENCE_PARTS, &[]))
        .nst(),
    // 10
    f(
        "BUG: KFENCE: invalid (read|write) in {{FUNC}}",
        "KFENCE: invalid %1 in %3",
    )
    .a(&["bad-access in %3"])
    .s(st(KFENCE_PARTS, &[])),
    // 11
    f(
        "BUG: KFENCE: memory corruption in {{FUNC}}",
        "KFENCE: memory corruption in %2",
    )
    .s(st(KFENCE_PARTS, &[]))
    .nst(),
    // 12
    f(
        "BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)",
        "BUG: unable to handle kernel paging request in %1",
    )
    .a(&["bad-access in %1"])
    .s(st(RIP_CT_STK, &[])),
    // 13
    f(
        "BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)",
        "BUG: unable to handle kernel NULL pointer dereference in %1",
    )
    .a(&["bad-access in %1"])
    .s(st(RIP_CT_STK, &[])),
    // 14
    f(
        "BUG: (?:unable to handle kernel|Unable to handle kernel)",
        "BUG: unable to handle kernel",
    )
    .corr(),
    // 15
    f(
        "BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)",
        "BUG: %1 %2 in %3",
    )
    .s(st(CT_STK, &["spin_", "_lock", "_unlock"])),
    // 16
    f("BUG: soft lockup", "BUG: soft lockup in %1")
        .a(&["stall in %1"])
        .s(st(RIP_CT_STK, &[]).stall()),
    // 17
    f("BUG: .*still has locks held!", "BUG: still has locks held in %1")
        .r(r"BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}}"),
    // 18
    f("BUG: scheduling while atomic", "BUG: scheduling while atomic in %1")
        .s(st(CT_STK, &["schedule"])),
    // 19
    f(
        "BUG: lock held when returning to user space",
        "BUG: lock held when returning to user space in %1",
    )
    .r(r"BUG: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}")
    .nst(),
    // 20
    f("BUG: bad unlock balance detected!", "BUG: bad unlock balance in %1")
        .s(st(&[Part::Re("{{PC}} +{{FUNC}}"), CT, STK], &[])),
    // 21
    f("BUG: held lock freed!", "BUG: held lock freed in %1")
        .r(r"BUG: held lock freed!(?:.*\n)+?.*{{PC}} +{{FUNC}}"),
    // 22
    f("BUG: Bad rss-counter state", "BUG: Bad rss-counter state").nst(),
    // 23
    f(
        "BUG: non-zero nr_ptes on freeing mm",
        "BUG: non-zero nr_ptes on freeing mm",
    )
    .nst(),
    // 24
    f(
        "BUG: non-zero nr_pmds on freeing mm",
        "BUG: non-zero nr_pmds on freeing mm",
    )
    .nst(),
    // 25
    f("BUG: Dentry .* still in use", "BUG: Dentry still in use in %1")
        .r(r"BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]")
        .a(&["BUG: Dentry still in use [%1 of %2]"]),
    // 26
    f("BUG: Bad page (state|cache)", "BUG: Bad page %1 in %2").s(st(
        &[Part::Re("page last allocated"), STK],
        &[
            "(free|put|get|update|release)_page",
            "free_unref",
            "^_*folio",
            "truncate_inode_pages",
            "page_frag_free",
            "alloc",
            "vmap",
            "page_owner",
        ],
    )),
    // 27
    f("BUG: Bad page map", "BUG: Bad page map"),
    // 28
    f("BUG: workqueue lockup", "BUG: workqueue lockup").nst(),
    // 29
    f(
        "BUG: sleeping function called from invalid context at (.*)",
        "BUG: sleeping function called from invalid context in %2",
    )
    .s(st(CT_STK, &[])),
    // 30
    f(
        r"BUG: using ([a-z_]+)\(\) in preemptible",
        "BUG: using %1() in preemptible code in %2",
    )
    .s(st(
        CT_STK,
        &["dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"],
    )),
    // 31
    f(
        "BUG: workqueue leaked lock or atomic",
        "BUG: workqueue leaked lock or atomic in %1",
    )
    .r(r"BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n")
    .nst(),
    // 32
    f("BUG: memory leak", "memory leak in %1").s(st(
        &[Part::Re(r"backtrace(?: \(crc [[:xdigit:]]*\))?:"), STK],
        &[
            "kmemleak",
            "mmap",
            "kmem",
            "slab",
            "alloc",
            "create_object",
            "idr_get",
            "list_lru_init",
            "kasprintf",
            "kvasprintf",
            "pcpu_create",
            "strdup",
            "strndup",
            "memdup",
        ],
    )),
    // 33
    f(
        "BUG: .*stack guard page was hit at",
        "BUG: stack guard page was hit in %1",
    )
    .a(&["stack-overflow in %1"])
    .s(st(RIP_CT_STK, &[]).stall()),
    // 34
    f("BUG: Invalid wait context", "WARNING: locking bug in %1")
        .s(st(CT_STK, &["lock_sock", "release_sock"])),
    // 35
    f(r"BUG:[[:space:]]*(?:\n|$)", "BUG: corrupted").corr(),
];

/// §8 formats of the `WARNING:` oops.
static WARNING_FORMATS: &[Format] = &[
    // 0
    f(
        r"WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at)",
        "WARNING: ODEBUG bug in %1",
    )
    .s(wstk(&[
        "debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_", "vunmap", "vfree", "__free_",
        "debug_check", "kobject_",
    ])),
    // 1
    f(
        r"WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at)",
        "WARNING: bad usercopy in %1",
    )
    .s(wstk(&["usercopy", "__check"])),
    // 2
    f(
        r"WARNING: .*lib/kobject\.c.* (?:kobject_|at)",
        "WARNING: kobject bug in %1",
    )
    .s(wstk(&["kobject_"])),
    // 3
    f(
        r"WARNING: .*fs/proc/generic\.c.* (?:proc_register|at)",
        "WARNING: proc registration bug in %1",
    )
    .s(wstk(&["proc_"])),
    // 4
    f(
        r"WARNING: .*lib/refcount\.c.* (?:refcount_|at)",
        "WARNING: refcount bug in %1",
    )
    .s(wstk(&["refcount", "kobject_"])),
    // 5
    f(
        r"WARNING: .*kernel/locking/lockdep\.c.*lock_",
        "WARNING: locking bug in %1",
    )
    .s(wstk(&["lock_sock", "release_sock"])),
    // 6
    f(
        "WARNING: .*still has locks held!",
        "WARNING: still has locks held in %1",
    )
    .r(r"WARNING: .*still has locks held!(?:.*\n)+?.*at: {{FUNC}}"),
    // 7
    f(
        "WARNING: Nested lock was not taken",
        "WARNING: nested lock was not taken in %1",
    )
    .s(wstk(&[])),
    // 8
    f(
        "WARNING: lock held when returning to user space",
        "WARNING: lock held when returning to user space in %1",
    )
    .r(r"WARNING: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}")
    .nst(),
    // 9
    f(r"WARNING: .*mm/.*\.c.* k?.?malloc", "WARNING: kmalloc bug in %1")
        .s(wstk(&["kmalloc", "krealloc", "slab", "kmem"])),
    // 10
    f(
        r"WARNING: .*mm/vmalloc.c.*__vmalloc_node",
        "WARNING: zero-size vmalloc in %1",
    )
    .s(wstk(&[])),
    // 11
    f(r"WARNING: .* usb_submit_urb", "WARNING in %1/usb_submit_urb").s(wstk(&[
        "usb_submit_urb",
        "usb_start_wait_urb",
        "usb_bulk_msg",
        "usb_interrupt_msg",
        "usb_control_msg",
    ])),
    // 12 (2025 format: `WARNING: net/x.c:12 at 0x0, CPU#0`)
    f(r"WARNING: {{SRC}} at 0x\d+, CPU#\d+", "WARNING in %2").s(wstk(&[])),
    // 13 (classic: `WARNING: CPU: 0 PID: 1 at net/x.c:12 foo+0x…`)
    f("WARNING: .* at {{SRC}} {{FUNC}}", "WARNING in %3").s(wstk(&[])),
    // 14
    f("WARNING: {{SRC}} at {{FUNC}}", "WARNING in %3").s(wstk(&[])),
    // 15
    f(r"WARNING: \[.*\] {{SRC}} at {{FUNC}}.*", "WARNING in %3").s(wstk(&[])),
    // 16
    f(
        "WARNING: possible circular locking dependency detected",
        "possible deadlock in %1",
    )
    .r(r"WARNING: possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock")
    .s(st(
        &[
            Part::Re("at: (?:{{PC}} +)?{{FUNC}}"),
            Part::Re("at: (?:{{PC}} +)?{{FUNC}}"),
            STK,
        ],
        &[
            "process_one_work",
            "flush_workqueue",
            "drain_workqueue",
            "destroy_workqueue",
        ],
    )),
    // 17
    f(
        "WARNING: possible irq lock inversion dependency detected",
        "possible deadlock in %1",
    )
    .r(r"WARNING: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    // 18
    f(
        "WARNING: .*-safe -> .*-unsafe lock order detected",
        "possible deadlock in %1",
    )
    .s(st(&[Part::Re("which became (?:.*) at:"), STK], &[])),
    // 19
    f(
        "WARNING: possible recursive locking detected",
        "possible deadlock in %1",
    )
    .r(r"WARNING: possible recursive locking detected(?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    // 20
    f("WARNING: inconsistent lock state", "inconsistent lock state in %2")
        .r(r"WARNING: inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}")
        .s(st(CT_STK, &[])),
    // 21
    f(
        "WARNING: suspicious RCU usage",
        "WARNING: suspicious RCU usage in %2",
    )
    .r(r"WARNING: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}")
    .s(st(CT_STK, &["rcu", "kmem", "slab"])),
    // 22
    f(
        "WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value",
        "WARNING: kernel stack regs has bad '%1' value",
    )
    .nst(),
    // 23
    f(
        "WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value",
        "WARNING: kernel stack frame pointer has bad value",
    )
    .nst(),
    // 24
    f(
        "WARNING: bad unlock balance detected!",
        "WARNING: bad unlock balance in %1",
    )
    .s(st(&[Part::Re("{{PC}} +{{FUNC}}"), CT, STK], &[])),
    // 25
    f("WARNING: held lock freed!", "WARNING: held lock freed in %1")
        .r(r"WARNING: held lock freed!(?:.*\n)+?.*at:(?: {{PC}})? +{{FUNC}}"),
    // 26
    f(
        "WARNING: kernel stack regs .* has bad 'bp' value",
        "WARNING: kernel stack regs has bad value",
    )
    .nst(),
    // 27
    f(
        "WARNING: kernel stack frame pointer .* has bad value",
        "WARNING: kernel stack regs has bad value",
    )
    .nst(),
    // 28
    f(r"WARNING:[[:space:]]*(?:\n|$)", "WARNING: corrupted").corr(),
];

/// §8 formats of the `INFO:` oops.
static INFO_FORMATS: &[Format] = &[
    // 0-4: pre-4.x lockdep style `[ INFO: … ]`.
    f(
        "INFO: possible circular locking dependency detected",
        "possible deadlock in %1",
    )
    .r(r"INFO: possible circular locking dependency detected \](?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}"),
    f(
        "INFO: possible irq lock inversion dependency detected",
        "possible deadlock in %1",
    )
    .r(r"INFO: possible irq lock inversion dependency detected \](?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}"),
    f(
        "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected",
        "possible deadlock in %1",
    )
    .r(r"INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \](?:.*\n)+?.*is trying to acquire(?:.*\n)+?.*at: {{PC}} +{{FUNC}}"),
    f(
        "INFO: possible recursive locking detected",
        "possible deadlock in %1",
    )
    .r(r"INFO: possible recursive locking detected \](?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}"),
    f("INFO: inconsistent lock state", "inconsistent lock state in %1")
        .r(r"INFO: inconsistent lock state \](?:.*\n)+?.*takes(?:.*\n)+?.*at: {{PC}} +{{FUNC}}"),
    // 5
    f(
        "INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall",
        "INFO: rcu detected stall in %1",
    )
    .a(&["stall in %1"])
    .s(st(
        &[Part::Re("apic_timer_interrupt"), RIP, STK],
        &["apic_timer_interrupt", "rcu"],
    )
    .parts2(&[
        Part::Re("(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"),
        STK,
    ])
    .stall()),
    // 6
    f(
        "INFO: trying to register non-static key",
        "INFO: trying to register non-static key in %1",
    )
    .s(st(CT_STK, &["stack", "lock", "IRQ"])),
    // 7
    f(
        "INFO: suspicious RCU usage",
        "INFO: suspicious RCU usage in %2",
    )
    .r(r"INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}")
    .s(st(CT_STK, &["rcu", "kmem", "slab"])),
    // 8
    f(
        "INFO: task {{TASK}} blocked (?:in I/O wait )?for more than [0-9]+ seconds",
        "INFO: task hung in %1",
    )
    .a(&["hang in %1"])
    .s(st(CT_STK, &[]).hang()),
    // 9
    f(
        "INFO: task {{TASK}} can't die for more than .* seconds",
        "INFO: task can't die in %1",
    )
    .a(&["hang in %1"])
    .s(st(CT_STK, &["schedule"])),
    // 10 (old truncated KASAN)
    f("INFO: (Freed|Allocated) in (.*)", "INFO: %1 in %2").corr(),
    // 11
    f(r"INFO:[[:space:]]*(?:\n|$)", "INFO: corrupted").corr(),
];

/// §8 formats of the `Kernel panic` oops.
static KERNEL_PANIC_FORMATS: &[Format] = &[
    // 0
    f(
        "Kernel panic - not syncing: stack-protector:",
        "kernel panic: stack is corrupted in %1",
    )
    .r("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}")
    .nst(),
    // 1
    f(
        "Kernel panic - not syncing: stack-protector:",
        "kernel panic: stack is corrupted in %1",
    )
    .r("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+")
    .s(st(CT_STK, &["stack_chk"])),
    // 2
    f(
        "Kernel panic - not syncing: corrupted stack end",
        "kernel panic: corrupted stack end in %1",
    )
    .r("Kernel panic - not syncing: corrupted stack end detected inside scheduler")
    .a(&["stack-overflow in %1"])
    .s(st(CT_STK, &["schedule", "retint_kernel"]).stall()),
    // 3
    f(
        "Kernel panic - not syncing: kernel stack overflow",
        "kernel stack overflow in %1",
    )
    .a(&["stack-overflow in %1"])
    .s(st(CT_STK, &["bad_stack"]).stall()),
    // 4
    f(
        "Kernel panic - not syncing: Attempted to kill init!",
        "kernel panic: Attempted to kill init!",
    ),
    // 5
    f(
        "Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+",
        "kernel panic: Couldn't open N_TTY ldisc",
    ),
    // 6
    f(
        "Kernel panic - not syncing: Fatal exception",
        "kernel panic: Fatal exception",
    )
    .corr(),
    // 7
    f(
        "Kernel panic - not syncing: panic_on_warn set",
        "kernel panic: panic_on_warn set",
    )
    .corr(),
    // 8
    f(
        "Kernel panic - not syncing: hung_task: blocked tasks",
        "kernel panic: hung_task: blocked tasks",
    )
    .corr(),
    // 9
    f("Kernel panic - not syncing: (.*)", "kernel panic: %1"),
];

// ---------------------------------------------------------------------------------------------
// §9 / §10 Post-processing
// ---------------------------------------------------------------------------------------------

/// §9.2a a kernel timestamp inside the title means two lines were merged: corrupted.
pub(crate) const TITLE_TIMESTAMP_RE: &str = r"\[ *[0-9]+\.[0-9]+\]";

/// §10.1 title normalisation: (regex, replacement), each row re-applied until stable.
pub(crate) const TITLE_NORMALISATION: &[(&str, &str)] = &[
    (r"syz-executor\.?[0-9]+((/|:)[0-9]+)?", "syz-executor"),
    (r"syzkaller[0-9]+((/|:)[0-9]+)?", "syzkaller"),
    (r"([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", "${1}ADDR"),
    (r"([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})", "IP"),
    (r"(\.\w+)(:[0-9]+)+", "${1}:LINE"),
    (r"([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+", "${1}"),
    (r"CPU#[0-9]+", "CPU"),
    (r"(\W)(\d+)(\W|$)", "${1}NUM${3}"),
    (r"(\d+){7,}", "NUM"),
];

/// §10.1 sanitize: only this many bytes of the normalised title are looked at.
pub(crate) const MAX_TITLE_LEN: usize = 120;

/// §10.2 the whole output matching any of these marks the report as suppressed.
pub(crate) const SUPPRESSIONS: &[&str] = &[
    "panic: failed to start executor binary",
    "panic: executor failed: pthread_create failed",
    "panic: failed to create temp dir",
    "fatal error: unexpected signal during runtime execution",
    "signal SIGBUS: bus error",
    "SYZFAIL: SIGBUS",
    r"Out of memory: Kill process .* \(syz-executor\)",
    r"Out of memory: Kill process .* \(sshd\)",
    r"Killed process .* \(syz-executor\)",
    r"Killed process .* \(sshd\)",
    "lowmemorykiller: Killing 'syz-executor'",
    "lowmemorykiller: Killing 'sshd'",
    "INIT: PANIC: segmentation violation!",
    r"\*\*\* stack smashing detected \*\*\*: terminated",
    "fatal error: runtime: out of memory",
    "fatal error: runtime: cannot allocate memory",
    "fatal error: out of memory",
    "fatal error: newosproc",
    "panic: .*cannot allocate memory",
];

/// §10.4 the guilty frame is group 1 of this regex applied to the final title.
pub(crate) const TITLE_FRAME_RE: &str = r".* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)";

/// §10.6 executor id in the report (`proc=A, id=B`).
pub(crate) const EXECUTOR_RE: &str = r" Comm: syz\.(\d+)\.(\d+) ";

// ---------------------------------------------------------------------------------------------
// §11 Title → crash type
// ---------------------------------------------------------------------------------------------

/// §11 the first row with a prefix of the title gives the type (`None` = unknown, stops search).
pub(crate) static TITLE_TO_TYPE: &[(Option<&str>, &[&str])] = &[
    (
        Some("KFENCE-USE-AFTER-FREE-WRITE"),
        &["KFENCE: use-after-free write"],
    ),
    (
        Some("KFENCE-USE-AFTER-FREE-READ"),
        &["KFENCE: use-after-free read", "KFENCE: use-after-free"],
    ),
    (
        Some("KFENCE-WRITE"),
        &["KFENCE: invalid write", "KFENCE: out-of-bounds write"],
    ),
    (
        Some("KFENCE-READ"),
        &[
            "KFENCE: invalid read",
            "KFENCE: out-of-bounds read",
            "KFENCE: out-of-bounds",
        ],
    ),
    (
        Some("KFENCE-MEMORY-CORRUPTION"),
        &["KFENCE: memory corruption"],
    ),
    (Some("KFENCE-INVALID-FREE"), &["KFENCE: invalid free"]),
    (Some("KMSAN-UNINIT-VALUE"), &["KMSAN: uninit-value"]),
    (
        Some("KMSAN-USE-AFTER-FREE-READ"),
        &[
            "KMSAN: kernel-infoleak-after-free",
            "KMSAN: kernel-usb-infoleak-after-free",
            "KMSAN: use-after-free",
        ],
    ),
    (
        Some("KMSAN-INFO-LEAK"),
        &["KMSAN: kernel-infoleak", "KMSAN: kernel-usb-infoleak"],
    ),
    (
        Some("KASAN-NULL-POINTER-DEREFERENCE-WRITE"),
        &["KASAN: null-ptr-deref Write"],
    ),
    (
        Some("KASAN-NULL-POINTER-DEREFERENCE-READ"),
        &["KASAN: null-ptr-deref Read"],
    ),
    (
        Some("NULL-POINTER-DEREFERENCE"),
        &["BUG: unable to handle kernel NULL pointer dereference in"],
    ),
    (
        Some("KASAN-WRITE"),
        &[
            "KASAN: global-out-of-bounds Write",
            "KASAN: out-of-bounds Write",
            "KASAN: slab-out-of-bounds Write",
            "KASAN: stack-out-of-bounds Write",
            "KASAN: user-memory-access Write",
            "KASAN: vmalloc-out-of-bounds Write",
            "KASAN: wild-memory-access Write",
        ],
    ),
    (
        Some("KASAN-READ"),
        &[
            "KASAN: global-out-of-bounds Read",
            "KASAN: invalid-access Read",
            "KASAN: out-of-bounds Read",
            "KASAN: slab-out-of-bounds Read",
            "KASAN: slab-out-of-bounds",
            "KASAN: stack-out-of-bounds Read",
            "KASAN: stack-out-of-bounds",
            "KASAN: unknown-crash Read",
            "KASAN: user-memory-access Read",
            "KASAN: vmalloc-out-of-bounds Read",
            "KASAN: wild-memory-access Read",
            "KASAN: wild-memory-access",
        ],
    ),
    (
        Some("KASAN-INVALID-FREE"),
        &["KASAN: double-free or invalid-free", "KASAN: invalid-free"],
    ),
    (
        Some("KASAN-USE-AFTER-FREE-WRITE"),
        &[
            "KASAN: slab-use-after-free Write",
            "KASAN: use-after-free Write",
        ],
    ),
    (
        Some("KASAN-USE-AFTER-FREE-READ"),
        &[
            "KASAN: slab-use-after-free Read",
            "KASAN: use-after-free Read",
            "KASAN: use-after-free",
        ],
    ),
    (
        Some("MEMORY_SAFETY_BUG"),
        &[
            "BUG: corrupted list",
            "BUG: unable to handle kernel paging request",
        ],
    ),
    (Some("REFCOUNT_WARNING"), &["WARNING: refcount bug"]),
    (
        Some("MEMORY_SAFETY_UBSAN"),
        &["UBSAN: array-index-out-of-bounds"],
    ),
    (Some("KCSAN-DATARACE"), &["KCSAN: data-race"]),
    (Some("KCSAN-ASSERT"), &["KCSAN: assert: race in"]),
    (
        Some("LOCKDEP"),
        &[
            "BUG: bad unlock balance in",
            "BUG: held lock freed in",
            "BUG: rwlock",
            "BUG: spinlock",
            "BUG: still has locks held in",
            "BUG: using",
            "WARNING: bad unlock balance in",
            "WARNING: held lock freed in",
            "WARNING: lock held",
            "WARNING: locking bug in",
            "WARNING: nested lock was not taken in",
            "WARNING: still has locks held in",
            "WARNING: suspicious RCU usage in",
            "inconsistent lock state in",
            "possible deadlock in",
        ],
    ),
    (
        Some("ATOMIC_SLEEP"),
        &[
            "BUG: scheduling while atomic in",
            "BUG: sleeping function called from invalid context in",
        ],
    ),
    (Some("LEAK"), &["memory leak in"]),
    (Some("BUG"), &["BUG: bad usercopy in", "kernel BUG"]),
    (Some("WARNING"), &["WARNING in"]),
    (
        None,
        &[
            "BUG: stack guard page was hit in",
            "WARNING: corrupted",
            "WARNING: kernel stack frame pointer has bad value",
            "WARNING: kernel stack regs has bad",
        ],
    ),
    (
        Some("HANG"),
        &[
            "BUG: soft lockup in",
            "INFO: rcu detected stall in",
            "INFO: task can't die in",
            "INFO: task hung in",
        ],
    ),
    (
        Some("DoS"),
        &[
            "Alignment trap in",
            "BUG: Object already free",
            "Internal error in",
            "PANIC: double fault",
            "Unhandled fault in",
            "VFS: Busy inodes after unmount (use-after-free)",
            "VFS: Close: file count is zero (use-after-free)",
            "divide error in",
            "general protection fault in",
            "go runtime error",
            "int3 in",
            "invalid opcode in",
            "kernel panic:",
            "kernel stack overflow",
            "panic:",
            "rust_kernel panicked",
            "stack segment fault in",
            "trusty:",
            "unregister_netdevice: waiting for DEV to become free",
        ],
    ),
    (Some("NO_OUTPUT"), &["no output from test machine"]),
    (Some("REBOOT"), &["unexpected kernel reboot"]),
    (Some("SYZ_FAILURE"), &["SYZFAIL", "SYZFATAL:"]),
    (Some("WARNING"), &["WARNING:"]),
    (None, &["BUG:", "INFO:"]),
    (Some("KASAN-UNKNOWN"), &["KASAN:"]),
    (Some("KFENCE-UNKNOWN"), &["KFENCE:"]),
    (Some("KMSAN-UNKNOWN"), &["KMSAN:"]),
    (Some("UBSAN"), &["UBSAN:"]),
    (Some("KCSAN-UNKNOWN"), &["KCSAN:"]),
];
