//! The agency tree as the rules see it: an agency's chain up to DGPA and its
//! supervising agencies (rule 5.1), the agencies under one, where an agency may be
//! placed, and whose review a move gives an application awaiting it to.

use crate::ids::AgencyCode;

/// An agency and its ancestors, nearest first, ending at DGPA (the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyChain {
    pub agency: AgencyCode,
    /// Parent first, root last; empty for the root itself.
    pub ancestors: Vec<AgencyCode>,
}

impl AgencyChain {
    /// The agencies whose personnel office approves this agency's applications
    /// (rule 5.1): every ancestor below DGPA; an agency directly under DGPA is a
    /// supervising agency (主管機關) itself and approves its own office's
    /// applications, by someone other than the drafter. DGPA has none.
    pub fn supervising_agencies(&self) -> Vec<&AgencyCode> {
        match self.ancestors.split_last() {
            None => Vec::new(),
            Some((_root, [])) => vec![&self.agency],
            Some((_root, below_root)) => below_root.iter().collect(),
        }
    }

    pub fn is_supervised_by(&self, agency: &AgencyCode) -> bool {
        self.supervising_agencies().contains(&agency)
    }

    pub fn has_supervisor(&self) -> bool {
        !self.supervising_agencies().is_empty()
    }

    /// The top-level supervising agency (主管機關) whose share rule 5.3 weighs.
    pub fn top_supervising_agency(&self) -> Option<&AgencyCode> {
        self.supervising_agencies().last().copied()
    }
}

/// An agency and every agency under it, the agency first, from the tree's
/// `(code, parent)` links; each agency once, however the links run.
pub fn subtree<'a>(links: impl IntoIterator<Item = (&'a AgencyCode, Option<&'a AgencyCode>)>, root: &AgencyCode) -> Vec<AgencyCode> {
    subtrees(links, std::slice::from_ref(root))
}

/// The agencies `roots` and every agency under any of them, each once, the roots first:
/// one pass over the links, however many roots (an import of thousands of agencies, each
/// of them moved, had walked the whole tree once for each).
pub fn subtrees<'a>(links: impl IntoIterator<Item = (&'a AgencyCode, Option<&'a AgencyCode>)>, roots: &[AgencyCode]) -> Vec<AgencyCode> {
    let mut children: std::collections::HashMap<&AgencyCode, Vec<&AgencyCode>> = std::collections::HashMap::new();
    for (child, parent) in links {
        if let Some(parent) = parent {
            children.entry(parent).or_default().push(child);
        }
    }
    let mut seen: std::collections::HashSet<&AgencyCode> = std::collections::HashSet::new();
    let mut found: Vec<AgencyCode> = Vec::new();
    for root in roots {
        if seen.insert(root) {
            found.push(root.clone());
        }
    }
    let mut at = 0;
    while let Some(parent) = found.get(at).cloned() {
        for child in children.get(&parent).map_or(&[][..], Vec::as_slice) {
            if seen.insert(child) {
                found.push((*child).clone());
            }
        }
        at += 1;
    }
    found
}

/// The agency tree as `agency → parent` links (DGPA, the root, has none).
pub type TreeLinks = std::collections::HashMap<AgencyCode, Option<AgencyCode>>;

/// The most levels an agency sits below DGPA: far deeper than any real tree, and the
/// bound of every walk up it.
pub const MAX_DEPTH: usize = 64;

/// Why an agency cannot be placed where a change puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementError {
    /// DGPA is the root of the tree: it has no parent.
    RootHasNoParent,
    /// The parent does not exist.
    UnknownParent { parent: AgencyCode },
    /// The parent is the agency itself or one below it: the tree would have a cycle.
    UnderItself { agency: AgencyCode, parent: AgencyCode },
    /// The agency would sit more than [`MAX_DEPTH`] levels below DGPA.
    TooDeep { agency: AgencyCode },
}

