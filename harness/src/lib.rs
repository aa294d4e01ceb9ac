//! The harness: runs the Go fixtures on the two pinned 2011 toolchains (and,
//! from its own issue on, on the rust-runtime twin), reduces what they print
//! to shapes, and compares those with recorded references.
//!
//! Data flows one way, one module a step:
//! [`fixture`] -> [`runner`] (on a [`toolchain`], through [`process`]) ->
//! [`shape`] -> [`snapshot`] / [`diff`] -> [`report`]. [`commands`] strings
//! the steps together for each subcommand.

pub mod agreement;
pub mod commands;
pub mod diff;
pub mod fixture;
pub mod frames;
pub mod fuzz;
pub mod gosuite;
pub mod host;
pub mod known;
pub mod pcln;
pub mod process;
pub mod reduce;
pub mod report;
pub mod repro;
pub mod review;
pub mod runner;
pub mod search;
pub mod setup;
pub mod shape;
pub mod snapshot;
pub mod sweep;
pub mod toolchain;
pub mod trace;
pub mod twin;

/// Everything that can stop a subcommand, each with one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Boxed: a pin mismatch carries paths and hashes.
    #[error(transparent)]
    Toolchain(Box<toolchain::ToolchainError>),
    #[error(transparent)]
    Fixture(#[from] fixture::FixtureError),
    #[error(transparent)]
    Run(#[from] runner::RunError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
    #[error(transparent)]
    Frames(#[from] frames::FramesError),
    #[error(transparent)]
    Pcln(#[from] pcln::PclnError),
    #[error(transparent)]
    Twin(#[from] twin::TwinError),
    #[error(transparent)]
    Known(#[from] known::KnownError),
    #[error(transparent)]
    Setup(#[from] setup::SetupError),
    #[error(transparent)]
    Trace(#[from] trace::TraceError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Options that do not go together.
    #[error("{0}")]
    Usage(String),
}

impl From<toolchain::ToolchainError> for Error {
    fn from(e: toolchain::ToolchainError) -> Self {
        Error::Toolchain(Box::new(e))
    }
}

impl Error {
    /// Whether the user pressed Ctrl-C (exit 130, no error line needed).
    pub fn is_interrupt(&self) -> bool {
        matches!(
            self,
            Error::Run(runner::RunError::Process(
                process::ProcessError::Interrupted
            )) | Error::Twin(twin::TwinError::Interrupted)
                | Error::Setup(setup::SetupError::Process(
                    process::ProcessError::Interrupted
                ))
        )
    }
}
