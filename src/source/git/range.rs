//! Which commits `hamburglar history` walks: revspecs, `--since`,
//! `--branch` and `--all`, resolved into tips to start from and hidden
//! commits whose ancestry is left out (git's `^REV`).

use anyhow::{bail, Context as _};
use gix::revision::plumbing::Spec;
use gix::ObjectId;

/// What the user asked to walk, before resolution.
#[derive(Debug, Clone, Default)]
pub struct RangeSpec {
    /// Revspecs as git understands them: `v1.0..main`, `A...B`, `^old`,
    /// `main`, `C^!`, `C^@`.
    pub revspecs: Vec<String>,
    /// Leave out what this revision reaches (`--since REV`: `REV..HEAD`).
    pub since: Option<String>,
    /// Start from every reference and HEAD.
    pub all: bool,
    /// Start from these branches (`refs/heads/B`, else `refs/remotes/B`).
    pub branches: Vec<String>,
}

/// A resolved walk: the commits to start from, and the commits that with
/// their ancestors are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitRange {
    /// Starting commits. Empty when HEAD is unborn and nothing else was
    /// named: there is no history to walk.
    pub tips: Vec<ObjectId>,
    /// Commits excluded with all their ancestors.
    pub hidden: Vec<ObjectId>,
}

impl RangeSpec {
    /// Resolves the revisions in `repo`; annotated tags are peeled to
    /// their commits. Without any starting point, HEAD is the tip.
    pub fn resolve(&self, repo: &gix::Repository) -> anyhow::Result<CommitRange> {
        let mut range = CommitRange::default();
        for spec in &self.revspecs {
            resolve_revspec(repo, spec, &mut range)
                .with_context(|| format!("cannot resolve revision {spec:?}"))?;
        }
        for branch in &self.branches {
            let tip = resolve_branch(repo, branch)
                .with_context(|| format!("cannot resolve branch {branch:?}"))?;
            range.tips.push(tip);
        }
        if self.all {
            all_references(repo, &mut range.tips)?;
        }
        if range.tips.is_empty() {
            if let Some(head) = head_commit(repo)? {
                range.tips.push(head);
            }
        }
        if let Some(since) = &self.since {
            let id = repo
                .rev_parse_single(since.as_str())
                .with_context(|| format!("cannot resolve --since {since:?}"))?;
            range.hidden.push(peel_hidden(repo, id.detach())?);
        }
        range.tips.sort_unstable();
        range.tips.dedup();
        range.hidden.sort_unstable();
        range.hidden.dedup();
        Ok(range)
    }
}

/// Adds what one revspec selects to `range`.
fn resolve_revspec(
    repo: &gix::Repository,
    spec: &str,
    range: &mut CommitRange,
) -> anyhow::Result<()> {
    match repo.rev_parse(spec)?.detach() {
        Spec::Include(id) => range.tips.push(peel(repo, id)?),
        Spec::Exclude(id) => range.hidden.push(peel_hidden(repo, id)?),
        Spec::Range { from, to } => {
            range.hidden.push(peel_hidden(repo, from)?);
            range.tips.push(peel(repo, to)?);
        }
        Spec::Merge { theirs, ours } => {
            // `A...B`: what either reaches, minus what both reach.
            let (theirs, ours) = (peel(repo, theirs)?, peel(repo, ours)?);
            range.tips.extend([theirs, ours]);
            let bases = repo.merge_bases_many(theirs, &[ours])?;
            range.hidden.extend(bases.into_iter().map(|id| id.detach()));
        }
        Spec::IncludeOnlyParents(id) => {
            let commit = repo.find_commit(peel(repo, id)?)?;
            range.tips.extend(commit.parent_ids().map(|p| p.detach()));
        }
        Spec::ExcludeParents(id) => {
            let commit = repo.find_commit(peel(repo, id)?)?;
            range.hidden.extend(commit.parent_ids().map(|p| p.detach()));
            range.tips.push(commit.id);
        }
    }
    Ok(())
}

/// The commit of a branch name: a local branch first, else a remote one.
fn resolve_branch(repo: &gix::Repository, branch: &str) -> anyhow::Result<ObjectId> {
    for name in [
        format!("refs/heads/{branch}"),
        format!("refs/remotes/{branch}"),
    ] {
        if let Some(mut r) = repo.try_find_reference(name.as_str())? {
            return Ok(r.peel_to_commit()?.id);
        }
    }
    bail!("no branch named {branch:?}")
}

/// Adds HEAD and every reference that leads to a commit (tags of trees
/// or blobs are passed over) to `tips`.
fn all_references(repo: &gix::Repository, tips: &mut Vec<ObjectId>) -> anyhow::Result<()> {
    if let Some(head) = head_commit(repo)? {
        tips.push(head);
    }
    for reference in repo.references()?.all()? {
        let mut reference = reference?;
        match reference.peel_to_commit() {
            Ok(commit) => tips.push(commit.id),
            Err(e) => log::debug!("not walking {}: {e}", reference.name().as_bstr()),
        }
    }
    Ok(())
}

/// The commit HEAD points to, or `None` when HEAD is unborn.
fn head_commit(repo: &gix::Repository) -> anyhow::Result<Option<ObjectId>> {
    let mut head = repo.head()?;
    if head.is_unborn() {
        return Ok(None);
    }
    Ok(Some(head.peel_to_commit()?.id))
}

/// The commit `id` names, through any annotated tags.
fn peel(repo: &gix::Repository, id: ObjectId) -> anyhow::Result<ObjectId> {
    Ok(repo.find_object(id)?.peel_to_commit()?.id)
}

/// Like [`peel`], for the excluded side: a commit missing from a shallow
/// clone can still be hidden by its id, so a tag whose commit was not
/// fetched still bounds the walk.
fn peel_hidden(repo: &gix::Repository, id: ObjectId) -> anyhow::Result<ObjectId> {
    let mut current = id;
    loop {
        let Some(object) = repo.try_find_object(current)? else {
            return Ok(current);
        };
        match object.kind {
            gix::object::Kind::Commit => return Ok(current),
            gix::object::Kind::Tag => current = object.into_tag().target_id()?.detach(),
            kind => bail!("{id} names a {kind}, not a commit"),
        }
    }
}
