//! Groups past the memory bound: the hash sample, the sketch of the groups it leaves out and the
//! second pass that keeps the busy ones, checked against an exact count.

use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::evaluate::needs;
use crate::input::{read_bytes, InputFormat};
use crate::spec::load_str;
use crate::time::{format_rfc3339, parse_instant};

const AT: &str = "2026-03-10T12:00:00Z";

/// Two SLOs per path: `ages` over an hour (which ranks its groups) and a day; `slices`, in
/// one-minute slices, over ten minutes (which rank its groups) and an hour.
const SPEC: &str = "version: 1
slos:
  - name: ages
    objective: 99
    windows: [1h, 1d]
    good: status < 500
    group_by: [path]
    alerts: []
  - name: slices
    objective: 99
    windows: [10m, 1h]
    budgeting: timeslices
    timeslice: {length: 1m, objective: 90}
    good: status < 500
    group_by: [path]
    alerts: []
";

const HEADER: &str = "timestamp,path,status\n";

const MINUTE: i64 = 60_000_000_000;

fn at() -> UnixNanos {
    parse_instant(AT).unwrap()
}

fn plan(max_groups: usize) -> Plan {
    let slos = load_str(Path::new("spec.yaml"), SPEC).unwrap().slos;
    let refs: Vec<&Slo> = slos.iter().collect();
    let needs: Vec<Needs> = slos.iter().map(|slo| needs(slo, at())).collect();
    Plan::new(
        &refs,
        &needs,
        &TimestampSpec::default(),
        &InputFormat::Csv,
        at(),
        max_groups,
        false,
    )
    .unwrap()
}

/// A request for `path`, `minutes` minutes and 30 seconds before [`AT`].
#[derive(Debug, Clone)]
struct Request {
    path: String,
    minutes: i64,
    bad: bool,
}

impl Request {
    fn new(path: impl Into<String>, minutes: i64, bad: bool) -> Request {
        Request {
            path: path.into(),
            minutes,
            bad,
        }
    }

    fn line(&self) -> String {
        let time = at() - self.minutes * MINUTE - 30_000_000_000;
        let status = if self.bad { 503 } else { 200 };
        format!("{},{},{status}\n", format_rfc3339(time), self.path)
    }

    /// Whether the request is in the first window of SLO `slo` of [`SPEC`].
    fn in_first_window(&self, slo: usize) -> bool {
        self.minutes < [60, 10][slo]
    }
}

/// The group key of one path, as the counter writes it.
fn key(path: &str) -> Vec<u8> {
    let mut key = vec![1];
    key.extend_from_slice(&(path.len() as u64).to_le_bytes());
    key.extend_from_slice(path.as_bytes());
    key
}

/// Counts `requests` cut into `pieces` parts (as chunks, or threads), each counted on its own,
/// the tallies merged last part first.
fn count(plan: &Plan, requests: &[Request], pieces: usize) -> Tally {
    let mut tally = plan.tally();
    let size = requests.len().div_ceil(pieces).max(1);
    for part in requests.chunks(size).rev() {
        let mut text = HEADER.to_string();
        text.extend(part.iter().map(Request::line));
        let input = LogInput::Stdin;
        let mut counter = plan.counter(&input, 0);
        read_bytes(
            text.as_bytes(),
            &InputFormat::Csv,
            plan.fields(),
            &mut counter,
        )
        .unwrap();
        tally.merge(counter.into_tally());
    }
    tally
}

/// What `slo report` counts: a first pass, and a second one where the first calls for it,
/// each cut into its own number of pieces. Returns the tally of the last pass, groups not
/// yet folded, and whether there was a second.
fn both_passes(
    max_groups: usize,
    requests: &[Request],
    pieces: (usize, usize),
) -> (Plan, Tally, bool) {
    let mut plan = plan(max_groups);
    let first = count(&plan, requests, pieces.0);
    match first.heavy_groups() {
        Some(heavy) => {
            plan.keep_heavy_groups(heavy);
            let second = count(&plan, requests, pieces.1);
            (plan, second, true)
        }
        None => (plan, first, false),
    }
}

/// The groups of SLO `slo` once folded: (path, first-window events, events in all), `(other)`
/// last as `None`; and the fold.
type Shown = (Vec<(Option<String>, u64, u64)>, Option<Folded>);

