//! Parsers for non-log inputs recognised by content: IPMI SEL listings, /proc/interrupts.

pub mod interrupts;
pub mod sel;
