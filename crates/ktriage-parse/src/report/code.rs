//! The `Code:` line: instruction bytes around the faulting instruction.

use super::ReportBuilder;
use crate::model::Code;

impl ReportBuilder {
    pub(super) fn parse_code(&mut self, s: &str) {
        let mut bytes = Vec::new();
        let mut fault = None;
        let mut unit = 1u8;
        for (i, tok) in s.split_whitespace().enumerate() {
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
                fault = Some(i);
            }
            bytes.push(core.to_ascii_lowercase());
        }
        if !bytes.is_empty() {
            self.report.code = Some(Code {
                bytes: bytes.join(" "),
                fault_index: fault,
                unit,
            });
        }
    }
}
