//! Unit tests of the table-driven pieces: skip lists, extractors, title normalisation, types.

use crate::engine::{demangle, hang_extractor, normalise_title, stall_extractor, title_to_type};
use crate::regexes::skip;
use crate::tables::{Format, DEFAULT_SKIP, OOPSES};

/// The format `idx` of the oops with this header.
fn format(header: &str, idx: usize) -> &'static Format {
    let oops = OOPSES
        .iter()
        .find(|o| o.header == header)
        .expect("oops header");
    &oops.formats[idx]
}

fn skipped_by(list: &'static [&'static str], name: &str) -> bool {
    skip(list).is_match(name.as_bytes())
}

/// Checks one format's skip list: `skipped` names are dropped only thanks to the format's own
/// patterns (the default list keeps them), `kept` names survive.
fn check_skip(header: &str, idx: usize, skipped: &[&str], kept: &[&str]) {
    let list = format(header, idx).stack.expect("stack spec").skip;
    for name in skipped {
        assert!(skipped_by(list, name), "{header}#{idx}: {name} not skipped");
        assert!(!skipped_by(&[], name), "{name} already skipped by default");
    }
    for name in kept {
        assert!(!skipped_by(list, name), "{header}#{idx}: {name} skipped");
    }
}

macro_rules! skip_list {
    ($name:ident, $header:expr, $idx:expr, skipped: [$($s:expr),*], kept: [$($k:expr),*]) => {
        #[test]
        fn $name() {
            check_skip($header, $idx, &[$($s),*], &[$($k),*]);
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Skip lists (§7.2 and the `k` lists of §8)
// ---------------------------------------------------------------------------------------------

#[test]
fn skip_default_list() {
    for name in [
        "memcpy",
        "__asan_load8",
        "kasan_report",
        "dump_stack",
        "warn_slowpath_fmt",
        "kmalloc_node",
        "mutex_lock_nested",
        "_raw_spin_lock_irqsave",
        "refcount_inc",
        "__x64_sys_foo_panic",
        "__raw_readb",
        "do_mem_abort",
        "el1h_64_sync_handler",
        "crc32_le",
        "dput",
    ] {
        assert!(skipped_by(&[], name), "{name} not skipped by default");
    }
    for name in [
        "tcp_sendmsg",
        "ext4_fill_super",
        "ns558_init",
        "kfree_rcu_work",
        "downgrade",
    ] {
        assert!(!skipped_by(&[], name), "{name} skipped by default");
    }
    assert_eq!(DEFAULT_SKIP.len(), 238);
}

skip_list!(skip_bug_kasan, "BUG:", 0, skipped: ["el1_da", "el1h_64_error", "mte_tag_check", "arm64_kernel_fault", "mem_abort_x"], kept: ["xfrm_state_find"]);
skip_list!(skip_bug_kasan_invalid_free, "BUG:", 1, skipped: ["kfree_rcu", "vfree_atomic", "__vunmap"], kept: ["selinux_tun_dev_free_security"]);
skip_list!(skip_bug_kmsan_usb, "BUG:", 4, skipped: ["__alloc_skb", "usb_start_wait_urb", "usb_bulk_msg"], kept: ["hif_usb_send"]);
skip_list!(skip_bug_kmsan, "BUG:", 5, skipped: ["netlink_ack", "aes_encrypt", "crypto_shash_update", "rng_get"], kept: ["prepare_task_switch", "my_encrypt_key"]);
skip_list!(skip_bug_spinlock, "BUG:", 15, skipped: ["spin_dump", "ww_mutex_lock", "ww_mutex_unlock"], kept: ["wake_up_new_task"]);
skip_list!(skip_bug_scheduling_while_atomic, "BUG:", 18, skipped: ["schedule_timeout", "__schedule"], kept: ["simple_recursive_removal"]);
skip_list!(skip_bug_bad_page, "BUG:", 26, skipped: ["free_pages_prepare", "free_unref_page", "__folio_put", "page_frag_free", "prep_new_page_alloc", "vmap_pages", "__set_page_owner"], kept: ["skb_release_data"]);
skip_list!(skip_bug_using_preemptible, "BUG:", 30, skipped: ["check_preemption_disabled", "debug_smp_processor_id", "this_cpu_cmpxchg"], kept: ["ipcomp_init_state"]);
skip_list!(skip_bug_memory_leak, "BUG:", 32, skipped: ["kmemleak_alloc", "sk_prot_alloc", "__do_mmap", "idr_get_next", "list_lru_init_memcg", "pcpu_create_chunk"], kept: ["inet6_create"]);
skip_list!(skip_bug_invalid_wait_context, "BUG:", 34, skipped: ["lock_sock_nested", "release_sock"], kept: ["sk_psock_drop"]);

skip_list!(skip_warning_odebug, "WARNING:", 0, skipped: ["debug_print_object", "call_rcu", "hrtimer_init", "init_timer_key", "cancel_work_x", "free_percpu_x", "vfree_x", "__free_pages"], kept: ["unreserve_psock"]);
skip_list!(skip_warning_usercopy, "WARNING:", 1, skipped: ["usercopy_warn", "__check_heap_x"], kept: ["put_cmsg"]);
skip_list!(skip_warning_kobject, "WARNING:", 2, skipped: [], kept: ["br_add_if"]);
skip_list!(skip_warning_proc, "WARNING:", 3, skipped: ["proc_register", "proc_mkdir_data"], kept: ["clusterip_tg_check"]);
skip_list!(skip_warning_refcount, "WARNING:", 4, skipped: ["ex_refcount_sub_and_test"], kept: ["sctp_wfree"]);
skip_list!(skip_warning_lockdep, "WARNING:", 5, skipped: ["lock_sock_nested", "release_sock"], kept: ["destroy_unused_super"]);
skip_list!(skip_warning_kmalloc, "WARNING:", 9, skipped: ["kmem_x", "slabinfo"], kept: ["cpu_map_update_elem"]);
skip_list!(skip_warning_usb_submit_urb, "WARNING:", 11, skipped: ["usb_start_wait_urb", "usb_bulk_msg", "usb_interrupt_msg"], kept: ["submit_rx_urb"]);
skip_list!(skip_warning_circular_locking, "WARNING:", 16, skipped: [], kept: ["blkdev_reread_part"]);
skip_list!(skip_warning_suspicious_rcu, "WARNING:", 21, skipped: ["rcu_preempt_x", "kmem_x", "slabinfo"], kept: ["bpf_prog_array_copy_info"]);

skip_list!(skip_info_rcu_stall, "INFO:", 5, skipped: ["apic_timer_interrupt", "rcu_check_callbacks"], kept: ["ipv6_rcv"]);
skip_list!(skip_info_non_static_key, "INFO:", 6, skipped: ["save_stack", "ww_mutex_lock", "IRQ_x"], kept: ["tcp_fastopen_reset_cipher"]);
skip_list!(skip_info_suspicious_rcu, "INFO:", 7, skipped: ["rcu_preempt_x"], kept: ["sk_filter_trim_cap"]);
skip_list!(skip_info_task_cant_die, "INFO:", 9, skipped: ["schedule_timeout"], kept: ["io_uring_cancel"]);

skip_list!(skip_kernel_panic_stack_protector, "Kernel panic", 1, skipped: ["__stack_chk_fail"], kept: ["udp4_lib_lookup2"]);
skip_list!(skip_kernel_panic_corrupted_stack_end, "Kernel panic", 2, skipped: ["schedule_x", "retint_kernel"], kept: ["sys_socket"]);
skip_list!(skip_kernel_panic_stack_overflow, "Kernel panic", 3, skipped: ["handle_bad_stack"], kept: ["ext4_readdir"]);
skip_list!(skip_rust_panic, "rust_kernel: panicked", 0, skipped: ["__rustc::rust_begin_unwind"], kept: ["<rust_binder::process::Process>::update_ref"]);
skip_list!(skip_kernel_bug_usercopy, "kernel BUG", 0, skipped: ["__check_heap_x", "usercopy_abort"], kept: ["kvm_vcpu_ioctl_set_cpuid2"]);
skip_list!(skip_kernel_bug_at, "kernel BUG", 2, skipped: ["skb_pull"], kept: ["esp6_gro_receive", "__skb_pull"]);
skip_list!(skip_ubsan, "UBSAN:", 0, skipped: ["__ubsan_handle_shift_out_of_bounds", "check_mul_overflow_x"], kept: ["proc_do_submiturb"]);

// ---------------------------------------------------------------------------------------------
// Extractors (§7.3)
// ---------------------------------------------------------------------------------------------

fn frames<'a>(names: &'a [&'a str]) -> Vec<&'a [u8]> {
    names.iter().map(|n| n.as_bytes()).collect()
}

fn text(r: Option<(Vec<u8>, usize)>) -> Option<(String, usize)> {
    r.map(|(f, i)| (String::from_utf8(f).unwrap(), i))
}

#[test]
fn stall_extractor_takes_frame_before_anchor() {
    // From corpus file 145: …, ipv6_rcv, __netif_receive_skb_core → ipv6_rcv.
    let f = frames(&[
        "ip6_input",
        "ipv6_rcv",
        "__netif_receive_skb_core",
        "process_backlog",
    ]);
    assert_eq!(text(stall_extractor(&f)), Some(("ipv6_rcv".into(), 1)));
    // Spec example: ext4_file_read_iter, new_sync_read, vfs_read, ksys_read.
    let f = frames(&["ext4_file_read_iter", "new_sync_read", "vfs_read", "read"]);
    assert_eq!(
        text(stall_extractor(&f)),
        Some(("ext4_file_read_iter".into(), 0))
    );
}

#[test]
fn stall_extractor_anchor_first_smp_call_and_none() {
    let f = frames(&["process_one_work", "worker_thread"]);
    assert_eq!(
        text(stall_extractor(&f)),
        Some(("process_one_work".into(), 0))
    );
    let f = frames(&["foo", "smp_call_function_many", "bar"]);
    assert_eq!(
        text(stall_extractor(&f)),
        Some(("smp_call_function".into(), 1))
    );
    // `^kthread$` is anchored; `kthread_worker` is not an anchor.
    let f = frames(&["foo", "kthread_worker", "bar"]);
    assert_eq!(stall_extractor(&f), None);
    // Syscall names are stripped before extraction: sys_ioctl hits `^(sys_)?(…|ioctl)`.
    let f = frames(&["snd_seq_ioctl", "sys_ioctl"]);
    assert_eq!(text(stall_extractor(&f)), Some(("snd_seq_ioctl".into(), 0)));
}

#[test]
fn hang_extractor_rtnl_lock_and_synchronize() {
    let f = frames(&[
        "__schedule",
        "mutex_lock_nested",
        "rtnl_lock",
        "addrconf_dad_work",
    ]);
    assert_eq!(text(hang_extractor(&f)), Some(("rtnl_lock".into(), 2)));
    let f = frames(&["__schedule", "synchronize_sched", "sys_membarrier"]);
    assert_eq!(
        text(hang_extractor(&f)),
        Some(("synchronize_rcu".into(), 1))
    );
    let f = frames(&["schedule", "synchronize_srcu", "kvm_destroy_vm"]);
    assert_eq!(
        text(hang_extractor(&f)),
        Some(("synchronize_rcu".into(), 1))
    );
}

#[test]
fn hang_extractor_first_interesting_frame_or_none() {
    // From corpus file 70: `fdatawait_one_bdev` contains `wait`, so it is not interesting.
    let f = frames(&[
        "__schedule",
        "schedule",
        "fdatawait_one_bdev",
        "iterate_bdevs",
    ]);
    assert_eq!(text(hang_extractor(&f)), Some(("iterate_bdevs".into(), 3)));
    let f = frames(&[
        "schedule",
        "rwsem_down_read_slowpath",
        "wait_for_completion",
        "kthread",
    ]);
    assert_eq!(hang_extractor(&f), None);
}

// ---------------------------------------------------------------------------------------------
// Title normalisation (§10.1), one test per row plus sanitising
// ---------------------------------------------------------------------------------------------

fn norm(s: &str) -> String {
    normalise_title(s.as_bytes())
}

#[test]
fn normalise_row0_syz_executor() {
    assert_eq!(
        norm("INFO: task syz-executor.3:123 hung"),
        "INFO: task syz-executor hung"
    );
    assert_eq!(
        norm("lock held by syz-executor7/10431"),
        "lock held by syz-executor"
    );
}

#[test]
fn normalise_row1_syzkaller() {
    assert_eq!(norm("code: syzkaller195313/3344"), "code: syzkaller");
}

#[test]
fn normalise_row2_addr() {
    assert_eq!(norm("at addr ffff88000012c43a"), "at addr ADDR");
    assert_eq!(norm("x 0xdeadbeef"), "x ADDR");
    // Not anchored at the end of a word.
    assert_eq!(norm(" abcdef_x"), "ADDR_x");
    // Needs a non-alphanumeric byte before it.
    assert_eq!(norm("zabcdef"), "zabcdef");
}

#[test]
fn normalise_row3_ip() {
    assert_eq!(norm("route to 10.0.0.1 failed"), "route to IP failed");
}

#[test]
fn normalise_row4_line_numbers() {
    assert_eq!(norm("in net/core/dev.c:1234:5"), "in net/core/dev.c:LINE");
}

#[test]
fn normalise_row5_func_offset() {
    // Corpus file 79.
    assert_eq!(
        norm(
            "KASAN: use-after-free in do_con_write.part.23+0x1c50/0x1cb0 at addr ffff88000012c43a"
        ),
        "KASAN: use-after-free in do_con_write.part.NUM at addr ADDR"
    );
}

#[test]
fn normalise_row6_cpu() {
    assert_eq!(norm("stuck on CPU#12!"), "stuck on CPU!");
}

#[test]
fn normalise_row7_numbers() {
    // Corpus file 617.
    assert_eq!(norm("unknown-block(0,0)"), "unknown-block(NUM,NUM)");
    assert_eq!(norm("a 1,2,3 b"), "a NUM,NUM,NUM b");
    assert_eq!(norm("count = 5"), "count = NUM");
    assert_eq!(norm("ext4"), "ext4");
}

#[test]
fn normalise_row8_long_digit_runs() {
    // Corpus file 660 style: digits glued to letters.
    assert_eq!(norm("testdir264563108"), "testdirNUM");
    assert_eq!(norm("abc123456"), "abc123456");
}

#[test]
fn sanitise_title() {
    assert_eq!(norm("  a\tb\x01  c  "), "a b c");
    assert_eq!(norm("x\u{e9}y"), "xy");
    let long = "WARNING: ".to_string() + &"x".repeat(300);
    assert_eq!(norm(&long).len(), 120);
}

// ---------------------------------------------------------------------------------------------
// Demangling (§7.4) and types (§11)
// ---------------------------------------------------------------------------------------------

#[test]
fn demangle_cpp_and_rust() {
    let d = |s: &str| String::from_utf8(demangle(s.as_bytes())).unwrap();
    assert_eq!(d("_Z8fakeNameiii"), "fakeName");
    assert_eq!(
        d("_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref"),
        "<rust_binder::process::Process>::update_ref"
    );
    assert_eq!(
        d("_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind"),
        "__rustc::rust_begin_unwind"
    );
    assert_eq!(d("_Zbogus"), "_Zbogus");
    assert_eq!(d("tcp_sendmsg"), "tcp_sendmsg");
}

#[test]
fn title_types() {
    let cases = [
        ("KASAN: slab-out-of-bounds Write in f", Some("KASAN-WRITE")),
        ("KASAN: slab-out-of-bounds in f", Some("KASAN-READ")),
        (
            "KASAN: use-after-free in f",
            Some("KASAN-USE-AFTER-FREE-READ"),
        ),
        ("KASAN: foo in f", Some("KASAN-UNKNOWN")),
        (
            "KMSAN: kernel-infoleak-after-free in f",
            Some("KMSAN-USE-AFTER-FREE-READ"),
        ),
        ("WARNING: refcount bug in f", Some("REFCOUNT_WARNING")),
        ("WARNING: corrupted", None),
        ("WARNING: something", Some("WARNING")),
        ("BUG: stack guard page was hit in f", None),
        ("BUG: soft lockup in f", Some("HANG")),
        ("BUG: Bad page map", None),
        ("unexpected kernel reboot", Some("REBOOT")),
        ("SYZFATAL: x", Some("SYZ_FAILURE")),
        ("kernel panic: x", Some("DoS")),
        ("something else", None),
    ];
    for (title, ty) in cases {
        assert_eq!(title_to_type(title), ty, "{title}");
    }
}