fn shown(tally: &mut Tally, slo: usize) -> Shown {
    let slo_tally = &mut tally.slos[slo];
    let folded = slo_tally.fold_groups();
    let mut groups: Vec<_> = slo_tally
        .groups()
        .map(|group| {
            let path = match (&group.folded, group.values.first()) {
                (Some(_), _) => None,
                (None, Some(value)) => value.clone(),
                (None, None) => Some(String::new()),
            };
            let all = group.bands.iter().map(|c| c.total).sum::<u64>()
                + group.slices().values().map(|c| c.total).sum::<u64>();
            (path, slo_tally.first_window_events(group), all)
        })
        .collect();
    groups.sort_by(|a, b| (a.0.is_none(), &a.0).cmp(&(b.0.is_none(), &b.0)));
    (groups, folded)
}

/// Checks the groups shown for SLO `slo` against an exact count of `requests`: the counts of
/// every group shown, `(other)` holding the rest, and what [`Folded::passed_over`] promises.
#[track_caller]
fn check_against_exact_counts(requests: &[Request], slo: usize, max_groups: usize, shown: &Shown) {
    let counted = |request: &&Request| slo == 0 || request.minutes < 60;
    let mut exact: HashMap<&str, (u64, u64)> = HashMap::new();
    for request in requests.iter().filter(counted) {
        let entry = exact.entry(&request.path).or_default();
        entry.0 += u64::from(request.in_first_window(slo));
        entry.1 += 1;
    }
    let (groups, folded) = shown;
    let (own, other): (Vec<_>, Vec<_>) = groups.iter().partition(|g| g.0.is_some());
    for (path, first, all) in &own {
        let path = path.as_deref().unwrap();
        assert_eq!(exact.get(path), Some(&(*first, *all)), "{path}");
    }
    let (first_sum, all_sum) = exact
        .values()
        .fold((0, 0), |(a, b), (first, all)| (a + first, b + all));
    let other_counts = other.first().map_or((0, 0), |g| (g.1, g.2));
    let own_counts = own.iter().fold((0, 0), |(a, b), g| (a + g.1, b + g.2));
    assert_eq!(
        (own_counts.0 + other_counts.0, own_counts.1 + other_counts.1),
        (first_sum, all_sum),
        "every event once"
    );
    assert!(own.len() <= max_groups);
    // The busiest groups by the exact count, ties by value.
    let mut ranked: Vec<(&str, u64)> = exact.iter().map(|(p, c)| (*p, c.0)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let own_paths: Vec<&str> = own.iter().map(|g| g.0.as_deref().unwrap()).collect();
    // Always the first groups of the exact order, never one that a group folded outranks.
    let mut head: Vec<&str> = ranked.iter().take(own.len()).map(|r| r.0).collect();
    head.sort_unstable();
    assert_eq!(own_paths, head, "the groups shown are the busiest");
    let folded = folded.expect("past --max-groups");
    match folded.passed_over {
        None => assert_eq!(
            own.len(),
            max_groups.min(ranked.len()),
            "every place filled"
        ),
        Some(most) => {
            // Places are left empty only for groups of at most `most` events, which every
            // group shown has more than.
            assert!(folded.estimated && own.len() < max_groups);
            for (position, (path, events)) in ranked.iter().enumerate() {
                if position < own.len() {
                    assert!(
                        *events > most,
                        "{path} ({events} events) shown, not over {most}"
                    );
                } else {
                    assert!(
                        *events <= most,
                        "{path} ({events} events) folded, over {most}"
                    );
                }
            }
        }
    }
}

/// A log like a bot scan over busy routes: `busy` routes with many requests each (more in the
/// last hour the busier), a long tail of quieter ones, and `scanned` paths asked for once;
/// shuffled by a fixed generator.
fn scan_over_routes(busy: usize, scanned: usize, seed: u64) -> Vec<Request> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let mut requests = Vec::new();
    for route in 0..busy as u64 {
        // Zipf-like: route r has about 3000 / (r + 1) requests.
        for i in 0..3000 / (route + 1) {
            let minutes = i64::try_from(next() % 120).unwrap();
            requests.push(Request::new(format!("/api/{route}"), minutes, i % 17 == 0));
        }
    }
    for i in 0..scanned {
        let minutes = i64::try_from(next() % 90).unwrap();
        requests.push(Request::new(format!("/scan/{i}"), minutes, false));
    }
    for i in (1..requests.len()).rev() {
        let j = usize::try_from(next()).unwrap() % (i + 1);
        requests.swap(i, j);
    }
    requests
}

#[test]
fn group_keys_round_trip() {
    let mut key = vec![1];
    key.extend_from_slice(&3u64.to_le_bytes());
    key.extend_from_slice(b"GET");
    key.push(0);
    assert_eq!(
        decode_group_key(&key, 2),
        vec![Some("GET".to_string()), None]
    );
}

