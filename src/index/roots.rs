//! The roots an index tracks: listed with the articles each holds (`warta roots`), and
//! forgotten with their articles (`warta forget`).

use std::path::{Path, PathBuf};

use super::apply::Applier;
use super::commit::{Committer, Payload};
use super::copies::Copies;
use super::fold::Folder;
use super::plan::{self, Vanished};
use super::story::Stories;
use super::{open_writer, NoProgress};
use crate::error::{Error, Result};
use crate::report::IndexReport;
use crate::schema;

/// A root the index tracks, and how many articles it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The root's canonical path.
    pub path: PathBuf,
    /// Articles indexed from files under it.
    pub articles: u64,
}

/// The roots the index in `index_dir` tracks, in the order first indexed, with their articles.
pub fn roots(index_dir: &Path) -> Result<Vec<Root>> {
    if !schema::index_exists(index_dir) {
        return Err(Error::IndexNotFound(index_dir.to_path_buf()));
    }
    let (index, fields) = schema::open_index(index_dir)?;
    let payload = Payload::read(&index)?;
    let held = plan::load_held(
        &index.reader()?.searcher(),
        &fields,
        &mut Stories::default(),
        &mut super::copies::Copies::default(),
    )?;
    Ok(payload
        .roots
        .iter()
        .map(|root| Root {
            path: root.clone(),
            articles: held
                .iter()
                .filter(|(key, _)| Path::new(key).starts_with(root))
                .map(|(_, h)| h.articles)
                .sum(),
        })
        .collect())
}

/// Stops tracking `paths` (each a tracked root, written as the user likes) and removes their
/// articles; returns each root forgotten with the articles removed. Nothing changes if one of
/// them is not a tracked root.
pub fn forget(index_dir: &Path, paths: &[PathBuf]) -> Result<Vec<Root>> {
    let tracked = roots(index_dir)?;
    let mut chosen = Vec::new();
    for path in paths {
        let forms = [std::path::absolute(path).ok(), path.canonicalize().ok()];
        match tracked
            .iter()
            .find(|r| forms.iter().flatten().any(|f| *f == r.path))
        {
            Some(root) if !chosen.contains(root) => chosen.push(root.clone()),
            Some(_) => {}
            None => return Err(Error::NotARoot(path.clone())),
        }
    }
    // Opened for writing (a search's open is read-only): forgetting deletes documents.
    let (index, fields, _trimmer) = super::open_or_create(index_dir, false)?;
    let mut payload = Payload::read(&index)?;
    let forgotten = |r: &Path| chosen.iter().any(|c| c.path == r);
    payload.roots.retain(|r| !forgotten(r));
    payload.fields.retain(|(r, _)| !forgotten(r));
    let (mut stories, mut copies) = (Stories::default(), Copies::default());
    let searcher = index.reader()?.searcher();
    let held = plan::load_held(&searcher, &fields, &mut stories, &mut copies)?;
    let mut forgotten: Vec<Vanished> = held
        .keys()
        .filter(|key| {
            let key_path = Path::new(key);
            let under_kept = payload.roots.iter().any(|r| key_path.starts_with(r));
            chosen.iter().any(|c| key_path.starts_with(&c.path)) && !under_kept
        })
        .map(|key| Vanished {
            key: key.clone(),
            articles: 0,
        })
        .collect();
    forgotten.sort_by(|a, b| a.key.cmp(&b.key));
    let mut writer = open_writer(&index, 1, 16)?;
    let mut committer = Committer::new(&payload, std::time::Duration::ZERO)?;
    // An article known by its URL stays while a file under a root still tracked holds a copy.
    let mut applier = Applier {
        writer: &mut writer,
        fields: &fields,
        stories: &mut stories,
        report: &mut IndexReport::default(),
        progress: &NoProgress,
        committer: &mut committer,
        urls: Folder::removing(copies),
    };
    applier.remove_vanished(&forgotten)?;
    applier.flush()?;
    committer.commit(&mut writer)?;
    writer.wait_merging_threads()?;
    Ok(chosen)
}
