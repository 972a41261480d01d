//! Diagnosis: links reports and events into incidents and applies the rules.
//!
//! Each rule lives in its own module and turns what it recognises into [`Claim`]s: a
//! [`Finding`] plus the reports, events and SEL records it ties together, the report it
//! judges to be the cause, and a one-line summary. Claims that share a member end up in one
//! incident (union-find); reports no rule explains get an incident of their own with a
//! generic finding. Knowledge (what a soft lockup means, which sysctl makes it fatal) lives
//! in [`knowledge`], not in the rules' control flow.
//!
//! The crate reads the typed document only ([`ktriage_model`]): it never sees raw text.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod atomic_holder;
pub mod bad_pointer;
pub mod clock;
pub mod csd_lock_wait;
pub mod dracut;
pub mod driver_error;
pub mod hang;
pub mod hardware_error;
pub mod ipmi_bt;
pub mod knowledge;
pub mod log_gap;
pub mod nested_oops;
pub mod null_deref;
pub mod panic_link;
pub mod probe_failure;
pub mod rcu_gp_waiters;
pub mod rcu_stall_cpu;
pub mod start_job;
pub mod util;

#[cfg(test)]
pub(crate) mod testutil;

use ktriage_model as model;
use model::*;
use std::collections::HashMap;

/// What diagnosis needs to know beyond the document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// UTC offset (minutes) of sources that print local time without a zone (`--tz`).
    pub tz_offset_minutes: Option<i32>,
}

/// Something a claim can tie into an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// Index into `Analysis::reports`.
    Report(usize),
    /// Index into `Analysis::events`.
    Event(usize),
    /// Index into `Analysis::sel_records`.
    Sel(usize),
    /// Index into the claim list (every claim is a node of its own).
    Claim(usize),
}

/// One rule's conclusion and what it links.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The finding to attach.
    pub finding: Finding,
    /// Members tied together by this finding.
    pub members: Vec<Node>,
    /// Report judged to be the cause, with a weight (highest weight wins in an incident).
    pub root: Option<(usize, u8)>,
    /// One-line incident summary this rule proposes.
    pub summary: Option<String>,
    /// Summary priority and finding order (higher first).
    pub weight: u8,
    /// How sure the rule is.
    pub confidence: f64,
    /// Wall-clock time (seconds since 1970, UTC) the finding is about, when known.
    pub at: Option<f64>,
}

impl Claim {
    /// A claim with the given finding parts and defaults for the rest.
    pub fn new(rule: &'static str, severity: Severity, message: String) -> Claim {
        Claim {
            finding: Finding {
                rule,
                severity,
                message,
                evidence: Vec::new(),
                advice: Vec::new(),
            },
            members: Vec::new(),
            root: None,
            summary: None,
            weight: 10,
            confidence: 0.5,
            at: None,
        }
    }

    /// Appends next steps, in the order given.
    pub fn advise(&mut self, steps: &[&str]) {
        self.finding
            .advice
            .extend(steps.iter().map(|s| s.to_string()));
    }

    /// True when the claim ties in this node.
    pub fn has(&self, n: Node) -> bool {
        self.members.contains(&n)
    }
}

/// What every rule may read.
pub struct Ctx<'a> {
    /// The parsed document.
    pub a: &'a Analysis,
    /// Analysis options (time zones).
    pub opts: &'a Options,
    /// Wall-clock alignment of sources.
    pub clock: clock::Clock,
    /// (first, nested, die events) report pairs, computed once for every rule that needs them.
    pub nested_pairs: Vec<(usize, usize, Vec<usize>)>,
}

impl Ctx<'_> {
    /// True when some earlier claim already ties in this node.
    pub fn claimed(prior: &[Claim], n: Node) -> bool {
        prior.iter().any(|c| c.has(n))
    }
}

/// Groups reports and events into incidents and runs every diagnosis rule.
pub fn diagnose(analysis: &mut Analysis, opts: &Options) {
    let clock = clock::Clock::new(analysis, opts);
    let cx = Ctx {
        a: analysis,
        opts,
        clock,
        nested_pairs: nested_oops::pairs(analysis),
    };
    let mut claims: Vec<Claim> = Vec::new();
    // Order matters: later rules see earlier claims (to link to them or leave their nodes).
    type Rule = fn(&Ctx, &[Claim]) -> Vec<Claim>;
    let rules: &[Rule] = &[
        nested_oops::run,
        csd_lock_wait::run,
        panic_link::run,
        null_deref::run,
        bad_pointer::run,
        probe_failure::run,
        rcu_stall_cpu::run,
        rcu_gp_waiters::run,
        atomic_holder::run,
        start_job::run,
        dracut::run,
        hardware_error::run,
        log_gap::run,
        ipmi_bt::run,
        driver_error::run,
    ];
    for rule in rules {
        let new = rule(&cx, &claims);
        claims.extend(new);
    }
    let mut incidents = build_incidents(&cx, claims);
    hang::apply(&cx, &mut incidents);
    analysis.incidents = incidents;
}