#[test]
fn a_busy_group_that_the_sample_leaves_out_is_shown_with_exact_counts() {
    // A route whose key hash the sample leaves out at every level: the top bit is set.
    let route = (0..)
        .map(|i| format!("/api/checkout-{i}"))
        .find(|path| !kept_at(key_hash(&key(path)), 1))
        .unwrap();
    // 2000 scanned paths once each, the route 300 times (every tenth failing), over 400
    // groups in memory with --max-groups 100.
    let mut requests: Vec<Request> = (0..2000)
        .map(|i| Request::new(format!("/scan/{i:04}"), 5, false))
        .collect();
    for i in 0..300 {
        requests.insert(i * 7, Request::new(route.as_str(), 3, i % 10 == 0));
    }
    let max_groups = 100;
    // One pass alone, as before: the route is folded into (other).
    let mut first = count(&plan(max_groups), &requests, 1);
    assert!(first.slos[0].sample_level > 0);
    let (groups, _) = shown(&mut first, 0);
    assert!(!groups.iter().any(|g| g.0.as_deref() == Some(&route)));
    // Both passes: it is shown, with exact counts, first among the groups.
    let (_, mut tally, second) = both_passes(max_groups, &requests, (1, 1));
    assert!(second);
    let slo = &tally.slos[0];
    let group = &slo.groups[key(&route).as_slice()];
    let counts = slo.counts_within(group, 24 * 60 * MINUTE);
    assert_eq!((counts.total, counts.good), (300, 270));
    let shown = shown(&mut tally, 0);
    check_against_exact_counts(&requests, 0, max_groups, &shown);
    assert!(shown.0.iter().any(|g| g.0.as_deref() == Some(&route)));
}

#[test]
fn the_busiest_groups_are_shown_exactly_however_the_log_is_cut() {
    let requests = scan_over_routes(300, 30_000, 1);
    let max_groups = 20;
    let mut results = Vec::new();
    for pieces in [(1, 1), (7, 3), (64, 1), (3, 50)] {
        let (_, mut tally, second) = both_passes(max_groups, &requests, pieces);
        assert!(
            second,
            "the scan is past the memory bound, and routes are left out"
        );
        let both: Vec<Shown> = (0..2).map(|slo| shown(&mut tally, slo)).collect();
        for (slo, shown) in both.iter().enumerate() {
            check_against_exact_counts(&requests, slo, max_groups, shown);
            // The routes stand out: the busiest groups are shown, no caveat.
            assert_eq!(shown.1.and_then(|f| f.passed_over), None, "SLO {slo}");
        }
        results.push(both);
    }
    for other in &results[1..] {
        assert_eq!(other, &results[0]);
    }
}

#[test]
fn without_a_second_pass_the_caveat_bounds_the_groups_passed_over() {
    // One pass over a log that cannot be read again: the groups shown come from the sample, and
    // what `passed_over` says of the others holds.
    let requests = scan_over_routes(300, 30_000, 2);
    for max_groups in [5, 20, 200] {
        let mut tally = count(&plan(max_groups), &requests, 5);
        for slo in 0..2 {
            let shown = shown(&mut tally, slo);
            assert!(shown.1.is_some_and(|f| f.estimated));
            check_against_exact_counts(&requests, slo, max_groups, &shown);
        }
    }
}

