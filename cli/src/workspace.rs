//! Which crates to look at: `--manifest-path`, `-p/--package` and
//! `--workspace`, resolved by `cargo metadata` as cargo's own commands
//! resolve them.

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Target};
use clap::Args;

use crate::Failure;

/// The package selection flags every cargo command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct Selection {
    /// Path to Cargo.toml [default: the nearest at or above the working directory]
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Package(s) to check [default: the current one, or the workspace's
    /// default members in a virtual workspace]
    #[arg(long, short = 'p', value_name = "SPEC")]
    pub package: Vec<String>,
    /// Check every package of the workspace
    #[arg(long)]
    pub workspace: bool,
}

impl Selection {
    /// Whether any flag was given (otherwise the working directory decides).
    pub fn is_given(&self) -> bool {
        self.manifest_path.is_some() || !self.package.is_empty() || self.workspace
    }
}

/// A package of the workspace: where its sources are, and its targets (for
/// the `target` of rustc-style JSON messages).
#[derive(Debug, Clone)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub manifest_path: PathBuf,
    pub targets: Vec<Target>,
}

impl Package {
    pub fn dir(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new("."))
    }

    /// The directories holding its sources: `src`, `examples`, `tests` and
    /// `benches` where they exist, and the directory of any target whose
    /// file lies elsewhere.
    pub fn source_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = ["src", "examples", "tests", "benches"]
            .iter()
            .map(|d| self.dir().join(d))
            .filter(|d| d.is_dir())
            .collect();
        for target in &self.targets {
            let Some(parent) = target.src_path.parent() else {
                continue;
            };
            let parent = parent.as_std_path();
            if !dirs.iter().any(|d| parent.starts_with(d)) && parent != self.dir() {
                dirs.push(parent.to_path_buf());
            }
        }
        dirs
    }

    /// The target a file belongs to: the one whose source directory holds
    /// it most closely.
    pub fn target_of(&self, file: &Path) -> Option<&Target> {
        self.targets
            .iter()
            .filter(|t| {
                t.src_path
                    .parent()
                    .is_some_and(|dir| file.starts_with(dir.as_std_path()))
            })
            .max_by_key(|t| t.src_path.as_str().len())
    }
}

/// The packages `selection` names.
pub fn packages(selection: &Selection) -> Result<Vec<Package>, Failure> {
    let metadata = metadata(selection)?;
    let chosen: Vec<&cargo_metadata::Package> = if !selection.package.is_empty() {
        let members = metadata.workspace_packages();
        let mut chosen = Vec::new();
        for spec in &selection.package {
            let found = members.iter().find(|p| p.name.as_str() == spec);
            match found {
                Some(p) => chosen.push(*p),
                None => {
                    let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
                    return Err(Failure::Usage(format!(
                        "package `{spec}` is not a member of the workspace; its members are: {}",
                        names.join(", ")
                    )));
                }
            }
        }
        chosen
    } else if selection.workspace {
        metadata.workspace_packages()
    } else if let Some(root) = metadata.root_package() {
        vec![root]
    } else {
        metadata.workspace_default_packages()
    };
    Ok(chosen
        .into_iter()
        .map(|p| Package {
            id: p.id.repr.clone(),
            name: p.name.to_string(),
            manifest_path: p.manifest_path.clone().into_std_path_buf(),
            targets: p.targets.clone(),
        })
        .collect())
}

fn metadata(selection: &Selection) -> Result<Metadata, Failure> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = &selection.manifest_path {
        command.manifest_path(path);
    }
    command.exec().map_err(|e| {
        Failure::Usage(format!(
            "cannot read the workspace with `cargo metadata`: {}",
            first_line(&e.to_string())
        ))
    })
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
}