/// Says how often an identical report repeated: `WARNING in foo: 300000 times on CPUs 0-63,
/// first a.log:10, last a.log:9000000`.
fn fold_repeats(c: &mut Claim, a: &Analysis, first: usize, more: &[usize]) {
    let r0 = &a.reports[first];
    let last = &a.reports[*more.last().unwrap_or(&first)];
    let mut cpus: Vec<u32> = std::iter::once(first)
        .chain(more.iter().copied())
        .filter_map(|k| a.reports[k].cpu)
        .collect();
    cpus.sort_unstable();
    cpus.dedup();
    let on = match cpus.len() {
        0 => String::new(),
        1 => format!(" on CPU {}", cpus[0]),
        _ => format!(" on CPUs {}", util::cpu_ranges(&cpus)),
    };
    let n = more.len() + 1;
    let tail = format!(
        "{}: {n} times{on}, first {}, last {}",
        r0.display_title,
        util::at_report(r0),
        util::at_report(last)
    );
    c.finding.message.push_str(&format!(
        " Printed {n} times{on}: first {}, last {}.",
        util::at_report(r0),
        util::at_report(last)
    ));
    c.finding.evidence.push(util::ev_report(last));
    c.summary = Some(tail);
}

/// Union-find over nodes.
struct Dsu {
    parent: Vec<usize>,
    ids: HashMap<Node, usize>,
    nodes: Vec<Node>,
}

impl Dsu {
    fn new() -> Dsu {
        Dsu {
            parent: Vec::new(),
            ids: HashMap::new(),
            nodes: Vec::new(),
        }
    }
    fn id(&mut self, n: Node) -> usize {
        if let Some(&i) = self.ids.get(&n) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.ids.insert(n, i);
        self.nodes.push(n);
        i
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
    fn union(&mut self, a: Node, b: Node) {
        let (x, y) = (self.id(a), self.id(b));
        let (rx, ry) = (self.find(x), self.find(y));
        if rx != ry {
            self.parent[ry.max(rx)] = rx.min(ry);
        }
    }
}

/// Reports of the same task (CPU, PID and command) in compatible boots are one story even
/// when they come from different files (a soft lockup, then an RCU stall of the same task).
fn same_task_links(cx: &Ctx, dsu: &mut Dsu) {
    let rs = &cx.a.reports;
    // Bucket by task so the work stays linear in the number of reports.
    let mut buckets: std::collections::HashMap<(Option<u32>, u32, &str), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, r) in rs.iter().enumerate() {
        if let (Some(pid), Some(comm)) = (r.pid.filter(|&p| p != 0), r.comm.as_deref()) {
            buckets.entry((r.cpu, pid, comm)).or_default().push(i);
        }
    }
    for members in buckets.values() {
        // Link each report to the nearest earlier one of the same task that can share its
        // boot (checking a bounded number back keeps pathological logs linear).
        for (k, &j) in members.iter().enumerate() {
            for &i in members[..k].iter().rev().take(8) {
                if util::same_boot_possible(cx.a, &rs[i], &rs[j]) {
                    dsu.union(Node::Report(i), Node::Report(j));
                    break;
                }
            }
        }
    }
}

/// Members of one incident: report, event and claim indices.
type Group = (Vec<usize>, Vec<usize>, Vec<usize>);

