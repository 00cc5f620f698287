//! Restart and OOM bookkeeping: turns container events and inspect observations into
//! counters that never decrease while the exporter runs.
//!
//! Counts are kept per container id and folded into a per-label-set base when a container
//! is removed, so a container re-created under the same labels (a `compose up` that
//! recreates it) continues the same series.
//!
//! Rules (documented in docs/containers.md):
//! - a `die` followed by a `start` of the same container counts one restart (policy
//!   restarts, `docker restart`, `docker stop` + `docker start`);
//! - a `restart` event counts one unless the `die`→`start` before it was already counted
//!   (it was the same restart);
//! - an inspect observation counts the restarts the events missed: between two observations
//!   at least `max(RestartCount increase, 1 if StartedAt changed)` restarts happened (a
//!   RestartCount that went down means an explicit start: at least `RestartCount + 1`); the
//!   first observation of a container counts its RestartCount;
//! - `oom` events count OOM kills; an observation with `State.OOMKilled` set for an exit
//!   not seen before counts one unless an `oom` event already did.

use std::collections::HashMap;

use super::parse::{Action, ContainerEvent, parse_docker_time_nanos};

/// The label values of one container series (`name, image, compose_project,
/// compose_service`, plus the id when configured).
pub type LabelKey = Vec<(String, String)>;

/// The inspect fields the counters use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observation {
    /// `RestartCount`.
    pub restart_count: i64,
    /// `State.OOMKilled`.
    pub oom_killed: bool,
    /// `State.StartedAt` as Docker wrote it.
    pub started_at: String,
    /// `State.FinishedAt` as Docker wrote it.
    pub finished_at: String,
}

/// Restart and OOM totals of one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Restarts observed.
    pub restarts: u64,
    /// OOM kills observed.
    pub ooms: u64,
}

#[derive(Debug, Default)]
struct Record {
    key: Option<LabelKey>,
    totals: Totals,
    pending_die: bool,
    die_nano: i64,
    observed_start_nano: i64,
    start_unclaimed: bool,
    ev_restarts: u64,
    ev_ooms: u64,
    last: Option<Observation>,
}

/// Per-container and per-series counters.
#[derive(Debug, Default)]
pub struct Tracker {
    by_id: HashMap<String, Record>,
    base: HashMap<LabelKey, Totals>,
    last_event_nano: i64,
}

fn never_started(s: &str) -> bool {
    s.is_empty() || s.starts_with("0001-")
}

