//! The *Gerelateerd* block: pages that share thema's or SDG's with a page,
//! ranked by how many they share.
//!
//! A page's *facets* are the thema and SDG pages its `ref(s)` fields point
//! to, plus itself when it is a thema or SDG (so a thema page is related to
//! the pages filed under it). Shared facets rank first; shared other
//! references (niveaus, bronnen, begrippen…) break ties and give pages
//! without any thema or SDG a block too. Scores come from an inverted index
//! (facet → pages), so a page costs the size of its facets' member lists,
//! not a pass over the whole site.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use super::{FACET_KINDS, Link};
use crate::page::Role;
use crate::render::natural_cmp;
use crate::site::{PageId, Site};

/// How many related pages a page shows.
const LIMIT: usize = 6;
/// How many shared facets are named per related page.
const SHARED_NAMED: usize = 4;

/// One related page.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The page.
    pub link: Link,
    /// Titles of the shared thema's and SDG's (or, when none, of other
    /// shared references), at most a few.
    pub shared: Vec<String>,
    /// Number of shared thema's and SDG's.
    pub score: usize,
    /// True when `shared` names pages that refer to both (the fallback for
    /// pages that refer to nothing themselves, such as sources).
    pub cocited: bool,
}

/// Facet and reference sets per page, and who uses each target.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Sorted, without duplicates: ranking intersects them for every
    /// candidate, which sorted slices do without allocating or walking a
    /// tree.
    facets: Vec<Vec<PageId>>,
    others: Vec<Vec<PageId>>,
    /// Per target page: the pages whose facets (or other references)
    /// include it. Dense vectors indexed by page, not hash maps: scoring
    /// walks them for every page of the site.
    facet_users: Vec<Vec<PageId>>,
    other_users: Vec<Vec<PageId>>,
    /// Each page's place in (natural title, path) order, computed once:
    /// ranking then compares integers instead of titles, which on a
    /// 10,000-page site is the difference between seconds and minutes.
    title_rank: Vec<usize>,
    /// The (title, path) pairs `title_rank` was computed from, so the next
    /// site can reuse it when none changed (`serve`, after most edits).
    ranked_by: Vec<(String, String)>,
}

impl Index {
    pub(super) fn new(site: &Site<'_>, previous: Option<&Index>) -> Index {
        let is_facet = |id: PageId| {
            site.pages[id]
                .kind
                .as_deref()
                .is_some_and(|k| FACET_KINDS.contains(&k))
        };
        let n = site.pages.len();
        let mut ix = Index {
            facet_users: vec![Vec::new(); n],
            other_users: vec![Vec::new(); n],
            ..Index::default()
        };
        let sets: Vec<(Vec<PageId>, Vec<PageId>)> = site
            .pages
            .par_iter()
            .enumerate()
            .map(|(id, page)| {
                let mut facets = BTreeSet::new();
                let mut others = BTreeSet::new();
                if page.role == Role::Page {
                    if is_facet(id) {
                        facets.insert(id);
                    }
                    for &t in site.refs[id].values().flatten() {
                        if is_facet(t) {
                            facets.insert(t);
                        } else if t != id {
                            others.insert(t);
                        }
                    }
                }
                (facets.into_iter().collect(), others.into_iter().collect())
            })
            .collect();
        for (id, (facets, others)) in sets.iter().enumerate() {
            for &f in facets {
                ix.facet_users[f].push(id);
            }
            for &o in others {
                ix.other_users[o].push(id);
            }
        }
        (ix.facets, ix.others) = sets.into_iter().unzip();
        let unchanged = previous.filter(|prev| {
            prev.ranked_by.len() == site.pages.len()
                && prev
                    .ranked_by
                    .iter()
                    .zip(&site.pages)
                    .all(|((title, path), p)| *title == p.title && *path == p.path)
        });
        if let Some(prev) = unchanged {
            ix.title_rank.clone_from(&prev.title_rank);
            ix.ranked_by.clone_from(&prev.ranked_by);
            return ix;
        }
        let mut order: Vec<PageId> = (0..site.pages.len()).collect();
        // Lowercase each title once, with digit runs zero-padded so that
        // plain string order is natural order (`SDG 2` before `SDG 10`).
        order.par_sort_by_cached_key(|&id| {
            let p = &site.pages[id];
            (natural_key(&p.title), p.title.clone(), p.path.clone())
        });
        ix.title_rank = vec![0; order.len()];
        for (rank, id) in order.into_iter().enumerate() {
            ix.title_rank[id] = rank;
        }
        ix.ranked_by = site
            .pages
            .iter()
            .map(|p| (p.title.clone(), p.path.clone()))
            .collect();
        ix
    }
}

