//! One minimal report per title template family (spec §8), a few lines each, taken from the
//! corpus files named in each comment (tests/fixtures/syzkaller) and cut down to the lines that
//! decide the signature.

struct Want {
    title: &'static str,
    crash_type: Option<&'static str>,
    frame: Option<&'static str>,
    corrupted: bool,
    alts: &'static [&'static str],
}

fn check(log: &str, want: Want) {
    let sig = ktriage_syz::parse(log.as_bytes()).expect("a report");
    assert_eq!(sig.title, want.title);
    assert_eq!(sig.crash_type.as_deref(), want.crash_type, "type");
    assert_eq!(sig.guilty_frame.as_deref(), want.frame, "frame");
    assert_eq!(
        sig.corrupted, want.corrupted,
        "corrupted: {:?}",
        sig.corrupted_reason
    );
    let mut got = sig.alt_titles.clone();
    got.sort();
    let mut alts: Vec<&str> = want.alts.to_vec();
    alts.sort();
    assert_eq!(got, alts, "alt titles");
    assert!(ktriage_syz::contains_crash(log.as_bytes()));
}

// ---------------------------------------------------------------------------------------------
// `BUG:` formats (§8 oops 1)
// ---------------------------------------------------------------------------------------------

/// KASAN report: kind, access and function from the header (corpus file 109).
#[test]
fn bug_kasan_access() {
    check(
        r#"[  189.533112] BUG: KASAN: stack-out-of-bounds in xfrm_state_find+0x30fc/0x3230
[  189.540278] Read of size 4 at addr ffff8801ca7c7960 by task syz-executor3/12380
[  189.565597] Call Trace:
[  189.568167]  dump_stack+0x194/0x257
[  189.589216]  print_address_description+0x73/0x250
"#,
        Want {
            title: "KASAN: stack-out-of-bounds Read in xfrm_state_find",
            crash_type: Some("KASAN-READ"),
            frame: Some("xfrm_state_find"),
            corrupted: false,
            alts: &["bad-access in xfrm_state_find"],
        },
    );
}

/// KASAN double-free or invalid-free (corpus file 5).
#[test]
fn bug_kasan_invalid_free() {
    check(
        r#"[   96.262735] BUG: KASAN: double-free or invalid-free in selinux_tun_dev_free_security+0x15/0x20
[   96.289602] Call Trace:
[   96.292180]  dump_stack+0x194/0x257
[   96.310565]  print_address_description+0x7f/0x260
"#,
        Want {
            title: "KASAN: invalid-free in selinux_tun_dev_free_security",
            crash_type: Some("KASAN-INVALID-FREE"),
            frame: Some("selinux_tun_dev_free_security"),
            corrupted: false,
            alts: &["invalid-free in selinux_tun_dev_free_security"],
        },
    );
}

