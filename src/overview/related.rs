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
    /// Each page's place in the order of [`natural_cmp`] on titles alone,
    /// equal titles sharing a place: listings that sort by title (then
    /// something else) compare these instead of the strings. A niveau
    /// page's thousands of backlinks are sorted this way.
    title_place: Vec<u32>,
    /// The (title, path) pairs `title_rank` was computed from, so the next
    /// site can reuse it when none changed (`serve`, after most edits).
    ranked_by: Vec<(String, String)>,
    /// Pages grouped by the broad targets they use; see [`Groups`].
    groups: Groups,
}

/// A target with at least this many users is *broad* (an SDG, a niveau on
/// a large site). Users of narrow targets are tallied per page, which
/// costs at most this much per target; users of broad targets are reached
/// through [`Groups`] instead, whose cost does not grow with the site.
const BROAD: usize = 256;

/// How many candidates are worked out in advance per group: enough for
/// [`LIMIT`] after skipping the page itself, its own facets and the pages
/// that also share narrow targets with it.
const CACHED: usize = 32;

/// Pages grouped by their *signature*: the broad targets among their
/// facets and other references. A page that shares nothing narrow with
/// the page being ranked scores exactly what its signature shares with
/// that page's signature, so every member of a group ties on score and
/// the title order decides between them. A site of 100,000 pages with 17
/// SDG's and three niveaus has a few thousand signatures, and the best
/// candidates per signature are worked out once, not once per page: that
/// keeps ranking linear in the site where tallying the users of an SDG for
/// every page was quadratic.
#[derive(Debug, Default)]
struct Groups {
    /// Per page: true when it is a broad target.
    broad: Vec<bool>,
    /// Per page: true when its kind is a facet kind.
    facet_kind: Vec<bool>,
    /// Per page: its group, if its signature is not empty.
    of: Vec<Option<usize>>,
    /// Per group: the signature, sorted.
    sigs: Vec<Vec<PageId>>,
    /// Per group: its pages in title order.
    members: Vec<Vec<PageId>>,
    /// When a site has at most 128 broad targets (17 SDG's and three
    /// niveaus, typically): per group its signature as two bit sets, the
    /// facets and the other targets. Comparing two groups is then two ANDs
    /// and two counts (`group_key`); comparing one with all the others goes
    /// through `columns`.
    masks: Option<Vec<(u128, u128)>>,
    /// With `masks`: per bit, one byte per group, 1 when the group's
    /// signature has that bit. What a group shares with every other is
    /// then the sum of the columns of its own few bits, which the compiler
    /// vectorises, instead of a bit count per pair of groups (in software:
    /// POPCNT is not in the baseline x86-64 target).
    columns: Vec<Vec<u8>>,
    /// Per group: how many members it has (`members[g].len()`, kept apart
    /// so the comparison of every group with every other reads one
    /// compact array).
    sizes: Vec<usize>,
    /// Per group, filled on first use: the best candidates for a page of
    /// that group among all groups' members.
    best: Vec<std::sync::OnceLock<Best>>,
}

/// The best candidates for the pages of one group, best first, as
/// `(page, shared facets, shared other references)`.
#[derive(Debug, Default)]
struct Best {
    ranked: Vec<(PageId, usize, usize)>,
    /// True when `ranked` holds every page that shares a broad target.
    complete: bool,
}