/// A sort key for natural order: lowercase, digit runs padded to 20
/// places.
fn natural_key(title: &str) -> String {
    let mut out = String::with_capacity(title.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            for _ in trimmed.len()..20 {
                out.push('0');
            }
            out.push_str(trimmed);
            digits.clear();
        }
    };
    for c in title.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.extend(c.to_lowercase());
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Pages related to `id`, best first.
pub fn related(site: &Site<'_>, index: &super::Index, id: PageId) -> Vec<Related> {
    let ix = &index.related;
    let (Some(facets), Some(others)) = (ix.facets.get(id), ix.others.get(id)) else {
        return Vec::new();
    };
    // Candidates sharing a facet always outrank those sharing only other
    // references, so when at least LIMIT of them exist the others-only
    // candidates (a niveau can be shared with a third of the site) are
    // never gathered: the ranking is the same, the work a fraction.
    let own_facet = |q: PageId| facets.binary_search(&q).is_ok();
    let mut by_facets = tally(&ix.facet_users, facets);
    // The page itself and its own facets are few: dropped after counting
    // rather than tested for every entry counted.
    by_facets.retain(|&(q, _)| q != id && !own_facet(q));
    // Shared other references only break ties, so they are counted only
    // for candidates that can still reach the top: those sharing at least
    // `floor` facets, the most that LIMIT candidates share.
    let mut at_least = vec![0usize; facets.len() + 2];
    for &(_, f) in &by_facets {
        at_least[f.min(facets.len() + 1)] += 1;
    }
    let mut floor = 0;
    let mut seen = 0;
    for f in (1..at_least.len()).rev() {
        seen += at_least[f];
        if seen >= LIMIT {
            floor = f;
            break;
        }
    }
    let tier: Vec<(PageId, usize)> = by_facets.into_iter().filter(|&(_, f)| f >= floor).collect();
    let shared_others = count_shared_others(ix, others, &tier);
    let mut ranked: Vec<(PageId, (usize, usize))> = tier
        .into_iter()
        .zip(shared_others)
        .map(|((q, f), o)| (q, (f, o)))
        .collect();
    if ranked.len() < LIMIT {
        let with_facets: BTreeSet<PageId> = ranked.iter().map(|(q, _)| *q).collect();
        ranked.extend(
            tally(&ix.other_users, others)
                .into_iter()
                .filter(|&(q, _)| q != id && !own_facet(q) && !with_facets.contains(&q))
                .map(|(q, o)| (q, (0, o))),
        );
    }
    if ranked.is_empty() {
        return cocited(site, ix, id);
    }
    let order = |(a, sa): &(PageId, (usize, usize)), (b, sb): &(PageId, (usize, usize))| {
        sb.cmp(sa)
            .then_with(|| ix.title_rank[*a].cmp(&ix.title_rank[*b]))
    };
    // Only the best LIMIT are shown: select them, then sort just those.
    if ranked.len() > LIMIT {
        ranked.select_nth_unstable_by(LIMIT, order);
        ranked.truncate(LIMIT);
    }
    ranked.sort_by(order);
    ranked
        .into_iter()
        .take(LIMIT)
        .map(|(q, (score, _))| {
            let shared_set = if score > 0 {
                shared(facets, &ix.facets[q]).collect::<Vec<_>>()
            } else {
                shared(others, &ix.others[q]).collect()
            };
            let mut shared: Vec<String> = shared_set
                .into_iter()
                .map(|t| site.pages[t].title.clone())
                .collect();
            shared.sort_by(|a, b| natural_cmp(a, b));
            shared.truncate(SHARED_NAMED);
            Related {
                link: Link::new(site, q),
                shared,
                score,
                cocited: false,
            }
        })
        .collect()
}

