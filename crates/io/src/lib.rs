//! # whosaid-io
//!
//! Readers that turn files, directories and streams into [`whosaid_core::Document`]s,
//! reporting every bad record instead of stopping.