impl Groups {
    fn new(site: &Site<'_>, ix: &Index, broad_at: usize) -> Groups {
        let n = site.pages.len();
        let broad: Vec<bool> = (0..n)
            .map(|t| ix.facet_users[t].len().max(ix.other_users[t].len()) >= broad_at)
            .collect();
        let facet_kind: Vec<bool> = (0..n)
            .map(|t| {
                site.pages[t]
                    .kind
                    .as_deref()
                    .is_some_and(|k| FACET_KINDS.contains(&k))
            })
            .collect();
        let mut by_sig: std::collections::HashMap<Vec<PageId>, usize> =
            std::collections::HashMap::new();
        let mut sigs: Vec<Vec<PageId>> = Vec::new();
        let mut of = vec![None; n];
        for (id, slot) in of.iter_mut().enumerate() {
            let mut sig: Vec<PageId> = ix.facets[id]
                .iter()
                .chain(&ix.others[id])
                .copied()
                .filter(|&t| broad[t])
                .collect();
            if sig.is_empty() {
                continue;
            }
            sig.sort_unstable();
            let next = sigs.len();
            let g = *by_sig.entry(sig.clone()).or_insert(next);
            if g == next {
                sigs.push(sig);
            }
            *slot = Some(g);
        }
        let mut bit: std::collections::BTreeMap<PageId, u32> = std::collections::BTreeMap::new();
        for &t in sigs.iter().flatten() {
            let next = u32::try_from(bit.len()).unwrap_or(u32::MAX);
            bit.entry(t).or_insert(next);
        }
        let masks = (bit.len() <= 128).then(|| {
            let mask = |ts: &mut dyn Iterator<Item = &PageId>| {
                ts.fold(0u128, |m, t| m | bit.get(t).map_or(0, |&b| 1u128 << b))
            };
            let facets = mask(&mut bit.keys().filter(|&&t| facet_kind[t]));
            sigs.iter()
                .map(|sig| {
                    let m = mask(&mut sig.iter());
                    (m & facets, m & !facets)
                })
                .collect()
        });
        let columns = masks
            .as_ref()
            .map_or_else(Vec::new, |masks: &Vec<(u128, u128)>| {
                (0..bit.len())
                    .map(|b| {
                        masks
                            .iter()
                            .map(|&(f, o)| u8::from((f | o) >> b & 1 == 1))
                            .collect()
                    })
                    .collect()
            });
        // `title_rank` is a permutation: its inverse is the title order.
        let mut order: Vec<PageId> = vec![0; n];
        for (q, &rank) in ix.title_rank.iter().enumerate() {
            order[rank] = q;
        }
        let mut members = vec![Vec::new(); sigs.len()];
        for q in order {
            if let Some(g) = of[q] {
                members[g].push(q);
            }
        }
        Groups {
            broad,
            facet_kind,
            of,
            sizes: members.iter().map(Vec::len).collect(),
            best: (0..sigs.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            sigs,
            members,
            masks,
            columns,
        }
    }

    /// What the signatures of groups `g` and `h` share: (facets, other
    /// references).
    fn group_key(&self, g: usize, h: usize) -> (usize, usize) {
        match &self.masks {
            Some(masks) => {
                let ((fg, og), (fh, oh)) = (masks[g], masks[h]);
                (
                    (fg & fh).count_ones() as usize,
                    (og & oh).count_ones() as usize,
                )
            }
            None => self.key(&self.sigs[g], &self.sigs[h]),
        }
    }

    /// What two signatures share: (facets, other references).
    fn key(&self, a: &[PageId], b: &[PageId]) -> (usize, usize) {
        shared(a, b).fold((0, 0), |(f, o), t| {
            if self.facet_kind[t] {
                (f + 1, o)
            } else {
                (f, o + 1)
            }
        })
    }

    /// The best candidates for a page of group `g`, worked out on first
    /// use: groups by what they share with `g`, best first, and within a
    /// tie their members merged in title order, up to [`CACHED`] pages.
    fn best(&self, g: usize, title_rank: &[usize]) -> &Best {
        self.best[g].get_or_init(|| {
            // Keys are small, so groups are bucketed by key rather than
            // sorted (a large site has thousands of groups, each visited
            // once per group). No group shares more with `g` than `g`
            // itself, which bounds the keys.
            let (max_f, max_o) = self.group_key(g, g);
            let width = max_o + 1;
            let classes = (max_f + 1) * width;
            // First each group's class and the pages per class; then only
            // the best classes that together hold CACHED pages are bucketed
            // (class 0 shares nothing and never is). Bucketing every group
            // for every group was most of this, at 3,400 groups for 10,000
            // pages.
            let mut class_of: Vec<u32> = vec![0; self.sigs.len()];
            let class = |(f, o): (usize, usize)| u32::try_from(f * width + o).unwrap_or(0);
            match &self.masks {
                // The common case: every group against every other (11
                // million pairs at 10,000 pages) as sums of byte columns.
                Some(masks) => {
                    let (fg, og) = masks[g];
                    let shared = |bits: u128| {
                        let mut sum = vec![0u8; class_of.len()];
                        for b in ones(bits) {
                            if let Some(column) = self.columns.get(b) {
                                // At most 128 bits: a byte cannot overflow.
                                for (s, &c) in sum.iter_mut().zip(column) {
                                    *s = s.wrapping_add(c);
                                }
                            }
                        }
                        sum
                    };
                    let (f, o) = (shared(fg), shared(og));
                    for ((c, &f), &o) in class_of.iter_mut().zip(&f).zip(&o) {
                        *c = class((usize::from(f), usize::from(o)));
                    }
                }
                None => {
                    for (h, c) in class_of.iter_mut().enumerate() {
                        *c = class(self.group_key(g, h));
                    }
                }
            }
            let mut sizes = vec![0usize; classes];
            for (&c, &n) in class_of.iter().zip(&self.sizes) {
                if let Some(size) = sizes.get_mut(c as usize) {
                    *size += n;
                }
            }
            let total: usize = sizes.iter().skip(1).sum();
            let (mut cutoff, mut held) = (classes, 0);
            while cutoff > 1 && held < CACHED {
                cutoff -= 1;
                held += sizes[cutoff];
            }
            let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); classes - cutoff];
            for (h, &c) in class_of.iter().enumerate() {
                if let Some(bucket) = (c as usize)
                    .checked_sub(cutoff)
                    .and_then(|i| buckets.get_mut(i))
                {
                    bucket.push(h);
                }
            }
            let mut ranked = Vec::new();
            // Best key first; within a key, the groups' members (each
            // group in title order) merged by title, as far as needed.
            for (i, class) in buckets.iter().enumerate().rev() {
                let need = CACHED - ranked.len();
                if need == 0 {
                    break;
                }
                let (f, o) = ((cutoff + i) / width, (cutoff + i) % width);
                let mut heads: std::collections::BinaryHeap<
                    std::cmp::Reverse<(usize, usize, usize)>,
                > = class
                    .iter()
                    .filter_map(|&h| {
                        let q = *self.members[h].first()?;
                        Some(std::cmp::Reverse((title_rank[q], h, 0)))
                    })
                    .collect();
                while ranked.len() < CACHED {
                    let Some(std::cmp::Reverse((_, h, at))) = heads.pop() else {
                        break;
                    };
                    ranked.push((self.members[h][at], f, o));
                    if let Some(&q) = self.members[h].get(at + 1) {
                        heads.push(std::cmp::Reverse((title_rank[q], h, at + 1)));
                    }
                }
            }
            Best {
                complete: ranked.len() == total,
                ranked,
            }
        })
    }
}

