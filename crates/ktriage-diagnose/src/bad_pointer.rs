//! `bad-pointer`: a crash whose fault address is a value with a meaning — list poison
//! (`LIST_POISON1/2`), slab poison (0x6b free, 0x5a uninitialised, red zones), a spinlock's
//! magic, an `ERR_PTR()`, a non-canonical x86-64 address. The value says what kind of bug
//! it is (use after free, missing `IS_ERR()` check, corrupted pointer) before anyone reads
//! the code. The NULL page is `null-pointer-dereference`'s.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "bad-pointer";

/// Classes the NULL-dereference rule explains.
const NULL_CLASSES: &[&str] = &[
    "NULL page",
    "ZERO_SIZE_PTR",
    "KASAN shadow of the NULL page",
];

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for (i, r) in a.reports.iter().enumerate() {
        if !matches!(
            r.kind,
            ReportKind::Oops | ReportKind::Bug | ReportKind::Kasan | ReportKind::Kfence
        ) {
            continue;
        }
        // Without a printed fault address (a GPF of kernels before 5.3), the trapping
        // instruction's pointer, when it is a known bad value, is the evidence.
        let from_register = r
            .code
            .as_ref()
            .and_then(|c| c.access.as_ref())
            .filter(|_| r.fault_address.is_none())
            .and_then(|acc| {
                let class = acc.base_class.as_ref()?;
                let reg = acc.base.as_ref()?.to_ascii_uppercase();
                Some((class, format!("{reg} = {}", acc.base_value.as_ref()?)))
            });
        let (class, addr) = match (&r.decoded.fault_address, &r.fault_address, from_register) {
            (Some(class), Some(addr), _) => (class, format!("touched address {addr}")),
            (None, None, Some((class, reg))) => (class, format!("used the pointer {reg}")),
            _ => continue,
        };
        if NULL_CLASSES.contains(&class.name) {
            continue;
        }
        let place = util::where_ip(r).map_or(String::new(), |l| format!(" in {l}"));
        let past = class
            .offset
            .map_or(String::new(), |o| format!(", {o:#x} bytes past it"));
        let msg = format!(
            "The crash{place} ({}, {}) {addr} ({}{past}): {}.",
            r.id,
            util::at_report(r),
            class.name,
            class.meaning
        );
        let msg = match util::access_sentence(r, true) {
            Some(how) => format!("{msg} {how}"),
            None => msg,
        };
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report(r));
        c.finding.advice.push(advice(class).to_string());
        c.members.push(Node::Report(i));
        c.root = Some((i, 50));
        c.summary = Some(format!("{}{place}: {}", r.display_title, class.name));
        c.weight = 50;
        // An ERR_PTR-range address may also be container_of() of NULL: the finding says both.
        c.confidence = if class.name == "ERR_PTR" { 0.6 } else { 0.8 };
        out.push(c);
    }
    out
}

