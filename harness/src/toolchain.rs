//! Finding the two pinned 2011 GOROOTs and proving they are what they claim.
//!
//! A GOROOT is named by `--goroot-pre`/`--goroot-post`, else by
//! `HARNESS_GOROOT_PRE`/`HARNESS_GOROOT_POST`, else by a `harness.toml`.
//! It is accepted only if its tools exist and every pinned runtime source
//! hashes to the value in `pins.toml`: the harness never runs the wrong
//! toolchain silently.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rust_runtime::Variant;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The pins, embedded so that an installed binary checks the same hashes.
const PINS_TOML: &str = include_str!("../pins.toml");

/// The config file looked for in the current directory and its ancestors.
pub const CONFIG_NAME: &str = "harness.toml";

/// What a toolchain must contain besides the pinned sources, relative to GOROOT.
const REQUIRED: [&str; 3] = ["bin/6g", "bin/6l", "pkg/linux_amd64/runtime.a"];

#[derive(Debug, Clone, thiserror::Error)]
pub enum ToolchainError {
    #[error("no GOROOT for {variant}: pass {flag}, set {env}, or name it under [goroot] in {CONFIG_NAME}", flag = flag_name(*variant), env = env_name(*variant))]
    NotConfigured { variant: Variant },
    #[error("GOROOT {goroot} for {variant} (from {origin}) does not exist", goroot = goroot.display())]
    NoSuchDir {
        variant: Variant,
        goroot: PathBuf,
        origin: Origin,
    },
    #[error("GOROOT {goroot} for {variant} (from {origin}) is incomplete: {missing} is missing", goroot = goroot.display())]
    Incomplete {
        variant: Variant,
        goroot: PathBuf,
        origin: Origin,
        missing: String,
    },
    #[error(transparent)]
    Mismatch(Box<Mismatch>),
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
}

/// A GOROOT whose sources are not the pinned ones.
#[derive(Debug, Clone, thiserror::Error)]
#[error("GOROOT {goroot} for {variant} (from {origin}) is not commit {commit:.12}: {file} has sha256 {found:.12}, pinned {expected:.12}{hint}", goroot = goroot.display(), commit = pin(*variant).commit, hint = other.map(|o| format!(" (it matches {o})")).unwrap_or_default())]
pub struct Mismatch {
    pub variant: Variant,
    pub goroot: PathBuf,
    pub origin: Origin,
    pub file: String,
    pub found: String,
    pub expected: String,
    /// The other variant, when the file matches its pin instead.
    pub other: Option<Variant>,
}

/// One pinned toolchain as `pins.toml` describes it.
#[derive(Debug, Deserialize)]
pub struct Pin {
    pub commit: String,
    pub summary: String,
    /// GOROOT-relative path -> sha256, hex.
    pub files: BTreeMap<String, String>,
}

impl Pin {
    /// One hash naming the whole pinned runtime: sha256 over `path sha\n`
    /// lines in path order. Recorded references carry it.
    pub fn runtime_sha256(&self) -> String {
        let mut h = Sha256::new();
        for (path, sha) in &self.files {
            h.update(format!("{path} {sha}\n"));
        }
        hex(&h.finalize())
    }
}

/// The pin of a variant.
pub fn pin(variant: Variant) -> &'static Pin {
    static PINS: OnceLock<BTreeMap<String, Pin>> = OnceLock::new();
    let pins = PINS.get_or_init(|| toml::from_str(PINS_TOML).expect("pins.toml is valid"));
    &pins[variant.name()]
}

/// Where a GOROOT was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    Config(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("command line"),
            Origin::Env => f.write_str("environment"),
            Origin::Config(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A GOROOT whose pin holds.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub variant: Variant,
    pub goroot: PathBuf,
    pub origin: Origin,
}

impl Toolchain {
    /// A tool in GOROOT/bin (6g, 6l).
    pub fn tool(&self, name: &str) -> PathBuf {
        self.goroot.join("bin").join(name)
    }

    pub fn pin(&self) -> &'static Pin {
        pin(self.variant)
    }
}

/// The command-line flag naming a variant's GOROOT.
pub fn flag_name(variant: Variant) -> &'static str {
    match variant {
        Variant::Pre1547 => "--goroot-pre",
        Variant::Post1547 => "--goroot-post",
    }
}