fn build_incidents(cx: &Ctx, mut claims: Vec<Claim>) -> Vec<Incident> {
    let a = cx.a;
    // Reports no rule explains: one generic claim each.
    // A report counts as explained by a claim that proposes a root or a summary (a driver
    // error that merely follows a report does not explain it).
    let mut covered = vec![false; a.reports.len()];
    for c in &claims {
        if c.root.is_none() && c.summary.is_none() {
            continue;
        }
        for m in &c.members {
            if let Node::Report(i) = m {
                covered[*i] = true;
            }
        }
    }
    let mut dsu = Dsu::new();
    same_task_links(cx, &mut dsu);
    let mut generic_of: HashMap<usize, usize> = HashMap::new();
    // Task groups that hold an explained report (no unions happen until the claims below).
    let covered_roots: std::collections::HashSet<usize> = (0..a.reports.len())
        .filter(|&j| covered[j])
        .map(|j| {
            let o = dsu.id(Node::Report(j));
            dsu.find(o)
        })
        .collect();
    let mut same_task_mentions: HashMap<usize, usize> = HashMap::new();
    // Identical unexplained reports of a boot (a WARN storm: the same title thousands of
    // times) fold into one claim: (boot, title) -> claim, and the reports each one took.
    let mut by_title: HashMap<(usize, &str), usize> = HashMap::new();
    let mut folded: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in a.reports.iter().enumerate() {
        if covered[i] {
            continue;
        }
        // Joined to an explained report of the same task: explained there.
        let me = dsu.id(Node::Report(i));
        let root = dsu.find(me);
        if covered_roots.contains(&root) {
            continue;
        }
        if !generic_of.contains_key(&root) {
            if let Some(&ci) = by_title.get(&(r.boot, r.display_title.as_str())) {
                claims[ci].members.push(Node::Report(i));
                folded.entry(ci).or_default().push(i);
                continue;
            }
        }
        match generic_of.get(&root) {
            Some(&ci) => {
                let c: &mut Claim = &mut claims[ci];
                c.members.push(Node::Report(i));
                let n = same_task_mentions.entry(ci).or_insert(0);
                *n += 1;
                // Name the first few repeats; the members list carries them all.
                if *n <= 5 {
                    c.finding.message.push_str(&format!(
                        " Same task later: {} ({}, {}).",
                        r.display_title,
                        r.id,
                        util::at_report(r)
                    ));
                    c.finding.evidence.push(util::ev_report(r));
                }
            }
            None => {
                generic_of.insert(root, claims.len());
                by_title.insert((r.boot, r.display_title.as_str()), claims.len());
                claims.push(knowledge::generic_claim(r, i));
            }
        }
    }
    for (ci, more) in folded {
        let first = match claims[ci].members.first() {
            Some(Node::Report(k)) => *k,
            _ => continue,
        };
        fold_repeats(&mut claims[ci], a, first, &more);
    }
    for (ci, c) in claims.iter().enumerate() {
        dsu.id(Node::Claim(ci));
        for m in &c.members {
            dsu.union(Node::Claim(ci), *m);
        }
    }
    // Components holding at least one claim.
    let mut comps: HashMap<usize, Group> = HashMap::new();
    let nodes = dsu.nodes.clone();
    for n in nodes {
        let id = dsu.id(n);
        let root = dsu.find(id);
        let e = comps.entry(root).or_default();
        match n {
            Node::Report(i) => e.0.push(i),
            Node::Event(i) => e.1.push(i),
            Node::Claim(i) => e.2.push(i),
            Node::Sel(_) => {}
        }
    }
    let mut groups: Vec<Group> = comps.into_values().filter(|g| !g.2.is_empty()).collect();
    for g in groups.iter_mut() {
        g.0.sort_unstable();
        g.1.sort_unstable();
        g.2.sort_unstable();
    }
    // Order incidents by where they start: first report, else first event, else first claim.
    groups.sort_by_key(|g| {
        (
            g.0.first().copied().unwrap_or(usize::MAX),
            g.1.first().copied().unwrap_or(usize::MAX),
            g.2.first().copied().unwrap_or(usize::MAX),
        )
    });
    let mut out = Vec::new();
    for (n, (reports, events, cls)) in groups.into_iter().enumerate() {
        let mut members: Vec<&Claim> = cls.iter().map(|&i| &claims[i]).collect();
        members.sort_by_key(|c| std::cmp::Reverse(c.weight));
        let root = members
            .iter()
            .filter_map(|c| c.root)
            .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))
            .map(|(i, _)| a.reports[i].id.clone());
        let summary = members
            .iter()
            .find_map(|c| c.summary.clone())
            .unwrap_or_else(|| members[0].finding.message.clone());
        let confidence = members
            .iter()
            .filter(|c| c.summary.is_some())
            .map(|c| c.confidence)
            .fold(0.0f64, f64::max)
            .max(members.iter().map(|c| c.confidence).fold(0.0f64, f64::max) * 0.8);
        let mut findings: Vec<Finding> = Vec::new();
        for c in members {
            findings.push(c.finding.clone());
        }
        out.push(Incident {
            id: format!("i{}", n + 1),
            summary,
            root,
            reports: reports.iter().map(|&i| a.reports[i].id.clone()).collect(),
            events: events.iter().map(|&i| a.events[i].id.clone()).collect(),
            confidence: (confidence * 100.0).round() / 100.0,
            findings,
        });
    }
    out
}
