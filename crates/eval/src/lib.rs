//! # whosaid-eval
//!
//! Scores whosaid against gold annotations: PolNeAR's brat standoff files and the
//! seed article's gold JSON. The figures agree with the reference scorers in
//! `../shared` on the same predictions.

pub mod brat;
pub mod errors;
#[doc(hidden)]
pub mod fuzzing;
pub mod polnear;
pub mod predictions;
pub mod report;
pub mod seed;
