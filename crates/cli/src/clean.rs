//! `whosaid clean`: the reading and clean-up stages only. Each article comes out as
//! one JSON line `{"id", "url", "title", "byline", "date", "text", "artifacts"}`: the
//! main text (extracted from HTML pages), its metadata, and the spans that core's
//! artifact stage sets aside (captions, bylines, truncated sentences, boilerplate).

use crate::extract::{main_with, InputArgs, EXIT_CODES};
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;
use whosaid_core::{analyze, Artifact};
use whosaid_io::{write_serde, Article, JsonLine};

/// Arguments of `whosaid clean`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct CleanArgs {
    #[command(flatten)]
    /// What to read and how.
    pub input: InputArgs,
}

/// One cleaned article, as written.
#[derive(Debug, Clone, Serialize)]
pub struct Cleaned {
    /// The file name without its extensions for a whole-file input (text, HTML), else
    /// the JSON Lines `id` or the WARC record id.
    pub id: String,
    /// Canonical URL (HTML), target URI (WARC) or the JSON Lines `url`.
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Author line found in the page's metadata.
    pub byline: Option<String>,
    /// Publication date as written by the source.
    pub date: Option<String>,
    /// The article text (main text of an HTML page).
    pub text: String,
    /// Non-article spans of `text` found by core's artifact stage.
    pub artifacts: Vec<Artifact>,
}

impl JsonLine for Cleaned {
    fn write_json(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        write_serde(self, out)
    }
}

/// Cleans one article.
pub fn clean(article: Article) -> Cleaned {
    // core exposes the artifact stage only through the whole pipeline for now.
    let artifacts = analyze(&article.doc).artifacts;
    let Article { doc, byline, name } = article;
    Cleaned {
        id: name,
        url: doc.url,
        title: doc.title,
        byline,
        date: doc.date,
        text: doc.text,
        artifacts,
    }
}

/// Entry point of `whosaid clean` on the real stdout and stderr.
pub fn main(args: CleanArgs) -> ExitCode {
    main_with(&args.input, clean)
}