/// The environment variable naming a variant's GOROOT.
pub fn env_name(variant: Variant) -> &'static str {
    match variant {
        Variant::Pre1547 => "HARNESS_GOROOT_PRE",
        Variant::Post1547 => "HARNESS_GOROOT_POST",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    goroot: BTreeMap<String, PathBuf>,
}

/// How the user named the toolchains: flags and an optional config path.
#[derive(Debug, Default, Clone)]
pub struct Request {
    pub goroot_pre: Option<PathBuf>,
    pub goroot_post: Option<PathBuf>,
    /// An explicit config file; without it `harness.toml` is searched for.
    pub config: Option<PathBuf>,
}

/// The toolchains as found: each variant either verified, not configured, or broken.
pub struct Found {
    entries: Vec<(Variant, Result<Toolchain, ToolchainError>)>,
}

impl Found {
    /// Resolve both variants. Only a malformed config file fails as a whole.
    pub fn discover(req: &Request) -> Result<Found, ToolchainError> {
        let config = load_config(req.config.as_deref())?;
        let entries = Variant::ALL
            .into_iter()
            .map(|v| {
                let flag = match v {
                    Variant::Pre1547 => req.goroot_pre.clone(),
                    Variant::Post1547 => req.goroot_post.clone(),
                };
                let named = flag
                    .map(|p| (p, Origin::Flag))
                    .or_else(|| {
                        std::env::var_os(env_name(v))
                            .filter(|s| !s.is_empty())
                            .map(|s| (PathBuf::from(s), Origin::Env))
                    })
                    .or_else(|| {
                        let (path, cfg) = config.as_ref()?;
                        let dir = path.parent().unwrap_or(Path::new("."));
                        let root = cfg.goroot.get(v.name())?;
                        Some((dir.join(root), Origin::Config(path.clone())))
                    });
                let result = match named {
                    None => Err(ToolchainError::NotConfigured { variant: v }),
                    Some((goroot, origin)) => verify(v, goroot, origin),
                };
                (v, result)
            })
            .collect();
        Ok(Found { entries })
    }

    /// Every variant with its result, in `Variant::ALL` order.
    pub fn entries(&self) -> &[(Variant, Result<Toolchain, ToolchainError>)] {
        &self.entries
    }

    /// The toolchain of a variant, or why there is none.
    pub fn get(&self, variant: Variant) -> Result<&Toolchain, &ToolchainError> {
        self.entries
            .iter()
            .find(|(v, _)| *v == variant)
            .map(|(_, r)| r.as_ref())
            .expect("every variant is resolved")
    }
}

fn load_config(explicit: Option<&Path>) -> Result<Option<(PathBuf, ConfigFile)>, ToolchainError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().map_err(|e| ToolchainError::Io {
                path: PathBuf::from("."),
                message: e.to_string(),
            })?;
            match cwd
                .ancestors()
                .map(|d| d.join(CONFIG_NAME))
                .find(|p| p.is_file())
            {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ToolchainError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let cfg: ConfigFile = toml::from_str(&text).map_err(|e| ToolchainError::Config {
        path: path.clone(),
        message: config_message(&text, &e),
    })?;
    if let Some(bad) = cfg.goroot.keys().find(|k| k.parse::<Variant>().is_err()) {
        return Err(ToolchainError::Config {
            path,
            message: format!(
                "[goroot] names unknown toolchain '{bad}' (expected pre-1547 or post-1547)"
            ),
        });
    }
    Ok(Some((path, cfg)))
}