impl PlacementError {
    /// The agency whose row or field the refusal is about.
    pub fn agency(&self) -> Option<&AgencyCode> {
        match self {
            PlacementError::RootHasNoParent => None,
            PlacementError::UnknownParent { parent } => Some(parent),
            PlacementError::UnderItself { agency, .. } | PlacementError::TooDeep { agency } => Some(agency),
        }
    }

    pub fn message(&self) -> crate::message::Text {
        use crate::message::Text;
        match self {
            PlacementError::RootHasNoParent => {
                Text::new("人事總處為機關樹之根，不能設定上級機關。", "DGPA is the root of the agency tree and has no parent.")
            }
            PlacementError::UnknownParent { parent } => Text::new(
                format!("上級機關 {parent} 不存在：請先建立該機關，或在匯入檔中一併列出。"),
                format!("The parent agency {parent} does not exist: create it first, or list it in the same import."),
            ),
            PlacementError::UnderItself { agency, parent } => Text::new(
                format!("{parent} 即為 {agency} 本身或其所屬機關，不能作為其上級機關（機關樹將形成循環）。"),
                format!("{parent} is {agency} itself or below it, so it cannot be its parent: the tree would have a cycle."),
            ),
            PlacementError::TooDeep { agency } => Text::new(
                format!("{agency} 將位於人事總處之下超過 {MAX_DEPTH} 層：機關樹至多 {MAX_DEPTH} 層。"),
                format!("{agency} would sit more than {MAX_DEPTH} levels below DGPA: the agency tree has at most {MAX_DEPTH} levels."),
            ),
        }
    }
}

/// Whether `agency` may be placed under `parent` in `links` (the tree as the change
/// has it so far): not the root, not under an agency that is not there, not under
/// itself. Whether the tree the change leaves has a cycle or is too deep is
/// [`tree_problem`]'s to say, once, over the whole tree: a move carries the agencies
/// below it along, and an import's moves are checked as the file leaves the tree
/// (walking up the tree at each of its lines had taken 46 s for a chain of 20,000).
pub fn check_placement(links: &TreeLinks, agency: &AgencyCode, parent: &AgencyCode) -> Result<(), PlacementError> {
    if agency.is_dgpa() {
        return Err(PlacementError::RootHasNoParent);
    }
    if !links.contains_key(parent) {
        return Err(PlacementError::UnknownParent { parent: parent.clone() });
    }
    if parent == agency {
        return Err(PlacementError::UnderItself { agency: agency.clone(), parent: parent.clone() });
    }
    Ok(())
}

/// What is wrong with the tree a change leaves where the change placed agencies
/// (`moved`, in the order it placed them), in one pass over it: a cycle through one of
/// them (named by the last, whose move closed it), else the deepest agency more than
/// [`MAX_DEPTH`] levels below the root among them and those under them (by code among
/// equals); `None` when there is neither. What is wrong elsewhere (a tree made deeper by
/// an older version, or edited by hand) is not the change's: a rename there, or a move
/// that mends it, goes through.
pub fn tree_problem(links: &TreeLinks, moved: &[AgencyCode]) -> Option<PlacementError> {
    // Each agency's depth, walking up to the first agency whose depth is known (or the
    // root), then back down; an agency on or under a cycle is past any bound.
    const UNBOUNDED: usize = usize::MAX / 2;
    let mut depth: std::collections::HashMap<&AgencyCode, usize> = std::collections::HashMap::new();
    let mut cyclic: std::collections::HashSet<&AgencyCode> = std::collections::HashSet::new();
    for start in links.keys() {
        let mut path: Vec<&AgencyCode> = Vec::new();
        let mut on_path: std::collections::HashMap<&AgencyCode, usize> = std::collections::HashMap::new();
        let mut at = Some(start);
        let mut base = 0;
        while let Some(a) = at {
            if let Some(&d) = depth.get(a) {
                base = d.saturating_add(1);
                break;
            }
            if let Some(&i) = on_path.get(a) {
                cyclic.extend(path[i..].iter().copied());
                base = UNBOUNDED;
                break;
            }
            on_path.insert(a, path.len());
            path.push(a);
            at = links.get(a).and_then(Option::as_ref);
        }
        for (i, a) in path.iter().rev().enumerate() {
            depth.insert(a, base.saturating_add(i));
        }
    }
    if let Some(agency) = moved.iter().rev().find(|a| cyclic.contains(a)) {
        let parent = links.get(agency).cloned().flatten()?;
        return Some(PlacementError::UnderItself { agency: agency.clone(), parent });
    }
    let placed: std::collections::HashSet<AgencyCode> = subtrees(links.iter().map(|(c, p)| (c, p.as_ref())), moved).into_iter().collect();
    let deepest = depth.into_iter().filter(|(a, d)| *d > MAX_DEPTH && placed.contains(*a)).max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a)));
    deepest.map(|(agency, _)| PlacementError::TooDeep { agency: agency.clone() })
}

