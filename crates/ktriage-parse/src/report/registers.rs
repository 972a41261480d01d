//! Registers, the instruction pointer lines (`RIP:`, `EIP:`, `IP:`) and the architecture
//! votes they cast.

use super::{hex_norm, parse_location, ReportBuilder, LOC_RE};
use crate::decode;
use crate::model::decoded::ProcessorState;
use crate::model::Arch;
use regex::Regex;
use std::sync::LazyLock;

// Register pairs: `RAX: 0000000000000003`, `x29: ffff...`, `r10: ea895308`, `sp : ec98dee8`.
re!(
    REG_RE,
    r"(?:^|\s)([A-Za-z][A-Za-z0-9_]{0,6})\s*:\s?(?:[0-9a-fA-F]{4}:)?([0-9a-fA-F]{8,16})\b"
);

impl ReportBuilder {
    pub(super) fn vote(&mut self, a: Arch) {
        let i = arch_index(a);
        self.arch_votes[i] = self.arch_votes[i].saturating_add(1);
    }

    pub(super) fn parse_x86_ip(&mut self, rest: &str, arch: Arch, reg: &str) {
        self.vote(arch);
        // `0010:func+0x1/0x2`, `0010:[<addr>] [<addr>] func+..`, `[<addr>] func+..`, `0033:0x7f..`
        let s = rest;
        let loc = LOC_RE
            .captures(s)
            .and_then(|c| parse_location(c.get(0)?.as_str()));
        // Only a bracketed `[<addr>]` is the instruction's address: a bare hex word after
        // the function is another register (`RIP: skb_pull+0xd5/0xf0 RSP: ffff8801d9fdf270`).
        let addr = s
            .split("[<")
            .skip(1)
            .filter_map(|w| w.split_once(">]").map(|(a, _)| a))
            .find(|w| w.len() >= 8 && w.bytes().all(|c| c.is_ascii_hexdigit()))
            .map(hex_norm);
        if let Some(mut loc) = loc {
            if loc.address.is_none() {
                loc.address = addr.clone();
            }
            // The first RIP of a report is where the CPU was; later ones (user mode, IRQ) are not.
            match self.report.ip.as_mut() {
                None => self.report.ip = Some(loc),
                // The WARNING line named the same place without its module or address.
                Some(ip) if ip.function == loc.function && ip.offset == loc.offset => {
                    if ip.module.is_none() {
                        ip.module = loc.module;
                    }
                    if ip.address.is_none() {
                        ip.address = loc.address;
                    }
                }
                Some(_) => {}
            }
        }
        if let Some(a) = addr {
            self.report.registers.entry(reg.to_string()).or_insert(a);
        }
    }

    pub(super) fn parse_registers(&mut self, t: &str) {
        for c in REG_RE.captures_iter(t) {
            let name = c[1].to_ascii_lowercase();
            if name == "cpu" || name == "pid" {
                continue;
            }
            if self.report.registers.len() >= 128 {
                break;
            }
            let v = hex_norm(&c[2]);
            match name.as_str() {
                "rax" | "rbx" | "r08" | "r15" => self.vote(Arch::X86_64),
                "eax" | "ebx" | "esi" => self.vote(Arch::I386),
                "x29" | "x0" | "x30" => self.vote(Arch::Arm64),
                "r10" | "fp" | "ip" if !self.report.registers.contains_key("x29") => {
                    self.vote(Arch::Arm)
                }
                "psr" => self.vote(Arch::Arm),
                "eflags" => {
                    if let Some(x) = decode::parse_hex(&c[2]) {
                        self.report.decoded.eflags = Some(decode::decode_eflags(x));
                    }
                }
                _ => {}
            }
            if name == "psr" {
                if let Some(x) = decode::parse_hex(&c[2]) {
                    self.report.decoded.pstate =
                        Some(ProcessorState::Cpsr(decode::decode_cpsr(x as u32)));
                }
            }
            self.report.registers.entry(name).or_insert(v);
        }
    }
}

pub(super) fn arch_index(a: Arch) -> usize {
    match a {
        Arch::X86_64 => 0,
        Arch::I386 => 1,
        Arch::Arm64 => 2,
        Arch::Arm => 3,
        Arch::Riscv64 => 4,
        Arch::Ppc64 => 5,
        Arch::S390 => 6,
    }
}

pub(super) const ARCHES: [Arch; 7] = [
    Arch::X86_64,
    Arch::I386,
    Arch::Arm64,
    Arch::Arm,
    Arch::Riscv64,
    Arch::Ppc64,
    Arch::S390,
];

pub(super) fn looks_like_register_line(t: &str) -> bool {
    let b = t.as_bytes();
    // NAME: hex or NAME : hex within the first 8 bytes.
    let colon = match memchr::memchr(b':', &b[..b.len().min(10)]) {
        Some(c) => c,
        None => return false,
    };
    colon > 0
        && b[..colon]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == b'_')
}