/// toml's message, on one line, led by line:col where it has a span.
fn config_message(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{line}:{col}: {msg}")
        }
        None => msg,
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Check a named GOROOT against its pin.
pub fn verify(
    variant: Variant,
    goroot: PathBuf,
    origin: Origin,
) -> Result<Toolchain, ToolchainError> {
    if !goroot.is_dir() {
        return Err(ToolchainError::NoSuchDir {
            variant,
            goroot,
            origin,
        });
    }
    let pinned = pin(variant);
    for rel in REQUIRED
        .iter()
        .copied()
        .chain(pinned.files.keys().map(String::as_str))
    {
        if !goroot.join(rel).is_file() {
            return Err(ToolchainError::Incomplete {
                variant,
                goroot,
                origin,
                missing: rel.to_string(),
            });
        }
    }
    for (rel, expected) in &pinned.files {
        let path = goroot.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| ToolchainError::Io {
            path,
            message: e.to_string(),
        })?;
        let found = hex(&Sha256::digest(&bytes));
        if &found != expected {
            let other = Variant::ALL
                .into_iter()
                .find(|o| *o != variant && pin(*o).files.get(rel) == Some(&found));
            return Err(ToolchainError::Mismatch(Box::new(Mismatch {
                variant,
                goroot,
                origin,
                file: rel.clone(),
                found,
                expected: expected.clone(),
                other,
            })));
        }
    }
    Ok(Toolchain {
        variant,
        goroot,
        origin,
    })
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_name_the_variants_commits_and_differ_in_the_fixed_files() {
        for v in Variant::ALL {
            assert_eq!(pin(v).commit, v.commit());
            assert!(pin(v).files.contains_key("src/pkg/runtime/proc.c"));
            assert!(pin(v).files.contains_key("src/pkg/runtime/malloc.goc"));
        }
        let (pre, post) = (pin(Variant::Pre1547), pin(Variant::Post1547));
        assert_ne!(
            pre.files["src/pkg/runtime/proc.c"],
            post.files["src/pkg/runtime/proc.c"]
        );
        assert_eq!(
            pre.files["src/pkg/runtime/chan.c"],
            post.files["src/pkg/runtime/chan.c"]
        );
        assert_ne!(pre.runtime_sha256(), post.runtime_sha256());
    }

    /// A fake GOROOT holding the required files, with pinned sources whose
    /// content is chosen by the caller (the real content is never in the repo).
    fn fake_goroot(dir: &Path, source: impl Fn(&str) -> Vec<u8>) {
        for rel in REQUIRED {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"").unwrap();
        }
        for rel in pin(Variant::Pre1547).files.keys() {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, source(rel)).unwrap();
        }
    }

    #[test]
    fn a_goroot_of_other_sources_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        fake_goroot(dir.path(), |_| b"not the 2011 runtime".to_vec());
        let err = verify(Variant::Pre1547, dir.path().to_path_buf(), Origin::Flag).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(&err, ToolchainError::Mismatch(m) if m.other.is_none()),
            "{msg}"
        );
        assert!(msg.contains("is not commit 59ce067da8d9"), "{msg}");
        assert!(msg.contains("src/pkg/runtime/amd64/asm.s"), "{msg}");
    }

    #[test]
    fn a_goroot_missing_a_tool_is_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        fake_goroot(dir.path(), |_| Vec::new());
        std::fs::remove_file(dir.path().join("bin/6l")).unwrap();
        let err = verify(Variant::Post1547, dir.path().to_path_buf(), Origin::Env).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "GOROOT {} for post-1547 (from environment) is incomplete: bin/6l is missing",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_missing_goroot_and_a_bad_config_get_one_clear_line() {
        let err = verify(
            Variant::Pre1547,
            PathBuf::from("/no/such/goroot"),
            Origin::Flag,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "GOROOT /no/such/goroot for pre-1547 (from command line) does not exist"
        );
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(CONFIG_NAME);
        std::fs::write(&cfg, "[goroot]\npre-1547 = 42\n").unwrap();
        let err = load_config(Some(&cfg)).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: 2:12: ", cfg.display())),
            "{err}"
        );
        std::fs::write(&cfg, "[goroot]\npre1547 = \"/x\"\n").unwrap();
        let err = load_config(Some(&cfg)).unwrap_err().to_string();
        assert!(err.contains("unknown toolchain 'pre1547'"), "{err}");
    }

    #[test]
    fn config_paths_are_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(CONFIG_NAME);
        std::fs::write(&cfg, "[goroot]\npost-1547 = \"go-post\"\n").unwrap();
        let found = Found::discover(&Request {
            goroot_pre: Some(PathBuf::from("/no/such/pre")),
            goroot_post: None,
            config: Some(cfg.clone()),
        })
        .unwrap();
        // HARNESS_GOROOT_POST, when set in the test's environment, wins over the file.
        if std::env::var_os(env_name(Variant::Post1547)).is_none() {
            let post = found.get(Variant::Post1547).unwrap_err().to_string();
            assert!(
                post.contains(&dir.path().join("go-post").display().to_string()),
                "{post}"
            );
            assert!(post.contains(&cfg.display().to_string()), "{post}");
        }
        let pre = found.get(Variant::Pre1547).unwrap_err().to_string();
        assert!(
            pre.contains("/no/such/pre for pre-1547 (from command line)"),
            "{pre}"
        );
    }
}