#[test]
fn a_second_pass_keeps_no_more_groups_than_its_bound() {
    // A sketch by which every group seems busy (no log makes one; a crafted one might come
    // near): the second pass keeps at most max(4 × --max-groups, MIN_HEAVY_GROUPS) groups and
    // 16 MiB of values beyond the sample, raising its threshold, and still counts every event
    // once.
    let max_groups = 10;
    let mut plan = plan(max_groups);
    let max_kept = GROUPS_IN_MEMORY * max_groups;
    let max_heavy = max_kept.max(MIN_HEAVY_GROUPS);
    let heavy = |sample_level| {
        Some(Arc::new(HeavyGroups {
            sketch: CountMinSketch::filled(max_heavy, 3),
            sample_level,
            threshold: 1,
        }))
    };
    plan.keep_heavy_groups(HeavyGroupsPerSlo(vec![heavy(4), None]));
    // Many groups of two events each, then a few with long values.
    let mut requests: Vec<Request> = (0..3 * max_heavy)
        .flat_map(|i| vec![Request::new(format!("/p/{i}"), 1, false); 2])
        .collect();
    let long = "x".repeat(64 << 10);
    requests.extend((0..300).map(|i| Request::new(format!("/{i}{long}"), 1, true)));
    for pieces in [1, 4] {
        let mut tally = count(&plan, &requests, pieces);
        let slo = &tally.slos[0];
        let Outside::Admitted(admitted) = &slo.outside else {
            panic!("a second pass");
        };
        // Past the bound, the threshold rose over every estimate (3): none are kept.
        assert!(admitted.raised >= 2, "{}", admitted.raised);
        assert!(admitted.groups <= max_heavy && admitted.bytes <= MAX_GROUP_BYTES);
        assert!(slo.groups.len() <= max_kept + max_heavy);
        assert!(slo.group_bytes <= 2 * MAX_GROUP_BYTES);
        let shown = shown(&mut tally, 0);
        check_against_exact_counts(&requests, 0, max_groups, &shown);
    }
    // With room for them, groups over the threshold are kept.
    plan.keep_heavy_groups(HeavyGroupsPerSlo(vec![heavy(4), None]));
    let few: Vec<Request> = requests[..200].to_vec();
    let tally = count(&plan, &few, 3);
    let Outside::Admitted(admitted) = &tally.slos[0].outside else {
        panic!("a second pass");
    };
    assert_eq!(admitted.raised, 0);
    assert_eq!(tally.slos[0].groups.len(), 100);
}

#[test]
fn no_second_pass_while_every_group_fits() {
    let requests = scan_over_routes(50, 300, 3);
    let mut tally = count(&plan(100), &requests, 3);
    assert_eq!(tally.slos[0].sample_level, 0);
    assert!(tally.heavy_groups().is_none());
    let shown = shown(&mut tally, 0);
    assert_eq!(shown.1.and_then(|f| f.passed_over), None);
    check_against_exact_counts(&requests, 0, 100, &shown);
}

#[test]
fn a_scan_alone_past_the_memory_bound_is_folded_whole() {
    // Past the bound with paths asked for once each: all tie, and the hash sample holds no
    // group that outranks those left out, nor knows which of them have the lowest values. So
    // none is shown: showing 100 sampled ones would pass over others of lower value.
    let scan: Vec<Request> = (0..5000)
        .map(|i| Request::new(format!("/scan/{i}"), 1, false))
        .collect();
    for pieces in [(1, 1), (4, 2)] {
        let (_, mut tally, _) = both_passes(100, &scan, pieces);
        assert!(tally.slos[0].sample_level > 0);
        let shown = shown(&mut tally, 0);
        assert_eq!(shown.0.len(), 1, "(other) alone");
        assert_eq!(shown.1.and_then(|f| f.passed_over), Some(1));
        check_against_exact_counts(&scan, 0, 100, &shown);
    }
    // Within the bound, the first 100 by value are shown.
    let (_, mut tally, second) = both_passes(100, &scan[..400], (2, 2));
    assert!(!second && tally.slos[0].sample_level == 0);
    let shown = shown(&mut tally, 0);
    assert_eq!(shown.0.len(), 101);
    check_against_exact_counts(&scan[..400], 0, 100, &shown);
}

#[test]
fn folding_like_another_window_keeps_its_groups_and_folds_the_rest_exactly() {
    let requests: Vec<Request> = ["/a", "/a", "/b", "/c", "/c", "/c"]
        .iter()
        .map(|path| Request::new(*path, 5, false))
        .collect();
    let mut tally = count(&plan(100), &requests, 1);
    let slo = &mut tally.slos[0];
    // Another window of the same count showed /a and /c, and folded nothing: /b had no row
    // there.
    let mut shown = slo.clone();
    shown
        .groups
        .remove(key("/b").as_slice())
        .expect("/b counted");
    shown.fold_groups();
    assert!(shown.other.is_none());
    slo.fold_like(&shown);
    let mut kept: Vec<Box<[u8]>> = slo.groups.keys().map(Box::from).collect();
    kept.sort();
    assert_eq!(kept, vec![key("/a").into(), key("/c").into()]);
    let other = slo.other.as_ref().expect("/b in (other)");
    assert_eq!(slo.first_window_events(other), 1);
    // An (other) of its own: one group, counted one by one.
    let folded = other.folded.as_deref().expect("marked as (other)");
    assert_eq!(
        (folded.groups, folded.estimated, folded.shown),
        (1, false, 2)
    );
    assert_eq!(
        slo.groups[key("/a").as_slice()].values,
        vec![Some("/a".to_string())]
    );
}