/// For each candidate, how many of `others` it refers to as well. Either
/// per candidate (merging two short sorted lists) or, when there are many
/// candidates, by walking the users of each of `others` once and counting
/// the candidates met: on a large site a niveau's users are a third of the
/// site, but so can a broad facet's candidates be, and then one pass over
/// the lists beats thousands of scattered merges. Both give the same counts.
fn count_shared_others(ix: &Index, others: &[PageId], tier: &[(PageId, usize)]) -> Vec<usize> {
    let scan: usize = others.iter().map(|&o| ix.other_users[o].len()).sum();
    // A merge per candidate misses the cache about once; a list entry
    // walked in order costs a few cycles. Measured on 100,000 pages.
    if tier.len() * 32 <= scan {
        return tier
            .iter()
            .map(|&(q, _)| shared(others, &ix.others[q]).count())
            .collect();
    }
    SCRATCH.with_borrow_mut(|slot| {
        if slot.len() < ix.other_users.len() {
            slot.resize(ix.other_users.len(), 0);
        }
        // Each candidate's place in `tier`, plus one (0: not a candidate).
        for (i, &(q, _)) in tier.iter().enumerate() {
            slot[q] = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        let mut counts = vec![0usize; tier.len()];
        for &o in others {
            for &q in &ix.other_users[o] {
                if let Some(c) = (slot[q] as usize)
                    .checked_sub(1)
                    .and_then(|i| counts.get_mut(i))
                {
                    *c += 1;
                }
            }
        }
        for &(q, _) in tier {
            slot[q] = 0;
        }
        counts
    })
}

thread_local! {
    /// A per-thread array with one slot per page, all zero between uses:
    /// counting over a site's pages without allocating per page.
    static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many of `targets` each page lists among its users (`users[t]`),
/// in no particular order. Counted in a
/// per-thread array the size of the site, reused from page to page and
/// cleared by what was touched, so a page costs its candidates, not the
/// site.
fn tally(users: &[Vec<PageId>], targets: &[PageId]) -> Vec<(PageId, usize)> {
    SCRATCH.with_borrow_mut(|counts| {
        if counts.len() < users.len() {
            counts.resize(users.len(), 0);
        }
        let mut touched: Vec<PageId> = Vec::new();
        for &t in targets {
            for &q in &users[t] {
                if counts[q] == 0 {
                    touched.push(q);
                }
                counts[q] += 1;
            }
        }
        touched
            .into_iter()
            .map(|q| {
                let n = counts[q] as usize;
                counts[q] = 0;
                (q, n)
            })
            .collect()
    })
}

/// The pages in both sorted lists, in order.
fn shared<'a>(a: &'a [PageId], b: &'a [PageId]) -> impl Iterator<Item = PageId> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
            match x.cmp(&y) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    return Some(x);
                }
            }
        }
        None
    })
}

/// For a page that refers to nothing that ranks (a source, mostly): pages
/// of its own kind that the same pages refer to, ranked by how many
/// referrers they share.
fn cocited(site: &Site<'_>, ix: &Index, id: PageId) -> Vec<Related> {
    let page = &site.pages[id];
    let Some(kind) = page.kind.as_deref().filter(|_| page.role == Role::Page) else {
        return Vec::new();
    };
    let referrers: BTreeSet<PageId> = site.incoming[id]
        .iter()
        .map(|(r, _)| *r)
        .filter(|&r| site.pages[r].role == Role::Page)
        .collect();
    let mut shared: BTreeMap<PageId, BTreeSet<PageId>> = BTreeMap::new();
    for &r in &referrers {
        for &t in site.refs[r].values().flatten() {
            if t != id && site.pages[t].kind.as_deref() == Some(kind) {
                shared.entry(t).or_default().insert(r);
            }
        }
    }
    let mut ranked: Vec<(PageId, BTreeSet<PageId>)> = shared.into_iter().collect();
    ranked.sort_by(|(a, sa), (b, sb)| {
        sb.len()
            .cmp(&sa.len())
            .then_with(|| ix.title_rank[*a].cmp(&ix.title_rank[*b]))
    });
    ranked
        .into_iter()
        .take(LIMIT)
        .map(|(q, by)| {
            let mut by: Vec<PageId> = by.into_iter().collect();
            by.sort_by_key(|&r| ix.title_rank[r]);
            Related {
                link: Link::new(site, q),
                shared: by
                    .into_iter()
                    .take(SHARED_NAMED)
                    .map(|r| site.pages[r].title.clone())
                    .collect(),
                score: 0,
                cocited: true,
            }
        })
        .collect()
}