/// The first step for each class.
fn advice(class: &crate::model::decoded::AddressClass) -> &'static str {
    match class.name {
        "LIST_POISON1" | "LIST_POISON2" | "POISON_POINTER_DELTA" => {
            "A list entry was used after list_del(): find who still walks or deletes it (a missing lock around the list, or a second list_del()); boot with `CONFIG_DEBUG_LIST=y` to catch the corruption where it happens."
        }
        "POISON_FREE" | "SLUB_RED_INACTIVE" => {
            "Use after free: reproduce with KASAN (`CONFIG_KASAN=y`) or `slub_debug=FZPU` on the kernel command line, which names the object's allocation and free stacks."
        }
        "POISON_INUSE" => {
            "An object was used before it was initialised: look for a kmalloc() without __GFP_ZERO whose pointer members are read before they are set; KMSAN (`CONFIG_KMSAN=y`) reports the first uninitialised read."
        }
        "SLUB_RED_ACTIVE" => {
            "An out-of-bounds read past an object: reproduce with KASAN (`CONFIG_KASAN=y`) or `slub_debug=FZ`, which names the object and the overflowing access."
        }
        "SPINLOCK_MAGIC" => {
            "A field that holds a spinlock was read as a pointer: the object is not of the type the code thinks (a stale pointer to a reused object, or a wrong container_of()); KASAN shows whether the object was freed and reused."
        }
        "ERR_PTR" => {
            "Find the call that returned the error pointer (the caller of the faulting function, in the trace) and add the missing `IS_ERR()` check; the errno says why that call failed."
        }
        _ => {
            "The pointer was corrupted or never set: resolve the faulting line (`./scripts/faddr2line vmlinux FUNC+OFF/SIZE`) to find which pointer, then look for a use after free or an out-of-bounds write with KASAN (`CONFIG_KASAN=y`)."
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn non_canonical_gpf_address_is_named() {
        // gh-zfs-gpf-x86_64-1 (openzfs/zfs#16895): the GPF line names the address.
        let log = "\
[50806.427187] Oops: general protection fault, probably for non-canonical address 0xbfff93fcd9822a28: 0000 [#1] PREEMPT SMP NOPTI
[50806.427200] CPU: 5 UID: 0 PID: 1342 Comm: txg_sync Tainted: P           OE      6.12.3 #1
[50806.427210] RIP: 0010:zio_ready+0x5a/0x3b0 [zfs]
[50806.427220] CR2: 00007f3d2c0a9000 CR3: 000000010a8d0000 CR4: 0000000000750ef0
";
        let a = analyze_bytes("gpf.log", log.as_bytes(), Options::default());
        let r = &a.reports[0];
        assert_eq!(r.fault_address.as_deref(), Some("0xbfff93fcd9822a28"));
        let f = super::util::finding(&a, super::RULE).expect("bad-pointer finding");
        assert!(f.message.contains("non-canonical"), "{}", f.message);
        assert!(!super::util::fired(&a, crate::null_deref::RULE));
    }

    #[test]
    fn gpf_without_an_address_does_not_take_cr2() {
        // Near miss (abrt test data, Fedora 3.x radeon GPF): no address on the GPF line, and
        // CR2 is a stale user address: no fault address, no finding.
        let log = "\
Nov 19 12:34:38 :HOSTNAME: kernel: general protection fault: 0000 [#1] SMP
Nov 19 12:34:38 :HOSTNAME: kernel: CPU 0
Nov 19 12:34:38 :HOSTNAME: kernel: Pid: 1473, comm: Xorg Not tainted 2.6.38.8-35.fc15.x86_64 #1
Nov 19 12:34:38 :HOSTNAME: kernel: RIP: 0010:[<ffffffffa00e3a7c>]  [<ffffffffa00e3a7c>] radeon_read_ring_rptr+0x1c/0x30 [radeon]
Nov 19 12:34:38 :HOSTNAME: kernel: CR2: 00000000005a450c CR3: 0000000001a03000 CR4: 00000000000006e0
";
        let a = analyze_bytes("gpf-old.log", log.as_bytes(), Options::default());
        assert_eq!(a.reports[0].fault_address, None);
        assert!(!super::util::fired(&a, super::RULE));
        assert!(!super::util::fired(&a, crate::null_deref::RULE));
    }

    #[test]
    fn kasan_null_shadow_is_a_null_dereference_not_a_poison() {
        // syzkaller corpus 662 (6.0-rc2, KASAN): the GPF address is KASAN's shadow of 0x58.
        let log = "\
[   50.983422][ T3608] general protection fault, probably for non-canonical address 0xdffffc000000000b: 0000 [#1] PREEMPT SMP KASAN
[   50.995154][ T3608] KASAN: null-ptr-deref in range [0x0000000000000058-0x000000000000005f]
[   51.003547][ T3608] CPU: 0 PID: 3608 Comm: syz-executor957 Not tainted 6.0.0-rc2-syzkaller-00327-g8379c0b31fbc #0
[   51.023992][ T3608] RIP: 0010:klist_next+0x49/0x510
";
        let a = analyze_bytes("kasan-gpf.log", log.as_bytes(), Options::default());
        let class = a.reports[0].decoded.fault_address.as_ref().expect("class");
        assert_eq!(class.name, "KASAN shadow of the NULL page");
        assert_eq!(class.offset, Some(0x58));
        assert!(!super::util::fired(&a, super::RULE));
        let f = super::util::finding(&a, crate::null_deref::RULE).expect("null deref");
        assert!(f.message.contains("0x58"), "{}", f.message);
    }
}
