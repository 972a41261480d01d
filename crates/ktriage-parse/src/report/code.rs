//! The `Code:` line: instruction bytes around the faulting instruction.

use super::ReportBuilder;
use crate::model::Code;

impl ReportBuilder {
    pub(super) fn parse_code(&mut self, s: &str) {
        let mut bytes = Vec::new();
        let mut fault = None;
        let mut unit = 1u8;
        for tok in s.split_whitespace() {
            let (core, marked) =
                if let Some(x) = tok.strip_prefix('<').and_then(|x| x.strip_suffix('>')) {
                    (x, true)
                } else if let Some(x) = tok.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                    (x, true)
                } else {
                    (tok, false)
                };
            if core.is_empty() || !core.bytes().all(|c| c.is_ascii_hexdigit()) {
                if core.starts_with("Unable") || core.starts_with("Bad") {
                    break;
                }
                continue;
            }
            unit = (core.len() / 2).clamp(1, 8) as u8;
            if marked {
                fault = Some(bytes.len());
            }
            bytes.push(core.to_ascii_lowercase());
        }
        // The first `Code:` goes with the first RIP, where the CPU was, as the registers do;
        // a later one is user mode's after a system call's trace.
        if !bytes.is_empty() && self.report.code.is_none() {
            self.report.code = Some(Code {
                bytes: bytes.join(" "),
                fault_index: fault,
                unit,
                instructions: Vec::new(),
                access: None,
            });
        }
    }
}