/// old KASAN `on address` format without a function (corpus file 19).
#[test]
fn bug_kasan_old_on_address() {
    check(
        r#"[ 1722.511384] BUG: KASAN: wild-memory-access on address ffe7087450a17000
[ 1722.511384] Read of size 205 by task syz-executor1/9018
"#,
        Want {
            title: "KASAN: wild-memory-access Read",
            crash_type: Some("KASAN-READ"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// KASAN header without an access line: catch-all, marked corrupted (corpus file 79).
#[test]
fn bug_kasan_catch_all() {
    check(
        r#"[  374.860710] BUG: KASAN: use-after-free in do_con_write.part.23+0x1c50/0x1cb0 at addr ffff88000012c43a
"#,
        Want {
            title: "KASAN: use-after-free in do_con_write.part.NUM at addr ADDR",
            crash_type: Some("KASAN-USE-AFTER-FREE-READ"),
            frame: Some("do_con_write"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// KMSAN usb infoleak: access stack and origin stack (corpus file 637).
#[test]
fn bug_kmsan_usb_infoleak() {
    check(
        r#"[  180.470227][ T3569] BUG: KMSAN: kernel-usb-infoleak in usb_submit_urb+0x6c1/0x2aa0
[  180.482855][ T3569]  hif_usb_send+0x5f0/0x16f0
[  180.545869][ T3569] Uninit was created at:
[  180.560605][ T3569]  htc_connect_service+0x1029/0x1960
"#,
        Want {
            title: "KMSAN: kernel-usb-infoleak in hif_usb_send",
            crash_type: Some("KMSAN-INFO-LEAK"),
            frame: Some("hif_usb_send"),
            corrupted: false,
            alts: &["KMSAN origin in htc_connect_service"],
        },
    );
}

/// KMSAN: the origin marker ends the first stack (corpus file 626).
#[test]
fn bug_kmsan_uninit_value() {
    check(
        r#"[  567.483452][    T1] BUG: KMSAN: uninit-value in prepare_task_switch+0x284/0xd00
[  567.490925][    T1]  prepare_task_switch+0x284/0xd00
[  567.553376][    T1] Local variable ----path@step_into created at:
[  567.559600][    T1]  step_into+0xbc/0x1a00
"#,
        Want {
            title: "KMSAN: uninit-value in prepare_task_switch",
            crash_type: Some("KMSAN-UNINIT-VALUE"),
            frame: Some("prepare_task_switch"),
            corrupted: false,
            alts: &["bad-access in prepare_task_switch"],
        },
    );
}

/// KCSAN data race (corpus file 427).
#[test]
fn bug_kcsan_data_race() {
    check(
        r#"[   44.379001][    C4] BUG: KCSAN: data-race in find_next_bit / rcu_report_exp_cpu_mult
"#,
        Want {
            title: "KCSAN: data-race in find_next_bit / rcu_report_exp_cpu_mult",
            crash_type: Some("KCSAN-DATARACE"),
            frame: Some("find_next_bit"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// KFENCE use-after-free (memcmp skipped, next stack line used) (corpus file 590).
#[test]
fn bug_kfence_use_after_free() {
    check(
        r#"[  221.219706][ T9991] BUG: KFENCE: use-after-free read in memcmp+0x57/0x150
[  221.236645][ T9991]  find_uprobe+0x57/0x150
[  221.572830][ T9991] Call Trace:
[  221.580545][ T9991]  uprobe_perf_close+0x41e/0x6f0
[  221.585518][ T9991]  trace_uprobe_register+0x3e7/0x880
"#,
        Want {
            title: "KFENCE: use-after-free read in find_uprobe",
            crash_type: Some("KFENCE-USE-AFTER-FREE-READ"),
            frame: Some("find_uprobe"),
            corrupted: false,
            alts: &["bad-access in find_uprobe"],
        },
    );
}

/// KFENCE out-of-bounds write (corpus file 592).
#[test]
fn bug_kfence_out_of_bounds() {
    check(
        r#"[    3.981709] BUG: KFENCE: out-of-bounds write in test_out_of_bounds_write+0x8e/0x148
[    4.003552] Call Trace:
[    4.006016]  kunit_try_run_case+0x51/0x90
[    4.007055]  kunit_generic_run_threadfn_adapter+0x16/0x30
"#,
        Want {
            title: "KFENCE: out-of-bounds write in test_out_of_bounds_write",
            crash_type: Some("KFENCE-WRITE"),
            frame: Some("test_out_of_bounds_write"),
            corrupted: false,
            alts: &["bad-access in test_out_of_bounds_write"],
        },
    );
}

/// KFENCE invalid read (corpus file 598).
#[test]
fn bug_kfence_invalid_read() {
    check(
        r#"[   10.614532] BUG: KFENCE: invalid read in test_invalid_access+0x48/0xe0
[   10.631451] Call Trace:
[   10.635080]  kthread+0x166/0x1a0
[   10.636000]  ret_from_fork+0x22/0x30
"#,
        Want {
            title: "KFENCE: invalid read in test_invalid_access",
            crash_type: Some("KFENCE-READ"),
            frame: Some("test_invalid_access"),
            corrupted: false,
            alts: &["bad-access in test_invalid_access"],
        },
    );
}

/// KFENCE invalid free (corpus file 595).
#[test]
fn bug_kfence_invalid_free() {
    check(
        r#"[    4.765977] BUG: KFENCE: invalid free in test_invalid_addr_free+0xb4/0x17e
"#,
        Want {
            title: "KFENCE: invalid free in test_invalid_addr_free",
            crash_type: Some("KFENCE-INVALID-FREE"),
            frame: Some("test_invalid_addr_free"),
            corrupted: false,
            alts: &["invalid-free in test_invalid_addr_free"],
        },
    );
}

/// KFENCE memory corruption (corpus file 596).
#[test]
fn bug_kfence_memory_corruption() {
    check(
        r#"[    4.997809] BUG: KFENCE: memory corruption in test_corruption+0xb3/0x20f
"#,
        Want {
            title: "KFENCE: memory corruption in test_corruption",
            crash_type: Some("KFENCE-MEMORY-CORRUPTION"),
            frame: Some("test_corruption"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// paging request: user-space IP, frame from the call trace (corpus file 139).
#[test]
fn bug_paging_request() {
    check(
        r#"[   70.748873] BUG: unable to handle kernel paging request at ffff880214d12c00
[   70.755967] IP: 0xffff880214d12c00
[   70.879870] Call Trace:
[   70.886721]  hash_sendmsg+0xc2/0x340
[   71.033571] Rebooting in 86400 seconds..
"#,
        Want {
            title: "BUG: unable to handle kernel paging request in hash_sendmsg",
            crash_type: Some("MEMORY_SAFETY_BUG"),
            frame: Some("hash_sendmsg"),
            corrupted: false,
            alts: &["bad-access in hash_sendmsg"],
        },
    );
}

/// NULL pointer dereference (corpus file 112).
#[test]
fn bug_null_deref() {
    check(
        r#"[  190.154802] BUG: unable to handle kernel NULL pointer dereference at 0000000000000286
[  190.154802] IP: 0x286
[  190.154802] Call Trace:
[  190.154802]  process_one_work+0xbf3/0x1bc0
[  190.154802] Kernel Offset: disabled
"#,
        Want {
            title: "BUG: unable to handle kernel NULL pointer dereference in process_one_work",
            crash_type: Some("NULL-POINTER-DEREFERENCE"),
            frame: Some("process_one_work"),
            corrupted: false,
            alts: &["bad-access in process_one_work"],
        },
    );
}

/// NULL dereference with no stack at all (corpus file 20).
#[test]
fn bug_null_deref_without_stack() {
    check(
        r#"[  149.188010] BUG: unable to handle kernel NULL pointer dereference at 000000000000058c
"#,
        Want {
            title: "BUG: unable to handle kernel NULL pointer dereference in corrupted",
            crash_type: Some("NULL-POINTER-DEREFERENCE"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &["bad-access in corrupted"],
        },
    );
}

/// two console lines merged into the oops line (corpus file 101).
#[test]
fn bug_unable_to_handle_merged_line() {
    check(
        r#"[  153.613861] BUG: unable to handle kernel [  153.615435] deprecated getsockopt IP_VLAN used by syz-executor4!
"#,
        Want {
            title: "BUG: unable to handle kernel",
            crash_type: None,
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// spinlock recursion (spin_/_lock skipped) (corpus file 68).
#[test]
fn bug_spinlock() {
    check(
        r#"[  213.269287] BUG: spinlock recursion on CPU#0, syz-executor7/5032
[  213.285112] Call Trace:
[  213.618060]  [<ffffffff881a2750>] _raw_spin_lock+0x40/0x50
[  213.618060]  [<ffffffff814c89b2>] wake_up_new_task+0x592/0x1000
"#,
        Want {
            title: "BUG: spinlock recursion in wake_up_new_task",
            crash_type: Some("LOCKDEP"),
            frame: Some("wake_up_new_task"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// spinlock already unlocked (corpus file 95).
#[test]
fn bug_spinlock_already_unlocked() {
    check(
        r#"[  108.620932] BUG: spinlock already unlocked on CPU#1, migration/1/12
[  108.676053] Call Trace:
[  108.702102]  [<ffffffff813cd204>] __wake_up+0x44/0x50
[  108.713189]  [<ffffffff8142958a>] synchronize_sched_expedited_cpu_stop+0x8a/0xa0
"#,
        Want {
            title: "BUG: spinlock already unlocked in synchronize_sched_expedited_cpu_stop",
            crash_type: Some("LOCKDEP"),
            frame: Some("synchronize_sched_expedited_cpu_stop"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// soft lockup: RIP frame skipped, stall extractor on the call trace (corpus file 265).
#[test]
fn bug_soft_lockup() {
    check(
        r#"[  352.504666] watchdog: BUG: soft lockup - CPU#1 stuck for 134s! [syz-executor2:10431]
[  352.570920] RIP: 0010:_raw_spin_unlock_irqrestore+0xa1/0xc0
[  352.656610] Call Trace:
[  352.679328]  snd_rawmidi_write+0x2e2/0xdc0
[  352.703684]  __vfs_write+0x10b/0x880
"#,
        Want {
            title: "BUG: soft lockup in snd_rawmidi_write",
            crash_type: Some("HANG"),
            frame: Some("snd_rawmidi_write"),
            corrupted: false,
            alts: &["stall in snd_rawmidi_write"],
        },
    );
}

/// soft lockup without any stack (corpus file 7).
#[test]
fn bug_soft_lockup_no_stack() {
    check(
        r#"[  536.429346] NMI watchdog: BUG: soft lockup - CPU#1 stuck for 11s! [syz-executor7:16813]
"#,
        Want {
            title: "BUG: soft lockup in corrupted",
            crash_type: Some("HANG"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &["stall in corrupted"],
        },
    );
}

/// scheduling while atomic (arm64 call trace) (corpus file 641).
#[test]
fn bug_scheduling_while_atomic() {
    check(
        r#"[ 9320.075571][    C0] BUG: scheduling while atomic: syz-fuzzer/2188/0x00000101
[ 9320.081746][    C0] Call trace:
[ 9320.084723][    C0]  show_stack+0x18/0x6c
[ 9320.095075][    C0]  simple_recursive_removal+0x124/0x270
"#,
        Want {
            title: "BUG: scheduling while atomic in simple_recursive_removal",
            crash_type: Some("ATOMIC_SLEEP"),
            frame: Some("simple_recursive_removal"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// old lockdep bad unlock balance (corpus file 37).
#[test]
fn bug_bad_unlock_balance() {
    check(
        r#"[ 1722.511384] [ BUG: bad unlock balance detected! ]
[ 1722.511384] [<ffffffff83f7ac8b>] sctp_sendmsg+0x2a3b/0x38a0 net/sctp/socket.c:2007
"#,
        Want {
            title: "BUG: bad unlock balance in sctp_sendmsg",
            crash_type: Some("LOCKDEP"),
            frame: Some("sctp_sendmsg"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// old lockdep held lock freed (corpus file 38).
#[test]
fn bug_held_lock_freed() {
    check(
        r#"[  633.049987] [ BUG: held lock freed! ]
[  633.050009]  (slock-AF_INET6){+.-...}, at: [<ffffffff835f22c9>] sk_clone_lock+0x3d9/0x12c0
"#,
        Want {
            title: "BUG: held lock freed in sk_clone_lock",
            crash_type: Some("LOCKDEP"),
            frame: Some("sk_clone_lock"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// dentry still in use at unmount (corpus file 625).
#[test]
fn bug_dentry_still_in_use() {
    check(
        r#"[  538.260174][  T380] BUG: Dentry ffff88810e2ca880{i=0,n=.index}  still in use (1) [unmount of ext4 loop4]
[  538.418207][  T380] Call Trace:
[  538.481503][  T380]  syscall_exit_to_user_mode+0x24/0x40
[  538.553653][  T380] R10: 0000555555a06b83 R11: 0000000000000246 R12: 00007fcf5ffbf035
"#,
        Want {
            title: "BUG: Dentry still in use in unmount",
            crash_type: None,
            frame: Some("unmount"),
            corrupted: false,
            alts: &["BUG: Dentry still in use [unmount of ext4 loop4]"],
        },
    );
}

/// bad page state without the page owner stack (corpus file 89).
#[test]
fn bug_bad_page_state_no_stack() {
    check(
        r#"[ 1722.511384] BUG: Bad page state in process syz-executor9  pfn:199e00
"#,
        Want {
            title: "BUG: Bad page state in corrupted",
            crash_type: None,
            frame: Some("corrupted"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// bad page map (corpus file 85).
#[test]
fn bug_bad_page_map() {
    check(
        r#"[   40.438790] BUG: Bad page map in process syz-executor6  pte:ffff8801a700ff00 pmd:1a700f067
"#,
        Want {
            title: "BUG: Bad page map",
            crash_type: None,
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// workqueue lockup (no stack needed) (corpus file 94).
#[test]
fn bug_workqueue_lockup() {
    check(
        r#"[   72.159680] BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 32s!
"#,
        Want {
            title: "BUG: workqueue lockup",
            crash_type: None,
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// workqueue leaked lock: last function (corpus file 211).
#[test]
fn bug_workqueue_leaked_lock() {
    check(
        r#"[   52.362800] BUG: workqueue leaked lock or atomic: kworker/0:1/0x00000000/353
[   52.362800]      last function: addrconf_dad_work
"#,
        Want {
            title: "BUG: workqueue leaked lock or atomic in addrconf_dad_work",
            crash_type: None,
            frame: Some("addrconf_dad_work"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// sleeping function called from invalid context (corpus file 608).
#[test]
fn bug_sleeping_function() {
    check(
        r#"[  566.230190][T22160] BUG: sleeping function called from invalid context at include/linux/sched/mm.h:201
[  566.554585][T22160] Call Trace:
[  566.583028][T22160]  __alloc_skb+0x20b/0x340
[  566.587492][T22160]  netlink_ack+0x1ed/0xaa0
"#,
        Want {
            title: "BUG: sleeping function called from invalid context in __alloc_skb",
            crash_type: Some("ATOMIC_SLEEP"),
            frame: Some("__alloc_skb"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// BUG: using __this_cpu_read() in preemptible code (corpus file 131).
#[test]
fn bug_using_in_preemptible() {
    check(
        r#"syzkaller login: [   35.184476] BUG: using __this_cpu_read() in preemptible [00000000] code: syzkaller195313/3344
[   35.239734] Call Trace:
[   35.242294]  [<ffffffff81d90889>] dump_stack+0xc1/0x128
[   35.260808]  [<ffffffff833f3f78>] ipcomp_init_state+0x188/0x930
"#,
        Want {
            title: "BUG: using __this_cpu_read() in preemptible code in ipcomp_init_state",
            crash_type: Some("LOCKDEP"),
            frame: Some("ipcomp_init_state"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// BUG: using smp_processor_id(): check_preemption_disabled skipped (corpus file 496).
#[test]
fn bug_using_smp_processor_id() {
    check(
        r#"syzkaller login: [   59.806466][ T6792] BUG: using smp_processor_id() in preemptible [00000000] code: syz-fuzzer/6792
[   59.840909][ T6792] Call Trace:
[   59.848512][ T6792]  check_preemption_disabled+0x20d/0x220
[   59.854126][ T6792]  ext4_mb_new_blocks+0xa4d/0x3b70
"#,
        Want {
            title: "BUG: using smp_processor_id() in preemptible code in ext4_mb_new_blocks",
            crash_type: Some("LOCKDEP"),
            frame: Some("ext4_mb_new_blocks"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kmemleak backtrace (sk_alloc skipped) (corpus file 52).
#[test]
fn bug_memory_leak() {
    check(
        r#"2018/01/09 14:28:48 BUG: memory leak
  backtrace: 
    [<ffffffff84b6d36a>] sk_alloc+0x3a/0x6b0 net/core/sock.c:1419 
    [<ffffffff850c6d57>] inet6_create+0x2d7/0x1000 net/ipv6/af_inet6.c:173 
"#,
        Want {
            title: "memory leak in inet6_create",
            crash_type: Some("LEAK"),
            frame: Some("inet6_create"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// stack guard page: stall extractor (corpus file 614).
#[test]
fn bug_stack_guard_page() {
    check(
        r#"[  733.821133][    C1] BUG: stack guard page was hit at ffffc900190cfff8 (stack is ffffc900190d0000..ffffc900190d7fff)
[  733.821187][    C1] RIP: 0010:netdev_next_lower_dev_rcu+0x8/0xb0
[  733.821341][    C1] Call Trace:
[  733.825999][    C1]  rtnl_newlink+0x64/0xa0
[  733.826029][    C1]  rtnetlink_rcv_msg+0x44e/0xb70
"#,
        Want {
            title: "BUG: stack guard page was hit in rtnl_newlink",
            crash_type: None,
            frame: Some("rtnl_newlink"),
            corrupted: false,
            alts: &["stack-overflow in rtnl_newlink"],
        },
    );
}

/// stack guard page without a stack (corpus file 344).
#[test]
fn bug_stack_guard_page_no_stack() {
    check(
        r#"[  760.482711] BUG: stack guard page was hit at 00000000397c6d92 (stack is 00000000a0f6b86a..000000000e6f9570)
"#,
        Want {
            title: "BUG: stack guard page was hit in corrupted",
            crash_type: None,
            frame: Some("corrupted"),
            corrupted: true,
            alts: &["stack-overflow in corrupted"],
        },
    );
}

/// no format matches: the header line is the title (corpus file 403).
#[test]
fn bug_header_line_fallback() {
    check(
        r#"[  185.416858][  T809] BUG: MAX_STACK_TRACE_ENTRIES too low!
"#,
        Want {
            title: "BUG: MAX_STACK_TRACE_ENTRIES too low!",
            crash_type: None,
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

// ---------------------------------------------------------------------------------------------
// `WARNING:` formats (§8 oops 2)
// ---------------------------------------------------------------------------------------------

/// classic WARNING: frame from RIP line (corpus file 4).
#[test]
fn warning_classic() {
    check(
        r#"[   55.967976] WARNING: CPU: 1 PID: 8377 at arch/x86/kvm/x86.c:7209 kvm_arch_vcpu_ioctl_run+0x1f7/0x5a00
[   56.065137] Call Trace:
[   56.154533]  invalid_op+0x1e/0x30
[   56.157961] RIP: 0010:kvm_arch_vcpu_ioctl_run+0x1f7/0x5a00
"#,
        Want {
            title: "WARNING in kvm_arch_vcpu_ioctl_run",
            crash_type: Some("WARNING"),
            frame: Some("kvm_arch_vcpu_ioctl_run"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// ODEBUG: RIP function skipped, call trace fallback (corpus file 173).
#[test]
fn warning_odebug() {
    check(
        r#"[  162.210402] WARNING: CPU: 1 PID: 3502 at lib/debugobjects.c:291 debug_print_object+0x166/0x220
[  162.246935] Call Trace:
[  162.438289]  kmem_cache_free+0x253/0x2a0
[  162.442319]  unreserve_psock+0x5a1/0x780
"#,
        Want {
            title: "WARNING: ODEBUG bug in unreserve_psock",
            crash_type: Some("WARNING"),
            frame: Some("unreserve_psock"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// usercopy warning (corpus file 169).
#[test]
fn warning_bad_usercopy() {
    check(
        r#"[   54.586790] WARNING: CPU: 1 PID: 6747 at mm/usercopy.c:81 usercopy_warn+0xdb/0x100
[   54.618165] Call Trace:
[   54.620739]  dump_stack+0x194/0x257
[   54.774634]  put_cmsg+0x233/0x3f0
"#,
        Want {
            title: "WARNING: bad usercopy in put_cmsg",
            crash_type: Some("WARNING"),
            frame: Some("put_cmsg"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kobject warning (corpus file 182).
#[test]
fn warning_kobject() {
    check(
        r#"[  179.154920] WARNING: CPU: 1 PID: 3485 at lib/kobject.c:244 kobject_add_internal+0x3f6/0xbc0
[  179.154943] Call Trace:
[  179.155471]  kobject_init_and_add+0xf9/0x150
[  179.155552]  br_add_if+0x786/0x1990
"#,
        Want {
            title: "WARNING: kobject bug in br_add_if",
            crash_type: Some("WARNING"),
            frame: Some("br_add_if"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// proc registration warning (corpus file 181).
#[test]
fn warning_proc_registration() {
    check(
        r#"[  126.780219] WARNING: CPU: 1 PID: 4074 at fs/proc/generic.c:330 proc_register+0x2a4/0x370
[  126.812171] Call Trace:
[  126.814739]  dump_stack+0x194/0x257
[  126.947687]  clusterip_tg_check+0xf9c/0x16d0
"#,
        Want {
            title: "WARNING: proc registration bug in clusterip_tg_check",
            crash_type: Some("WARNING"),
            frame: Some("clusterip_tg_check"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// refcount warning (corpus file 157).
#[test]
fn warning_refcount() {
    check(
        r#"[   44.471332] WARNING: CPU: 1 PID: 2992 at lib/refcount.c:186 refcount_sub_and_test+0x167/0x1b0
[   44.503948] Call Trace:
[   44.506504]  dump_stack+0x194/0x257
[   44.669090]  sctp_wfree+0x183/0x620
"#,
        Want {
            title: "WARNING: refcount bug in sctp_wfree",
            crash_type: Some("REFCOUNT_WARNING"),
            frame: Some("sctp_wfree"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// lockdep.c warning: locking bug (corpus file 161).
#[test]
fn warning_lockdep() {
    check(
        r#"[  151.124680] WARNING: CPU: 1 PID: 21689 at kernel/locking/lockdep.c:3676 lock_release+0x6e6/0xa40
[  151.124694] Call Trace:
[  151.124702]  dump_stack+0x194/0x257
[  151.124963]  destroy_unused_super.part.7+0x18/0xd0
"#,
        Want {
            title: "WARNING: locking bug in destroy_unused_super",
            crash_type: Some("LOCKDEP"),
            frame: Some("destroy_unused_super"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// task still has locks held (corpus file 532).
#[test]
fn warning_still_has_locks_held() {
    check(
        r#"[  826.525201][ T4398] WARNING: syz-fuzzer/4398 still has locks held!
[  826.573908][ T4398]  #0: ffffa00019769560 (rcu_read_lock){....}-{1:2}, at: count_memcg_event_mm+0x24/0x2f0
[  826.580250][ T4398] Call trace:
[  826.580864][ T4398]  dump_backtrace+0x0/0x4d0
[  826.584037][ T4398]  do_notify_resume+0x4e0/0xd50
"#,
        Want {
            title: "WARNING: still has locks held in count_memcg_event_mm",
            crash_type: Some("LOCKDEP"),
            frame: Some("count_memcg_event_mm"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// nested lock was not taken (corpus file 655).
#[test]
fn warning_nested_lock() {
    check(
        r#"[ 1078.042081][ T3315] WARNING: Nested lock was not taken
[ 1078.101524][ T3315] Call trace:
[ 1078.102396][ T3315]  __lock_acquire+0x7cc/0x30a4
[ 1078.105747][ T3315]  evict+0x90/0x334
"#,
        Want {
            title: "WARNING: nested lock was not taken in evict",
            crash_type: Some("LOCKDEP"),
            frame: Some("evict"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// lock held when returning to user space (corpus file 257).
#[test]
fn warning_lock_held_returning() {
    check(
        r#"[  197.073115] WARNING: lock held when returning to user space!
[  197.076969] syz-executor0/17896 is leaving the kernel with locks still held!
[  197.079733]  #0: 00000000a3b01fa0 (&fi->mutex){+.+.}, at: fuse_lock_inode+0xaf/0xe0
"#,
        Want {
            title: "WARNING: lock held when returning to user space in fuse_lock_inode",
            crash_type: Some("LOCKDEP"),
            frame: Some("fuse_lock_inode"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kmalloc warning in mm/util.c (corpus file 209).
#[test]
fn warning_kmalloc() {
    check(
        r#"[   29.689945] WARNING: CPU: 1 PID: 4183 at mm/util.c:403 kvmalloc_node+0xc3/0xd0
[   29.718080] Call Trace:
[   29.718093]  dump_stack+0x194/0x257
[   29.932015]  cpu_map_update_elem+0x3c3/0x8e0
"#,
        Want {
            title: "WARNING: kmalloc bug in cpu_map_update_elem",
            crash_type: Some("WARNING"),
            frame: Some("cpu_map_update_elem"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// zero-size vmalloc (no timestamps) (corpus file 686).
#[test]
fn warning_zero_size_vmalloc() {
    check(
        r#"WARNING: CPU: 1 PID: 15973 at mm/vmalloc.c:3108 __vmalloc_node_range+0x1036/0x1300 mm/vmalloc.c:3108
Call Trace:
 <TASK>
 bpf_check+0x1b8/0xae50 kernel/bpf/verifier.c:17253
"#,
        Want {
            title: "WARNING: zero-size vmalloc in bpf_check",
            crash_type: Some("WARNING"),
            frame: Some("bpf_check"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// usb_submit_urb warning: caller/usb_submit_urb (corpus file 388).
#[test]
fn warning_usb_submit_urb() {
    check(
        r#"[   38.721146][   T12] WARNING: CPU: 0 PID: 12 at drivers/usb/core/urb.c:477 usb_submit_urb+0x119a/0x13c0
[   38.765659][   T12] Call Trace:
[   38.835074][   T12]  submit_rx_urb+0x2e1/0x3e0
[   38.843545][   T12]  hfa384x_drvr_start+0x1cb/0x420
"#,
        Want {
            title: "WARNING in submit_rx_urb/usb_submit_urb",
            crash_type: Some("WARNING"),
            frame: Some("submit_rx_urb"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// possible circular locking dependency (corpus file 26).
#[test]
fn warning_circular_locking() {
    check(
        r#"[  127.532093] WARNING: possible circular locking dependency detected
[  127.548509] syz-executor0/22269 is trying to acquire lock:
[  127.554094]  (&bdev->bd_mutex){+.+.}, at: [<ffffffff8232bf0e>] blkdev_reread_part+0x1e/0x40
[  127.816876] Call Trace:
[  127.819433]  dump_stack+0x194/0x257
[  128.182847]  entry_SYSENTER_compat+0x51/0x60
"#,
        Want {
            title: "possible deadlock in blkdev_reread_part",
            crash_type: Some("LOCKDEP"),
            frame: Some("blkdev_reread_part"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// circular locking report cut before the lock line (corpus file 98).
#[test]
fn warning_circular_locking_truncated() {
    check(
        r#"[  308.136979] WARNING: possible circular locking dependency detected
"#,
        Want {
            title: "WARNING: possible circular locking dependency detected",
            crash_type: Some("WARNING"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// inconsistent lock state (arm32 backtrace) (corpus file 553).
#[test]
fn warning_inconsistent_lock_state() {
    check(
        r#"[ 1034.372179][    C0] WARNING: inconsistent lock state
[ 1034.374564][    C0] swapper/0/0 [HC0[0]:SC1[1]:HE1:SE0] takes:
[ 1034.375670][    C0] 8f5cc25c (&file_data->lock){+.?.}-{3:3}, at: io_file_data_ref_zero+0x30/0x1a8
[ 1034.392904][    C0] Backtrace: 
[ 1034.406736][    C0] [<80456254>] (io_file_data_ref_zero) from [<807164e4>] (percpu_ref_put_many.constprop.0+0x228/0x250)
[ 1034.407697][    C0]  r10:812092b0 r9:00000002 r8:81208ed4 r7:00000001 r6:8f5d2080 r5:00000003
"#,
        Want {
            title: "inconsistent lock state in io_file_data_ref_zero",
            crash_type: Some("LOCKDEP"),
            frame: Some("io_file_data_ref_zero"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// suspicious RCU usage (corpus file 166).
#[test]
fn warning_suspicious_rcu() {
    check(
        r#"[   24.275791] WARNING: suspicious RCU usage
[   24.287794] ./include/linux/rcupdate.h:302 Illegal context switch in RCU read-side critical section!
[   24.366690] Call Trace:
[   24.369257]  dump_stack+0x194/0x257
[   24.429110]  bpf_prog_array_copy_info+0x17b/0x1c0
"#,
        Want {
            title: "WARNING: suspicious RCU usage in bpf_prog_array_copy_info",
            crash_type: Some("LOCKDEP"),
            frame: Some("bpf_prog_array_copy_info"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// suspicious RCU usage without the source line (corpus file 206).
#[test]
fn warning_suspicious_rcu_truncated() {
    check(
        r#"[  104.480269] WARNING: suspicious RCU usage
"#,
        Want {
            title: "WARNING: suspicious RCU usage",
            crash_type: Some("WARNING"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// kernel stack regs has bad bp value (corpus file 80).
#[test]
fn warning_stack_regs_bad_bp() {
    check(
        r#"[  163.314570] WARNING: kernel stack regs at ffff8801d100fea8 in syz-executor1:16059 has bad 'bp' value ffff8801d100ff28
"#,
        Want {
            title: "WARNING: kernel stack regs has bad 'bp' value",
            crash_type: None,
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// kernel stack frame pointer has bad value (corpus file 88).
#[test]
fn warning_stack_frame_pointer() {
    check(
        r#"[   72.159680] WARNING: kernel stack frame pointer at ffff88003e1f7f40 in migration/1:14 has bad value ffffffff85632fb0
"#,
        Want {
            title: "WARNING: kernel stack frame pointer has bad value",
            crash_type: None,
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// frame pointer warning with hashed pointers (corpus file 245).
#[test]
fn warning_stack_frame_pointer_ptrval() {
    check(
        r#"[   32.188057] WARNING: kernel stack frame pointer at         (ptrval) in syzkaller547737:4496 has bad value         (ptrval)
"#,
        Want {
            title: "WARNING: kernel stack regs has bad value",
            crash_type: None,
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// bad unlock balance (arm64) (corpus file 530).
#[test]
fn warning_bad_unlock_balance() {
    check(
        r#"[  753.903682][ T4405] WARNING: bad unlock balance detected!
[  753.906721][ T4405] [<ffffa00010726344>] __might_fault+0x154/0x1b0
[  753.911978][ T4405] Call trace:
[  753.916058][ T4405]  __might_fault+0x170/0x1b0
[  753.916798][ T4405]  restore_fpsimd_context+0x418/0x798
"#,
        Want {
            title: "WARNING: bad unlock balance in restore_fpsimd_context",
            crash_type: Some("LOCKDEP"),
            frame: Some("restore_fpsimd_context"),
            corrupted: false,
            alts: &[],
        },
    );
}

// ---------------------------------------------------------------------------------------------
// `INFO:` formats (§8 oops 3)
// ---------------------------------------------------------------------------------------------

/// RCU stall: parts2 from apic_timer_interrupt, stall extractor (corpus file 145).
#[test]
fn info_rcu_stall() {
    check(
        r#"[  323.830017] INFO: rcu_sched detected stalls on CPUs/tasks:
[  323.861597] Call Trace:
[  324.172031]  apic_timer_interrupt+0xa9/0xb0
[  324.460829]  ipv6_rcv+0xf37/0x1fa0
[  324.498351]  __netif_receive_skb_core+0x1a41/0x3460
"#,
        Want {
            title: "INFO: rcu detected stall in ipv6_rcv",
            crash_type: Some("HANG"),
            frame: Some("ipv6_rcv"),
            corrupted: false,
            alts: &["stall in ipv6_rcv"],
        },
    );
}

/// RCU stall without a stack (corpus file 58).
#[test]
fn info_rcu_stall_no_stack() {
    check(
        r#"[ 1722.511384] INFO: rcu_preempt detected stalls on CPUs/tasks: { 2} (detected by 0, t=65008 jiffies, g=48068, c=48067, q=7339)
"#,
        Want {
            title: "INFO: rcu detected stall in corrupted",
            crash_type: Some("HANG"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &["stall in corrupted"],
        },
    );
}

/// task hung: first non-scheduler frame (corpus file 70).
#[test]
fn info_task_hung() {
    check(
        r#"[  615.391254] INFO: task syz-executor5:10045 blocked for more than 120 seconds.
[  615.416901] Call Trace:
[  615.575974]  fdatawait_one_bdev+0x50/0x70
[  615.580151]  iterate_bdevs+0x109/0x260
"#,
        Want {
            title: "INFO: task hung in iterate_bdevs",
            crash_type: Some("HANG"),
            frame: Some("iterate_bdevs"),
            corrupted: false,
            alts: &["hang in iterate_bdevs"],
        },
    );
}

/// task hung in I/O wait (arm64) (corpus file 1000).
#[test]
fn info_task_hung_io_wait() {
    check(
        r#"[  584.319520][   T31] INFO: task udevd:5612 blocked in I/O wait for more than 143 seconds.
[  584.319601][   T31] Call trace:
[  584.319668][   T31]  read_cache_folio+0x68/0x84
[  584.319677][   T31]  read_part_sector+0xcc/0x6e8
"#,
        Want {
            title: "INFO: task hung in read_cache_folio",
            crash_type: Some("HANG"),
            frame: Some("read_cache_folio"),
            corrupted: false,
            alts: &["hang in read_cache_folio"],
        },
    );
}

/// task hung: rtnl_lock decides (corpus file 436).
#[test]
fn info_task_hung_rtnl_lock() {
    check(
        r#"[  768.680053][ T1064] INFO: task kworker/1:0:17 blocked for more than 143 seconds.
[  768.720843][ T1064] Call Trace:
[  768.782873][ T1064]  mutex_lock_nested+0x16/0x20
[  768.793027][ T1064]  rtnl_lock+0x17/0x20
"#,
        Want {
            title: "INFO: task hung in rtnl_lock",
            crash_type: Some("HANG"),
            frame: Some("rtnl_lock"),
            corrupted: false,
            alts: &["hang in rtnl_lock"],
        },
    );
}

/// task hung: synchronize_* becomes synchronize_rcu (corpus file 179).
#[test]
fn info_task_hung_synchronize() {
    check(
        r#"[  369.632214] INFO: task syz-executor4:8442 blocked for more than 120 seconds.
[  369.658821] Call Trace:
[  369.661423]  __schedule+0x8eb/0x2060
[  369.825883]  synchronize_sched+0x76/0xf0
"#,
        Want {
            title: "INFO: task hung in synchronize_rcu",
            crash_type: Some("HANG"),
            frame: Some("synchronize_rcu"),
            corrupted: false,
            alts: &[
                "hang in synchronize_rcu",
                "INFO: task hung in synchronize_sched",
                "hang in synchronize_sched",
            ],
        },
    );
}

/// task can't die without a stack (corpus file 482).
#[test]
fn info_task_cant_die_no_stack() {
    check(
        r#"[  440.207852][ T1045] INFO: task syz-executor.1:12632 can't die for more than 143 seconds. 
"#,
        Want {
            title: "INFO: task can't die in corrupted",
            crash_type: Some("HANG"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &["hang in corrupted"],
        },
    );
}

/// trying to register non-static key (login prefix) (corpus file 118).
#[test]
fn info_non_static_key() {
    check(
        r#"syzkaller login: [   16.305150] INFO: trying to register non-static key.
[   16.308571] Call Trace:
[   16.331306]  _raw_spin_lock_bh+0x31/0x40
[   16.332206]  tcp_fastopen_reset_cipher+0x194/0x580
"#,
        Want {
            title: "INFO: trying to register non-static key in tcp_fastopen_reset_cipher",
            crash_type: None,
            frame: Some("tcp_fastopen_reset_cipher"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// old-style INFO suspicious RCU usage without a stack (corpus file 34).
#[test]
fn info_suspicious_rcu_no_stack() {
    check(
        r#"[ 1722.511384] [ INFO: suspicious RCU usage. ]
[ 1722.511384] net/core/filter.c:1917 suspicious rcu_dereference_protected() usage!
"#,
        Want {
            title: "INFO: suspicious RCU usage in corrupted",
            crash_type: None,
            frame: Some("corrupted"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// old truncated KASAN `INFO: Allocated in` (corpus file 124).
#[test]
fn info_allocated_in() {
    check(
        r#"** 4491 printk messages dropped ** [   50.750742] INFO: Allocated in fasync_helper+0x29/0x90 age=1 cpu=1 pid=6024
"#,
        Want {
            title: "INFO: Allocated in fasync_helper age=NUM cpu=NUM pid=NUM",
            crash_type: None,
            frame: Some("fasync_helper"),
            corrupted: true,
            alts: &[],
        },
    );
}

// ---------------------------------------------------------------------------------------------
// other oops kinds (§8 oops 4-29)
// ---------------------------------------------------------------------------------------------

/// RISC-V: access to user memory, epc frame (corpus file 607).
#[test]
fn unable_to_handle_riscv() {
    check(
        r#"[  472.619615][ T5233] Unable to handle kernel access to user memory without uaccess routines at virtual address 000000000cc6b0d0
[  472.679566][ T5233] epc : schedule_tail+0x72/0xb2
[  472.694320][ T5233] Call Trace:
[  472.696215][ T5233] [<ffffffe000005570>] ret_from_exception+0x0/0x14
[  472.699328][ T5233]    (ftrace buffer empty)
"#,
        Want {
            title: "BUG: unable to handle kernel access to user memory in schedule_tail",
            crash_type: None,
            frame: Some("schedule_tail"),
            corrupted: false,
            alts: &["bad-access in schedule_tail"],
        },
    );
}

/// general protection fault: __lock_acquire skipped (corpus file 148).
#[test]
fn general_protection_fault() {
    check(
        r#"[   41.876882] general protection fault: 0000 [#1] SMP KASAN
[   41.915475] RIP: 0010:__lock_acquire+0xd55/0x47f0
[   41.997514] Call Trace:
[   42.097362]  _raw_spin_lock_bh+0x31/0x40
[   42.106538]  tipc_subscrb_subscrp_delete+0x8f/0x470
"#,
        Want {
            title: "general protection fault in tipc_subscrb_subscrp_delete",
            crash_type: Some("DoS"),
            frame: Some("tipc_subscrb_subscrp_delete"),
            corrupted: false,
            alts: &["bad-access in tipc_subscrb_subscrp_delete"],
        },
    );
}

/// old-style RIP line with two PCs (corpus file 13).
#[test]
fn general_protection_fault_old_rip() {
    check(
        r#"[ 1722.510515] general protection fault: 0000 [#1] SMP DEBUG_PAGEALLOC KASAN
[ 1722.511384] RIP: 0010:[<ffffffff8213c531>]  [<ffffffff8213c531>] logfs_init_inode.isra.6+0x111/0x470
"#,
        Want {
            title: "general protection fault in logfs_init_inode",
            crash_type: Some("DoS"),
            frame: Some("logfs_init_inode"),
            corrupted: true,
            alts: &["bad-access in logfs_init_inode"],
        },
    );
}

/// stack segment fault (corpus file 461).
#[test]
fn stack_segment_fault() {
    check(
        r#"[    7.793224] stack segment: 0000 [#1] PREEMPT SMP KASAN PTI
[    7.810561] Call Trace:
[    7.811467]  ret_from_fork+0x24/0x30
[    7.812708] RIP: 0010:kernel_init+0x55/0x122
"#,
        Want {
            title: "stack segment fault in kernel_init",
            crash_type: Some("DoS"),
            frame: Some("kernel_init"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// stack-protector panic names the function (corpus file 320).
#[test]
fn kernel_panic_stack_protector() {
    check(
        r#"[  678.752880] Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: udp4_lib_lookup2+0x7ea/0x7f0
"#,
        Want {
            title: "kernel panic: stack is corrupted in udp4_lib_lookup2",
            crash_type: Some("DoS"),
            frame: Some("udp4_lib_lookup2"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// corrupted stack end: stall extractor, __arm64_ prefix (corpus file 316).
#[test]
fn kernel_panic_corrupted_stack_end() {
    check(
        r#"[ 2231.649459] Kernel panic - not syncing: corrupted stack end detected inside scheduler
[ 2231.676788] Call trace:
[ 2231.739429]  __arm64_sys_socket+0x4c/0x60
[ 2231.743460]  el0_svc_handler+0xd4/0x198
"#,
        Want {
            title: "kernel panic: corrupted stack end in sys_socket",
            crash_type: Some("DoS"),
            frame: Some("sys_socket"),
            corrupted: false,
            alts: &[
                "stack-overflow in sys_socket",
                "kernel panic: corrupted stack end in __arm64_sys_socket",
                "stack-overflow in __arm64_sys_socket",
            ],
        },
    );
}

/// attempted to kill init (corpus file 47).
#[test]
fn kernel_panic_kill_init() {
    check(
        r#"[ 2713.133889] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000013
[ 2713.153531] Call Trace:
[ 2713.153531]  [<ffffffff82d1b1d9>] dump_stack+0x12e/0x185
[ 2713.153531]  [<ffffffff8139012f>] do_exit+0x24df/0x2c10
"#,
        Want {
            title: "kernel panic: Attempted to kill init!",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// panic_on_warn set: marked corrupted (corpus file 97).
#[test]
fn kernel_panic_on_warn() {
    check(
        r#"[  238.128296] Kernel panic - not syncing: panic_on_warn set ...
"#,
        Want {
            title: "kernel panic: panic_on_warn set",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// hung_task panic: marked corrupted (corpus file 221).
#[test]
fn kernel_panic_hung_task() {
    check(
        r#"[  246.756084] Kernel panic - not syncing: hung_task: blocked tasks
"#,
        Want {
            title: "kernel panic: hung_task: blocked tasks",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// generic panic message, numbers normalised (corpus file 617).
#[test]
fn kernel_panic_generic() {
    check(
        r#"[    7.588873][    T1] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)
[    7.594827][    T1] Call Trace:
[    7.595731][    T1]  dump_stack_lvl+0xcd/0x134
[    7.598935][    T1]  mount_block_root+0x3f8/0x4dd
"#,
        Want {
            title: "kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// PANIC: double fault: first RIP line only (corpus file 313).
#[test]
fn double_fault() {
    check(
        r#"[ 4031.436692] PANIC: double fault, error_code: 0x0
[ 4031.441897] RIP: 0010:kvm_async_pf_task_wait+0x19d/0x250
[ 4031.448354] Call Trace:
[ 4031.450684]  async_page_fault+0x25/0x50
[ 4031.451067] RIP: 0010:text_poke+0x60/0x250
"#,
        Want {
            title: "PANIC: double fault in kvm_async_pf_task_wait",
            crash_type: Some("DoS"),
            frame: Some("kvm_async_pf_task_wait"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// Rust panic: v0 mangled frame demangled (corpus file 748).
#[test]
fn rust_panic_v0_symbol() {
    check(
        r#"[   23.717039][  T298] rust_kernel: panicked at drivers/android/binder/node.rs:877:13:
[   23.717039][  T298] attempt to subtract with overflow
[   24.057562][  T298] Call Trace:
[   24.143499][  T298]  _RNvNtNtCs9jEwPDbx20M_4core9panicking11panic_const24panic_const_sub_overflow+0xb2/0xc0
[   24.163987][  T298]  _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x17e5/0x1860
"#,
        Want {
            title:
                "attempt to subtract with overflow in <rust_binder::process::Process>::update_ref",
            crash_type: None,
            frame: Some("<rust_binder::process::Process>::update_ref"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// Rust panic: trait impl frame, rust_begin_unwind skipped (corpus file 749).
#[test]
fn rust_panic_trait_impl() {
    check(
        r#"[   60.002464][ T2148] rust_kernel: panicked at /syzkaller/managers/ci2-android-6-12-rust/kernel/rust/kernel/page_size_compat.rs:60:5:
[   60.002464][ T2148] attempt to add with overflow
[   60.146289][ T2148] Call Trace:
[   60.146312][ T2148]  _RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind+0x15b/0x160
[   60.426733][ T2148]  _RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap+0xe44/0xfb0
"#,
        Want {
            title: "attempt to add with overflow in <ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap",
            crash_type: None,
            frame: Some("<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kernel BUG at mm/usercopy.c (corpus file 122).
#[test]
fn kernel_bug_usercopy() {
    check(
        r#"[   40.635789] kernel BUG at mm/usercopy.c:84!
[   40.661999] Call Trace:
[   40.681102]  kvm_vcpu_ioctl_set_cpuid2+0x75/0x1a0
[   40.876264]  kvm_vcpu_ioctl+0x240/0x1010
"#,
        Want {
            title: "BUG: bad usercopy in kvm_vcpu_ioctl_set_cpuid2",
            crash_type: Some("BUG"),
            frame: Some("kvm_vcpu_ioctl_set_cpuid2"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kernel BUG at lib/list_debug.c (corpus file 184).
#[test]
fn kernel_bug_list_debug() {
    check(
        r#"[   50.724628] kernel BUG at lib/list_debug.c:56!
[   50.850936] Call Trace:
[   50.853563]  __dev_remove_pack+0x2cf/0x490
[   50.857828]  __unregister_prot_hook+0x2f6/0x470
"#,
        Want {
            title: "BUG: corrupted list in __dev_remove_pack",
            crash_type: Some("MEMORY_SAFETY_BUG"),
            frame: Some("__dev_remove_pack"),
            corrupted: false,
            alts: &["bad-access in __dev_remove_pack"],
        },
    );
}

/// kernel BUG: skb_ frames skipped (corpus file 113).
#[test]
fn kernel_bug_skb() {
    check(
        r#"[  292.658378] kernel BUG at ./include/linux/skbuff.h:2069!
[  292.701436] RIP: 0010:skb_pull+0xd5/0xf0
[  292.913387] Call Trace:
[  292.927906] Use struct sctp_assoc_value instead
[  292.944692]  esp6_gro_receive+0xb4/0xbe0
"#,
        Want {
            title: "kernel BUG in esp6_gro_receive",
            crash_type: Some("BUG"),
            frame: Some("esp6_gro_receive"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// kernel BUG without a stack (corpus file 43).
#[test]
fn kernel_bug_no_stack() {
    check(
        r#"[ 1722.511384] kernel BUG at fs/buffer.c:1917!
"#,
        Want {
            title: "kernel BUG in corrupted",
            crash_type: Some("BUG"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// SLUB: object already free (corpus file 82).
#[test]
fn bug_kmalloc_object_already_free() {
    check(
        r#"[  367.131148] BUG kmalloc-8 (Tainted: G    B         ): Object already free
"#,
        Want {
            title: "BUG: Object already free",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// divide error (corpus file 49).
#[test]
fn divide_error() {
    check(
        r#"[  616.309156] divide error: 0000 [#1] SMP DEBUG_PAGEALLOC KASAN
[  616.312546] RIP: 0010:[<ffffffff8575b41c>]  [<ffffffff8575b41c>] snd_hrtimer_callback+0x1bc/0x3c0
"#,
        Want {
            title: "divide error in snd_hrtimer_callback",
            crash_type: Some("DoS"),
            frame: Some("snd_hrtimer_callback"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// UBSAN: undefined behaviour (old format) (corpus file 40).
#[test]
fn ubsan_undefined_behaviour() {
    check(
        r#"[    4.556972] UBSAN: Undefined behaviour in drivers/usb/core/devio.c:1517:25
[    4.556996] Call Trace:
[    4.557015]  [<ffffffff81bcc1c1>] __ubsan_handle_shift_out_of_bounds+0xf1/0x140
[    4.557034]  [<ffffffff82226794>] proc_do_submiturb+0x2994/0x2c30
"#,
        Want {
            title: "UBSAN: undefined-behaviour in proc_do_submiturb",
            crash_type: Some("UBSAN"),
            frame: Some("proc_do_submiturb"),
            corrupted: false,
            alts: &[],
        },
    );
}

/// UBSAN: array-index-out-of-bounds (corpus file 520).
#[test]
fn ubsan_array_index() {
    check(
        r#"[  175.968362][T13309] UBSAN: array-index-out-of-bounds in /usr/local/google/home/dvyukov/src/linux2/arch/x86/kernel/uprobes.c:263:56
[  175.973306][T13309] Call Trace:
[  175.974921][T13309]  __ubsan_handle_out_of_bounds.cold+0x62/0x6c
[  175.975740][T13309]  arch_uprobe_analyze_insn+0x91b/0xa40
"#,
        Want {
            title: "UBSAN: array-index-out-of-bounds in arch_uprobe_analyze_insn",
            crash_type: Some("MEMORY_SAFETY_UBSAN"),
            frame: Some("arch_uprobe_analyze_insn"),
            corrupted: false,
            alts: &["bad-access in arch_uprobe_analyze_insn"],
        },
    );
}

/// unexpected kernel reboot (corpus file 127).
#[test]
fn booting_the_kernel() {
    check(
        r#"Booting the kernel.
"#,
        Want {
            title: "unexpected kernel reboot",
            crash_type: Some("REBOOT"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// unregister_netdevice: waiting for DEV (corpus file 233).
#[test]
fn unregister_netdevice() {
    check(
        r#"[  624.887185] unregister_netdevice: waiting for lo to become free. Usage count = 5
"#,
        Want {
            title: "unregister_netdevice: waiting for DEV to become free",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// VFS: Close: file count is 0 (corpus file 683).
#[test]
fn vfs_close_file_count() {
    check(
        r#"VFS: Close: file count is 0
"#,
        Want {
            title: "VFS: Close: file count is zero (use-after-free)",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// arm64 internal error: __raw_readb skipped by readb$ (corpus file 524).
#[test]
fn internal_error() {
    check(
        r#"[  211.592905][    T1] Internal error: synchronous external abort: 96000010 [#1] PREEMPT SMP
[  211.600602][    T1] pc : __raw_readb+0x18/0x2c
[  211.615210][    T1] Call trace:
[  211.617265][    T1]  ns558_init+0x17c/0x63c
[  211.617822][    T1]  do_one_initcall+0x294/0x61c
"#,
        Want {
            title: "Internal error in ns558_init",
            crash_type: Some("DoS"),
            frame: Some("ns558_init"),
            corrupted: false,
            alts: &["bad-access in ns558_init"],
        },
    );
}

/// arm32 unhandled fault: two frames per backtrace line (corpus file 241).
#[test]
fn unhandled_fault() {
    check(
        r#"Unhandled fault: page domain fault (0x81b) at 0x00001044
PC is at memset+0x30/0xa8
Backtrace:
[<80b10c70>] (memset) from [<8062eec8>] (n_tty_set_termios+0x154/0x3c4)
---[ end trace df926199e0a105ac ]---
"#,
        Want {
            title: "Unhandled fault in n_tty_set_termios",
            crash_type: Some("DoS"),
            frame: Some("n_tty_set_termios"),
            corrupted: false,
            alts: &["bad-access in n_tty_set_termios"],
        },
    );
}

/// alignment trap without a stack (corpus file 242).
#[test]
fn alignment_trap_no_stack() {
    check(
        r#"Alignment trap: not handling instruction e1932f9f at [<8028bd58>]
"#,
        Want {
            title: "Alignment trap in corrupted",
            crash_type: Some("DoS"),
            frame: Some("corrupted"),
            corrupted: true,
            alts: &[],
        },
    );
}

/// trusty assert (corpus file 353).
#[test]
fn trusty_assert() {
    check(
        r#"[ 1117.129650] trusty: panic (caller [ 1117.140866] trusty: 0xffffffffe000fbb8): ASSERT FAILED at (trusty/kernel/lib/trusty/ipc.c:472): !list_in_list(&chan->node)
"#,
        Want {
            title: "trusty: ASSERT FAILED: !list_in_list(&chan->node)",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// trusty assert with the message cut off (corpus file 356).
#[test]
fn trusty_assert_truncated() {
    check(
        r#"[  331.001241] trusty: panic (caller [  331.008787] trusty: 0xffffffffe000fbb8): ASSERT FAILED at (trusty/kernel/lib/trusty/ipc.c:472): 
"#,
        Want {
            title: "trusty: ASSERT FAILED:",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: true,
            alts: &[],
        },
    );
}

/// trusty panic (corpus file 355).
#[test]
fn trusty_panic() {
    check(
        r#"[ 1108.159262] trusty: panic (caller 0xffffffffe0002314): failed(-5) to start app 6
"#,
        Want {
            title: "trusty: panic: failed(-NUM) to start app NUM",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// Go runtime fatal error (corpus file 707).
#[test]
fn go_runtime_error() {
    check(
        r#"fatal error: runtimer: bad p
"#,
        Want {
            title: "go runtime error",
            crash_type: Some("DoS"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}

/// SYZFAIL (corpus file 601).
#[test]
fn syzfail() {
    check(
        r#"SYZFAIL: negative running
"#,
        Want {
            title: "SYZFAIL: negative running",
            crash_type: Some("SYZ_FAILURE"),
            frame: None,
            corrupted: false,
            alts: &[],
        },
    );
}
