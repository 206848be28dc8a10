//! One error type for reading and writing: what is wrong, and where (segment position, segment
//! id and element), so a person can find the spot in the file or the field in the claim.

use std::fmt;

/// Where a problem is: the segment's position in the file (1 = ISA), its id, and the element
/// (and component) when one element is at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based position of the segment in the interchange; 0 when the file as a whole is at fault.
    pub position: usize,
    /// The segment id (`CLM`), or empty when no segment could be read.
    pub segment: String,
    /// The 1-based element number (`CLM05` is 5), if one element is at fault.
    pub element: Option<usize>,
    /// The 1-based component number within that element (`CLM05-3` is 3).
    pub component: Option<usize>,
}

impl Location {
    /// The whole file, before any segment could be read.
    pub fn file() -> Self {
        Self {
            position: 0,
            segment: String::new(),
            element: None,
            component: None,
        }
    }

    /// A whole segment.
    pub fn segment(position: usize, segment: &str) -> Self {
        Self {
            position,
            segment: segment.to_owned(),
            element: None,
            component: None,
        }
    }

    /// One element (and optionally one component) of a segment.
    pub fn element(
        position: usize,
        segment: &str,
        element: usize,
        component: Option<usize>,
    ) -> Self {
        Self {
            element: Some(element),
            component,
            ..Self::segment(position, segment)
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.position == 0 && self.segment.is_empty() {
            return f.write_str("the file");
        }
        write!(f, "segment {} ({})", self.position, self.segment)?;
        if let Some(element) = self.element {
            write!(f, ", element {}{element:02}", self.segment)?;
            if let Some(component) = self.component {
                write!(f, "-{component}")?;
            }
        }
        Ok(())
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("byte {offset} is not text (X12 files are ASCII)")]
    NotText { offset: usize },
    #[error("{0}")]
    IsaLayout(String),
    #[error(
        "the file ends without the segment terminator {terminator:?} after this segment (the file is cut short)"
    )]
    Unterminated { terminator: char },
    #[error(
        "{found:?} is not a segment id; this file's ISA sets the element separator {element:?} and the segment terminator {segment:?} (are the delimiters mixed?)"
    )]
    BadSegmentId {
        found: String,
        element: char,
        segment: char,
    },
    #[error("expected {expected} here")]
    Unexpected { expected: &'static str },
    #[error("the file ends before {expected}")]
    Truncated { expected: &'static str },
    #[error("the file goes on after IEA")]
    AfterInterchange,
    #[error("counts {stated:?} {what} but there are {actual}")]
    CountMismatch {
        what: &'static str,
        stated: String,
        actual: usize,
    },
    #[error("control number {stated:?} does not match {expected:?} in its header")]
    ControlMismatch { stated: String, expected: String },
    #[error("is required but empty")]
    Missing,
    #[error("{value:?} is not {expected}")]
    Invalid {
        value: String,
        expected: &'static str,
    },
    #[error("{value:?} is longer than the {max} characters allowed")]
    TooLong { value: String, max: usize },
    #[error("{value:?} holds {delimiter:?}, which this file uses as a delimiter")]
    HoldsDelimiter { value: String, delimiter: char },
    #[error("{0}")]
    Rule(String),
}

/// A problem and where it is; `context` names the claim or inquiry being written, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub location: Location,
    pub problem: Problem,
    pub context: Option<String>,
}

/// A reading or writing error. Boxed: errors are rare and results stay small on the hot path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Detail>);

impl Error {
    /// A problem at a location.
    pub fn new(location: Location, problem: Problem) -> Self {
        Self(Box::new(Detail {
            location,
            problem,
            context: None,
        }))
    }

    /// The same error, naming what was being written (`claim DME000001`).
    pub fn within(mut self, context: impl Into<String>) -> Self {
        self.0.context.get_or_insert_with(|| context.into());
        self
    }
}

impl std::ops::Deref for Error {
    type Target = Detail;

    fn deref(&self) -> &Detail {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        write!(f, "{}: {}", self.location, self.problem)
    }
}

impl std::error::Error for Error {}

/// Reading or writing result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
