//! Diagnosis: links reports and events into incidents and applies the rules.

use crate::model::Analysis;

/// Groups reports and events into incidents and runs every diagnosis rule.
pub fn diagnose(analysis: &mut Analysis) {
    let _ = analysis;
}