impl Tracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// `timeNano` of the newest event applied (to resume the stream after a reconnect).
    pub fn last_event_nano(&self) -> i64 {
        self.last_event_nano
    }

    /// Whether the tracker has seen `id` (an event or an observation).
    pub fn knows(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Applies one event. `key` is the series derived from the event's attributes, used
    /// when the container was never observed. Events at or before the newest applied one
    /// are ignored (a resumed stream repeats them).
    pub fn apply_event(&mut self, ev: &ContainerEvent, key: Option<LabelKey>) {
        if ev.time_nano != 0 {
            if ev.time_nano <= self.last_event_nano {
                return;
            }
            self.last_event_nano = ev.time_nano;
        }
        if ev.action == Action::Destroy {
            if let Some(rec) = self.by_id.remove(&ev.id) {
                self.fold(rec, key);
            }
            return;
        }
        let rec = self.by_id.entry(ev.id.clone()).or_default();
        if rec.key.is_none() {
            rec.key = key;
        }
        match ev.action {
            Action::Die => {
                rec.pending_die = true;
                rec.die_nano = ev.time_nano;
                rec.start_unclaimed = false;
            }
            Action::Start => {
                if rec.pending_die {
                    rec.pending_die = false;
                    rec.start_unclaimed = true;
                    // An observation already saw this start (StartedAt after the die) and
                    // counted it; the event arrived late.
                    let seen = rec.die_nano != 0 && rec.observed_start_nano > rec.die_nano;
                    if !seen {
                        rec.totals.restarts += 1;
                        rec.ev_restarts += 1;
                    }
                }
            }
            Action::Restart => {
                if rec.start_unclaimed {
                    rec.start_unclaimed = false;
                } else {
                    rec.totals.restarts += 1;
                    rec.ev_restarts += 1;
                }
            }
            Action::Oom => {
                rec.totals.ooms += 1;
                rec.ev_ooms += 1;
            }
            Action::Destroy | Action::Other => {}
        }
    }

    /// Records an inspect observation of `id` under series `key` and counts what the events
    /// missed since the previous observation.
    pub fn observe(&mut self, id: &str, key: LabelKey, obs: Observation) {
        let rec = self.by_id.entry(id.to_string()).or_default();
        rec.key = Some(key);
        let rc = obs.restart_count.max(0) as u64;
        let expected_restarts = match &rec.last {
            None => rc,
            Some(prev) => {
                let prev_rc = prev.restart_count.max(0) as u64;
                let by_count = if rc >= prev_rc { rc - prev_rc } else { rc + 1 };
                let restarted = !never_started(&prev.started_at)
                    && !never_started(&obs.started_at)
                    && prev.started_at != obs.started_at;
                by_count.max(u64::from(restarted))
            }
        };
        let new_oom = obs.oom_killed
            && match &rec.last {
                None => true,
                Some(prev) => !prev.oom_killed || prev.finished_at != obs.finished_at,
            };
        // Saturating: RestartCount is outside input (any i64), and a counter that wraps
        // would go backwards.
        rec.totals.restarts = rec
            .totals
            .restarts
            .saturating_add(expected_restarts.saturating_sub(rec.ev_restarts));
        rec.totals.ooms = rec
            .totals
            .ooms
            .saturating_add(u64::from(new_oom).saturating_sub(rec.ev_ooms));
        rec.ev_restarts = 0;
        rec.ev_ooms = 0;
        rec.observed_start_nano = parse_docker_time_nanos(&obs.started_at).unwrap_or(0);
        rec.last = Some(obs);
    }

    /// Forgets containers that no longer exist (not in `present`), keeping their counts in
    /// their series. Only containers that were observed are dropped, so events for a
    /// container created after the listing are kept.
    pub fn retain_present(&mut self, present: &dyn Fn(&str) -> bool) {
        let gone: Vec<String> = self
            .by_id
            .iter()
            .filter(|(id, r)| r.last.is_some() && !present(id))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            if let Some(rec) = self.by_id.remove(&id) {
                self.fold(rec, None);
            }
        }
    }

    fn fold(&mut self, rec: Record, fallback: Option<LabelKey>) {
        if let Some(key) = rec.key.or(fallback) {
            let b = self.base.entry(key).or_default();
            b.restarts = b.restarts.saturating_add(rec.totals.restarts);
            b.ooms = b.ooms.saturating_add(rec.totals.ooms);
        }
    }

    /// The totals of series `key`: removed containers of that series plus live ones.
    pub fn totals(&self, key: &LabelKey) -> Totals {
        let mut t = self.base.get(key).copied().unwrap_or_default();
        for r in self.by_id.values() {
            if r.key.as_ref() == Some(key) {
                t.restarts = t.restarts.saturating_add(r.totals.restarts);
                t.ooms = t.ooms.saturating_add(r.totals.ooms);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &str) -> LabelKey {
        vec![("name".into(), n.into())]
    }
    fn ev(id: &str, action: Action, t: i64) -> ContainerEvent {
        ContainerEvent {
            id: id.into(),
            action,
            time_nano: t,
            attributes: HashMap::new(),
        }
    }
    fn obs(rc: i64, started: &str) -> Observation {
        Observation {
            restart_count: rc,
            oom_killed: false,
            started_at: started.into(),
            finished_at: String::new(),
        }
    }

    #[test]
    fn policy_restarts_not_double_counted() {
        let mut t = Tracker::new();
        t.observe("a", key("w"), obs(0, "t0"));
        t.apply_event(&ev("a", Action::Die, 1), None);
        t.apply_event(&ev("a", Action::Start, 2), None);
        t.apply_event(&ev("a", Action::Die, 3), None);
        t.apply_event(&ev("a", Action::Start, 4), None);
        assert_eq!(t.totals(&key("w")).restarts, 2);
        // Inspect agrees: RestartCount went 0 -> 2.
        t.observe("a", key("w"), obs(2, "t4"));
        assert_eq!(t.totals(&key("w")).restarts, 2);
        // A policy restart missed by the events (stream down) is counted from RestartCount.
        t.observe("a", key("w"), obs(3, "t5"));
        assert_eq!(t.totals(&key("w")).restarts, 3);
    }

    #[test]
    fn explicit_restart_counts_once_and_survives_reset() {
        let mut t = Tracker::new();
        t.observe("a", key("w"), obs(5, "t0"));
        assert_eq!(t.totals(&key("w")).restarts, 5);
        for (i, a) in [Action::Die, Action::Start, Action::Restart]
            .into_iter()
            .enumerate()
        {
            t.apply_event(&ev("a", a, 10 + i as i64), None);
        }
        assert_eq!(t.totals(&key("w")).restarts, 6);
        // Docker reset RestartCount to 0; the counter does not go down.
        t.observe("a", key("w"), obs(0, "t1"));
        assert_eq!(t.totals(&key("w")).restarts, 6);
        // A restart event without die/start (missed) counts.
        t.apply_event(&ev("a", Action::Restart, 20), None);
        assert_eq!(t.totals(&key("w")).restarts, 7);
        // Missed entirely: only StartedAt changed.
        t.observe("a", key("w"), obs(0, "t2"));
        assert_eq!(t.totals(&key("w")).restarts, 7);
        t.observe("a", key("w"), obs(0, "t3"));
        assert_eq!(t.totals(&key("w")).restarts, 8);
    }

    #[test]
    fn first_start_is_not_a_restart_and_duplicates_are_ignored() {
        let mut t = Tracker::new();
        t.apply_event(&ev("a", Action::Start, 1), Some(key("w")));
        t.observe("a", key("w"), obs(0, "0001-01-01T00:00:00Z"));
        t.observe("a", key("w"), obs(0, "t1"));
        assert_eq!(t.totals(&key("w")).restarts, 0);
        t.apply_event(&ev("a", Action::Die, 5), None);
        t.apply_event(&ev("a", Action::Start, 6), None);
        t.apply_event(&ev("a", Action::Die, 5), None);
        t.apply_event(&ev("a", Action::Start, 6), None);
        assert_eq!(t.totals(&key("w")).restarts, 1);
        assert_eq!(t.last_event_nano(), 6);
    }

    #[test]
    fn late_start_event_after_observation_is_not_counted_twice() {
        let mut t = Tracker::new();
        t.observe("a", key("w"), obs(0, "2026-11-28T16:00:00Z"));
        t.apply_event(&ev("a", Action::Die, 1_795_881_700_000_000_000), None);
        // The observation sees the policy restart before the start event arrives.
        t.observe("a", key("w"), obs(1, "2026-11-28T16:01:41Z"));
        assert_eq!(t.totals(&key("w")).restarts, 1);
        t.apply_event(&ev("a", Action::Start, 1_795_881_701_000_000_000), None);
        assert_eq!(t.totals(&key("w")).restarts, 1);
        // The next observation agrees.
        t.observe("a", key("w"), obs(1, "2026-11-28T16:01:41Z"));
        assert_eq!(t.totals(&key("w")).restarts, 1);
    }

    #[test]
    fn recreated_container_continues_the_series() {
        let mut t = Tracker::new();
        t.observe("a", key("w"), obs(3, "t0"));
        t.apply_event(&ev("a", Action::Oom, 1), None);
        t.apply_event(&ev("a", Action::Destroy, 2), None);
        assert!(!t.knows("a"));
        t.observe("b", key("w"), obs(0, "t1"));
        assert_eq!(
            t.totals(&key("w")),
            Totals {
                restarts: 3,
                ooms: 1
            }
        );
        // Removed while the stream was down: folded at the next listing.
        t.retain_present(&|id| id != "b");
        assert_eq!(
            t.totals(&key("w")),
            Totals {
                restarts: 3,
                ooms: 1
            }
        );
        assert!(!t.knows("b"));
    }

    #[test]
    fn oom_from_events_and_state() {
        let mut t = Tracker::new();
        t.apply_event(&ev("a", Action::Oom, 1), Some(key("w")));
        t.apply_event(&ev("a", Action::Die, 2), None);
        let mut o = obs(0, "t0");
        o.oom_killed = true;
        o.finished_at = "f1".into();
        t.observe("a", key("w"), o.clone());
        assert_eq!(t.totals(&key("w")).ooms, 1);
        t.observe("a", key("w"), o.clone());
        assert_eq!(t.totals(&key("w")).ooms, 1);
        // A new OOM exit seen only in the state.
        o.finished_at = "f2".into();
        t.observe("a", key("w"), o);
        assert_eq!(t.totals(&key("w")).ooms, 2);
    }

    /// Spotted while writing the `docker_json` fuzz target, reproduced with it: a huge
    /// `RestartCount` (any i64 is valid JSON) going up and down made the restart total
    /// overflow (a panic in debug builds, a counter wrapping back to a small value in
    /// release). Totals saturate instead.
    #[test]
    fn huge_restart_counts_saturate_instead_of_overflowing() {
        let mut t = Tracker::new();
        for rc in [i64::MAX, 0, i64::MAX, 0, i64::MAX] {
            t.observe("a", key("w"), obs(rc, "t0"));
        }
        assert_eq!(t.totals(&key("w")).restarts, u64::MAX);
        // Two saturated containers of one series, then one removed: still saturated.
        t.observe("b", key("w"), obs(i64::MAX, "t0"));
        assert_eq!(t.totals(&key("w")).restarts, u64::MAX);
        t.retain_present(&|id| id == "b");
        assert_eq!(t.totals(&key("w")).restarts, u64::MAX);
    }
}