/// The chain of `agency` in `links`; `None` for an agency not in the tree, or one whose
/// ancestors do not end at a root within [`MAX_DEPTH`] steps.
pub fn chain_in(links: &TreeLinks, agency: &AgencyCode) -> Option<AgencyChain> {
    let mut ancestors = Vec::new();
    let mut at = links.get(agency)?.as_ref();
    while let Some(parent) = at {
        if ancestors.len() >= MAX_DEPTH {
            return None;
        }
        ancestors.push(parent.clone());
        at = links.get(parent)?.as_ref();
    }
    Some(AgencyChain { agency: agency.clone(), ancestors })
}

/// How a change of the agency tree gave `agency`'s applications awaiting review to
/// other reviewers (rule 5.1): the agency of its chain that moved (itself or one above
/// it) and its new parent, and the supervising agencies before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewMoved {
    pub mover: AgencyCode,
    pub parent: Option<AgencyCode>,
    pub from: Vec<AgencyCode>,
    pub to: Vec<AgencyCode>,
}

impl ReviewMoved {
    /// The reviewers the applications came to.
    pub fn joined(&self) -> Vec<&AgencyCode> {
        joined_and_left(&self.from, &self.to).0
    }

    /// The reviewers they left.
    pub fn left(&self) -> Vec<&AgencyCode> {
        joined_and_left(&self.from, &self.to).1
    }
}

/// Of the reviewers `from` before and `to` after a move, those an application came to
/// and those it left.
pub fn joined_and_left<'a>(from: &'a [AgencyCode], to: &'a [AgencyCode]) -> (Vec<&'a AgencyCode>, Vec<&'a AgencyCode>) {
    (to.iter().filter(|a| !from.contains(a)).collect(), from.iter().filter(|a| !to.contains(a)).collect())
}

/// Whether the change of the tree from `before` to `after` gave `agency`'s applications
/// awaiting review to other reviewers, and how; `None` when the same agencies review
/// them (a move within one supervising agency, or of an agency elsewhere).
pub fn review_moved(before: &TreeLinks, after: &TreeLinks, agency: &AgencyCode) -> Option<ReviewMoved> {
    let (old, now) = (chain_in(before, agency)?, chain_in(after, agency)?);
    let reviewers = |c: &AgencyChain| c.supervising_agencies().into_iter().cloned().collect::<Vec<_>>();
    let (from, to) = (reviewers(&old), reviewers(&now));
    if from.len() == to.len() && from.iter().all(|a| to.contains(a)) {
        return None;
    }
    let parent = |links: &TreeLinks, c: &AgencyCode| links.get(c).cloned().flatten();
    let mover = std::iter::once(&now.agency).chain(&now.ancestors).find(|c| parent(before, c) != parent(after, c))?.clone();
    Some(ReviewMoved { parent: parent(after, &mover), mover, from, to })
}