/// The positions of the bits set in `bits`, lowest first.
fn ones(mut bits: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let b = bits.trailing_zeros() as usize;
        bits &= bits.wrapping_sub(1);
        (b < 128).then_some(b)
    })
}

impl Index {
    /// Page `id`'s place in natural title order (see `title_place`).
    pub(super) fn title_place(&self, id: PageId) -> u32 {
        self.title_place.get(id).copied().unwrap_or(u32::MAX)
    }

    pub(super) fn new(site: &Site<'_>, previous: Option<&Index>) -> Index {
        Index::with_broad_at(site, previous, BROAD)
    }

    fn with_broad_at(site: &Site<'_>, previous: Option<&Index>, broad_at: usize) -> Index {
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
            ix.title_place.clone_from(&prev.title_place);
            ix.ranked_by.clone_from(&prev.ranked_by);
        } else {
            ix.rank_titles(site);
        }
        ix.groups = Groups::new(site, &ix, broad_at);
        ix
    }

    /// Each page's place in (natural title, path) order.
    fn rank_titles(&mut self, site: &Site<'_>) {
        let mut order: Vec<PageId> = (0..site.pages.len()).collect();
        // Lowercase each title once, with digit runs zero-padded so that
        // plain string order is natural order (`SDG 2` before `SDG 10`).
        // Ties fall to the title and path themselves, borrowed (copying
        // them into every key was a third of this ranking's time), and
        // last to the page number, as a stable sort would leave them.
        let keys: Vec<String> = site
            .pages
            .par_iter()
            .map(|p| natural_key(&p.title))
            .collect();
        order.par_sort_unstable_by(|&a, &b| {
            let (pa, pb) = (&site.pages[a], &site.pages[b]);
            (&keys[a], &pa.title, &pa.path, a).cmp(&(&keys[b], &pb.title, &pb.path, b))
        });
        self.title_rank = vec![0; order.len()];
        for (rank, &id) in order.iter().enumerate() {
            self.title_rank[id] = rank;
        }
        // `natural_cmp` is equal only for equal titles (it falls back on
        // the bytes), so equal neighbours in its order are equal titles,
        // and the places do not depend on the order sorting starts from.
        // It starts from the rank order, which nearly always agrees: the
        // standard sort then finds the input sorted in one pass instead of
        // comparing titles n log n times.
        let title = |id: PageId| site.pages[id].title.as_str();
        let mut by_title = order;
        by_title.sort_by(|&a, &b| natural_cmp(title(a), title(b)));
        self.title_place = vec![0; by_title.len()];
        let mut place = 0;
        for (i, &id) in by_title.iter().enumerate() {
            if i > 0 && title(by_title[i - 1]) != title(id) {
                place = u32::try_from(i).unwrap_or(u32::MAX);
            }
            self.title_place[id] = place;
        }
        self.ranked_by = site
            .pages
            .iter()
            .map(|p| (p.title.clone(), p.path.clone()))
            .collect();
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
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Pages related to `id`, best first.
///
/// Candidates are the other pages that share a facet or another reference
/// with it (not its own facets), ranked by shared facets, then shared other
/// references, then title. Pages sharing a narrow target are scored one by
/// one; the rest share only broad targets and come, already ranked, from
/// the page's group ([`Groups`]). When that list runs short (a page with
/// many narrow neighbours among its group's best), ranking falls back to
/// tallying every candidate, which gives the same answer slower.
pub fn related(site: &Site<'_>, index: &super::Index, id: PageId) -> Vec<Related> {
    let ix = &index.related;
    if id >= ix.facets.len() {
        return Vec::new();
    }
    related_grouped(site, ix, id).unwrap_or_else(|| related_by_tally(site, ix, id))
}

/// [`related`] through the page's group; `None` when the group's list of
/// best candidates runs short for this page.
fn related_grouped(site: &Site<'_>, ix: &Index, id: PageId) -> Option<Vec<Related>> {
    let (facets, others) = (&ix.facets[id], &ix.others[id]);
    let gs = &ix.groups;
    let own_facet = |q: PageId| facets.binary_search(&q).is_ok();
    let narrow = |targets: &[PageId]| -> Vec<PageId> {
        targets.iter().copied().filter(|&t| !gs.broad[t]).collect()
    };
    let touched = merge_tallies(
        tally(&ix.facet_users, &narrow(facets)),
        tally(&ix.other_users, &narrow(others)),
    );
    let mut ranked: Vec<(PageId, (usize, usize))> = touched
        .iter()
        .filter(|&&(q, _, _)| q != id && !own_facet(q))
        .map(|&(q, f, o)| {
            let (bf, bo) = match (gs.of[id], gs.of[q]) {
                (Some(g), Some(h)) => gs.group_key(g, h),
                _ => (0, 0),
            };
            (q, (f + bf, o + bo))
        })
        .collect();
    if let Some(g) = gs.of[id] {
        let best = gs.best(g, &ix.title_rank);
        let mut accepted = 0;
        for &(q, f, o) in &best.ranked {
            if accepted == LIMIT {
                break;
            }
            if q == id || own_facet(q) || touched.binary_search_by_key(&q, |t| t.0).is_ok() {
                continue;
            }
            ranked.push((q, (f, o)));
            accepted += 1;
        }
        if accepted < LIMIT && !best.complete {
            return None;
        }
    }
    Some(finish(site, ix, id, ranked))
}

/// The pages in either tally with their facet and other counts, by page.
fn merge_tallies(
    mut facets: Vec<(PageId, usize)>,
    mut others: Vec<(PageId, usize)>,
) -> Vec<(PageId, usize, usize)> {
    facets.sort_unstable();
    others.sort_unstable();
    let mut out = Vec::with_capacity(facets.len().max(others.len()));
    let (mut i, mut j) = (0, 0);
    loop {
        let next = match (facets.get(i), others.get(j)) {
            (Some(&(a, f)), Some(&(b, o))) if a == b => {
                i += 1;
                j += 1;
                (a, f, o)
            }
            (Some(&(a, f)), Some(&(b, _))) if a < b => {
                i += 1;
                (a, f, 0)
            }
            (Some(&(a, f)), None) => {
                i += 1;
                (a, f, 0)
            }
            (_, Some(&(b, o))) => {
                j += 1;
                (b, 0, o)
            }
            (None, None) => return out,
        };
        out.push(next);
    }
}

/// [`related`] by tallying the users of every facet of the page: the
/// straightforward ranking, and the reference the grouped one is tested
/// against.
fn related_by_tally(site: &Site<'_>, ix: &Index, id: PageId) -> Vec<Related> {
    let (facets, others) = (&ix.facets[id], &ix.others[id]);
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
    finish(site, ix, id, ranked)
}

/// The best [`LIMIT`] of the scored candidates, with what they share.
fn finish(
    site: &Site<'_>,
    ix: &Index,
    id: PageId,
    mut ranked: Vec<(PageId, (usize, usize))>,
) -> Vec<Related> {
    let (facets, others) = (&ix.facets[id], &ix.others[id]);
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
            // In natural title order, by place (equal places are equal
            // titles): only the titles named are copied.
            let mut shared_set = shared_set;
            shared_set.sort_by_key(|&t| ix.title_place(t));
            let shared: Vec<String> = shared_set
                .into_iter()
                .take(SHARED_NAMED)
                .map(|t| site.pages[t].title.clone())
                .collect();
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::Config;
    use crate::highlight::Highlighter;
    use crate::source::SourceFile;

    const SITE: &str = "title: T
base_url: https://x.example/
kinds:
  methode:
    section: methoden
    label: Methode
    plural: Methoden
    fields:
      sdgs: { type: refs, to: sdg }
      themas: { type: refs, to: thema }
      niveaus: { type: refs, to: niveau }
      bronnen: { type: refs, to: bron }
  thema:
    section: themas
    label: Thema
    plural: Themas
    fields:
      sdgs: { type: refs, to: sdg }
  sdg:
    section: sdg
    label: SDG
    plural: SDGs
    fields: {}
  niveau:
    section: niveaus
    label: Niveau
    plural: Niveaus
    fields: {}
  bron:
    section: bronnen
    label: Bron
    plural: Bronnen
    fields: {}
";

    /// A site of 600 methods whose references follow a fixed
    /// pseudo-random sequence: SDG's and niveaus shared by hundreds,
    /// thema's and bronnen by a few, some methods with nothing.
    fn site(config: &Config) -> Site<'_> {
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let mut files = Vec::new();
        let mut add = |path: String, text: String| {
            files.push(SourceFile {
                path,
                bytes: text.into_bytes(),
            });
        };
        for (dir, title) in [
            ("methoden", "Methoden"),
            ("themas", "Themas"),
            ("sdg", "SDGs"),
        ]
        .into_iter()
        .chain([("niveaus", "Niveaus"), ("bronnen", "Bronnen")])
        {
            add(
                format!("content/{dir}/_index.md"),
                format!("---\ntitle: {title}\n---\n"),
            );
        }
        for i in 1..=17 {
            add(
                format!("content/sdg/{i}.md"),
                format!("---\ntitle: SDG {i}\n---\n"),
            );
        }
        for n in ["micro", "meso", "macro"] {
            add(
                format!("content/niveaus/{n}.md"),
                format!("---\ntitle: {n}\n---\n"),
            );
        }
        for i in 0..40 {
            add(
                format!("content/bronnen/b{i}.md"),
                format!("---\ntitle: Bron {i}\n---\n"),
            );
            let sdg = 1 + next(17);
            add(
                format!("content/themas/t{i}.md"),
                format!("---\ntitle: Thema {}\nsdgs: [{sdg}]\n---\n", next(9)),
            );
        }
        for i in 0..600 {
            let list = |items: Vec<String>| format!("[{}]", items.join(", "));
            let sdgs = (0..next(4)).map(|_| format!("{}", 1 + next(17))).collect();
            let themas = (0..next(3)).map(|_| format!("t{}", next(40))).collect();
            let niveaus = (0..next(3))
                .map(|_| ["micro", "meso", "macro"][next(3) as usize].to_string())
                .collect();
            let bronnen = (0..next(3)).map(|_| format!("b{}", next(40))).collect();
            add(
                format!("content/methoden/m{i}.md"),
                format!(
                    "---\ntitle: Methode {}\nsdgs: {}\nthemas: {}\nniveaus: {}\nbronnen: {}\n---\nTekst.\n",
                    next(50),
                    list(sdgs),
                    list(themas),
                    list(niveaus),
                    list(bronnen)
                ),
            );
        }
        let highlighter = Highlighter::new();
        let pages = files
            .iter()
            .map(|f| {
                let (page, diags) = crate::page::parse(f, config, &highlighter);
                assert!(diags.is_empty(), "{:?}", diags.first());
                Arc::new(page.unwrap())
            })
            .collect();
        let (site, diags) = Site::assemble(config, pages);
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{:?}", errors.first());
        site
    }

    /// Sorting by `title_place` orders exactly as `natural_cmp` on the
    /// titles: for every pair of pages, numbered, cased, accented and
    /// repeated titles included.
    #[test]
    fn title_places_follow_natural_order() {
        let config = Config::parse(SITE).unwrap();
        let titles = [
            "SDG 2",
            "SDG 10",
            "sdg 2",
            "SDG 02",
            "a02b",
            "a2a",
            "a2",
            "A2",
            "Één",
            "een",
            "ΣΑΣ",
            "σας",
            "Bron 9",
            "Bron 10",
            "Bron 9",
            "10",
            "9",
            "",
            "Z",
            "x99999999999999999999999",
            "x100000000000000000000000",
        ];
        let files: Vec<SourceFile> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| SourceFile {
                path: format!("content/bronnen/b{i}.md"),
                bytes: format!("---\ntitle: \"{t}\"\n---\n").into_bytes(),
            })
            .collect();
        let highlighter = Highlighter::new();
        let pages = files
            .iter()
            .filter_map(|f| crate::page::parse(f, &config, &highlighter).0.map(Arc::new))
            .collect();
        let (site, _) = Site::assemble(&config, pages);
        let ix = Index::new(&site, None);
        for a in 0..site.pages.len() {
            for b in 0..site.pages.len() {
                let (ta, tb) = (&site.pages[a].title, &site.pages[b].title);
                assert_eq!(
                    ix.title_place(a).cmp(&ix.title_place(b)),
                    natural_cmp(ta, tb),
                    "{ta:?} against {tb:?}"
                );
            }
        }
    }

    /// Ranking through groups gives exactly what tallying every candidate
    /// gives, for every page, whichever targets count as broad; and with
    /// a low threshold the groups answer for most pages themselves rather
    /// than falling back.
    #[test]
    fn grouped_ranking_equals_tallying_every_candidate() {
        let config = Config::parse(SITE).unwrap();
        let site = site(&config);
        for (broad_at, bits) in [1, 8, 40, 120, usize::MAX]
            .into_iter()
            .flat_map(|b| [(b, true), (b, false)])
        {
            let mut ix = Index::with_broad_at(&site, None, broad_at);
            assert!(ix.groups.masks.is_some());
            if !bits {
                // Compare signatures as sorted lists, as sites with more
                // than 128 broad targets do.
                ix.groups.masks = None;
            }
            let mut grouped = 0;
            for id in 0..site.pages.len() {
                let slow = related_by_tally(&site, &ix, id);
                if let Some(fast) = related_grouped(&site, &ix, id) {
                    assert_eq!(fast, slow, "page {} at {broad_at}", site.pages[id].path);
                    grouped += 1;
                }
            }
            assert!(
                grouped * 10 >= site.pages.len() * 9,
                "{grouped} of {} through groups at {broad_at}",
                site.pages.len()
            );
            assert!(ix.groups.sigs.len() > 1 || broad_at == usize::MAX);
        }
    }
}
