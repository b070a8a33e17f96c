//! The one error type of the kernels: argument shapes that do not fit together.
//! The binding validates first (with user-facing messages); these are the last line.

use std::fmt;

/// Why a kernel refused its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum KernelError {
    /// A slice has the wrong number of elements.
    Length { name: &'static str, expected: usize, actual: usize },
    /// A scalar argument is out of its domain (zero size, min >= max, …).
    Argument { name: &'static str, reason: &'static str },
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::Length { name, expected, actual } => {
                write!(f, "Expected length {expected} for {name} but received length {actual}")
            }
            KernelError::Argument { name, reason } => write!(f, "Invalid {name}: {reason}"),
        }
    }
}

impl std::error::Error for KernelError {}

/// `Ok(())` when `actual == expected`, else a [`KernelError::Length`].
pub(crate) fn check_len(name: &'static str, expected: usize, actual: usize) -> Result<(), KernelError> {
    if expected == actual {
        Ok(())
    } else {
        Err(KernelError::Length { name, expected, actual })
    }
}
