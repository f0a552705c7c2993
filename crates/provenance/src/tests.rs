use super::*;

/// Sentences of the seed article (shared/seed/us-russia-relations.txt), spun.
const SEED: &str = "The deal was suspended after USA missile strikes against the al-Shayrat airbase following a suspected gas attack in Khan Sheikoun, in an act Moscow labelled \"aggression against a sovereign state\".\n\nHe said the US attack on the Syrian air base \"was carried out in violation of worldwide norms\".\n\nIt was the eighth time Russian Federation has protected its ally at the council.";

/// Their unspun originals, in an earlier article among unrelated sentences.
const ORIGINAL: &str = "Lavrov met Tillerson in Moscow on Wednesday.\n\nThe deal was suspended after U.S. missile strikes against the al-Shayrat airbase following a suspected gas attack in Khan Sheikoun, in an act Moscow labelled \"aggression against a sovereign state\".\n\nHe said the US attack on the Syrian air base \"was carried out in violation of international norms\".\n\nIt was the eighth time Russia has protected its ally at the council.";

const UNRELATED: &str = "The city council approved a new budget for public libraries on Monday.\n\nVolunteers planted four hundred trees along the river bank over the weekend.";

fn index(arts: Vec<Article>) -> Index {
    let mut b = IndexBuilder::new();
    for a in arts {
        b.add(a);
    }
    b.build().expect("index")
}

#[test]
fn seed_spin_is_reported() {
    let idx = index(vec![
        Article::new("orig", ORIGINAL).with_date("2017-04-11"),
        Article::new("other", UNRELATED).with_date("2017-04-10"),
    ]);
    let t = idx
        .trace(&Article::new("seed", SEED).with_date("2017-04-12"))
        .expect("trace");
    assert_eq!(t.sources, ["orig"]);
    assert_eq!(t.originality, 0.0);
    let changed: Vec<[String; 2]> = t
        .sentences
        .iter()
        .flat_map(|s| {
            s.source
                .as_ref()
                .map(|m| m.changed.clone())
                .unwrap_or_default()
        })
        .collect();
    let pair = |a: &str, b: &str| [a.to_string(), b.to_string()];
    assert!(changed.contains(&pair("U.S.", "USA")), "{changed:?}");
    assert!(
        changed.contains(&pair("international", "worldwide")),
        "{changed:?}"
    );
    assert!(
        changed.contains(&pair("Russia", "Russian Federation")),
        "{changed:?}"
    );
    let first = t.sentences[0].source.as_ref().expect("source");
    assert_eq!(first.similarity, 1.0);
    assert_eq!(first.date.as_deref(), Some("2017-04-11"));
    assert!(ORIGINAL.contains(&first.text) && first.text.starts_with("The deal"));
}

#[test]
fn exact_copy_similarity_one_and_originality_zero() {
    let idx = index(vec![Article::new("orig", ORIGINAL)]);
    let t = idx.trace(&Article::new("copy", ORIGINAL)).expect("trace");
    assert_eq!(t.originality, 0.0);
    for s in &t.sentences {
        let m = s.source.as_ref().expect("every sentence traced");
        assert_eq!(m.similarity, 1.0);
        assert!(m.changed.is_empty());
        assert_eq!(m.text, s.text);
        assert_eq!((m.char_start, m.char_end), (s.char_start, s.char_end));
    }
}

#[test]
fn unrelated_article_has_no_source() {
    let idx = index(vec![Article::new("orig", ORIGINAL)]);
    let t = idx.trace(&Article::new("u", UNRELATED)).expect("trace");
    assert!(t.sentences.iter().all(|s| s.source.is_none()));
    assert_eq!(t.originality, 1.0);
    assert!(t.sources.is_empty());
}

#[test]
fn own_id_and_later_articles_are_no_source() {
    let idx = index(vec![Article::new("orig", ORIGINAL).with_date("2017-05-01")]);
    assert!(idx
        .trace(&Article::new("orig", ORIGINAL))
        .expect("trace")
        .sources
        .is_empty());
    let t = idx
        .trace(&Article::new("early", ORIGINAL).with_date("2017-04-01"))
        .expect("trace");
    assert!(t.sources.is_empty());
    assert!(matches!(
        idx.article("nope"),
        Err(ProvenanceError::UnknownId(_))
    ));
}

#[test]
fn stitched_from_two_sources() {
    let idx = index(vec![
        Article::new("a", ORIGINAL),
        Article::new("b", UNRELATED),
    ]);
    let stitched = format!(
        "{}\n\n{}\n\nA photo caption shows people.",
        &ORIGINAL[ORIGINAL.find("It was").unwrap_or(0)..],
        UNRELATED
    );
    let t = idx.trace(&Article::new("s", stitched)).expect("trace");
    assert_eq!(t.sources.len(), 2, "{t:?}");
    assert!(t.originality > 0.0 && t.originality < 0.5);
}

#[test]
fn stories_group_copies() {
    let idx = index(vec![
        Article::new("a", ORIGINAL).with_date("2017-04-11"),
        Article::new("b", SEED).with_date("2017-04-12"),
        Article::new("c", UNRELATED),
    ]);
    let st = stories(&idx, 2, 0.5).expect("stories");
    assert_eq!(st.len(), 1);
    assert_eq!(st[0].first, "a");
    assert_eq!(st[0].articles, ["a", "b"]);
}

/// An empty directory of this test process and the path of a database file in it.
fn fresh_db(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("whosaid-prov-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("c.db");
    (dir, path)
}

#[test]
fn persists_on_disk_and_grows() {
    let (dir, path) = fresh_db("unit");
    {
        let mut ix = Index::open(&path).expect("open");
        ix.add(Article::new("orig", ORIGINAL).with_date("2017-04-11"))
            .expect("add");
        ix.flush().expect("flush");
        ix.set_meta("synced", 7).expect("meta");
    }
    let mut ix = Index::open(&path).expect("reopen");
    assert_eq!(ix.meta("synced").expect("meta"), Some(7));
    assert_eq!(ix.len().expect("len"), 1);
    ix.add(Article::new("other", UNRELATED)).expect("add");
    ix.flush().expect("flush");
    assert_eq!(ix.ids().expect("ids"), ["orig", "other"]);
    let t = ix
        .trace(&Article::new("seed", SEED).with_date("2017-04-12"))
        .expect("trace");
    assert_eq!(t.sources, ["orig"]);
    assert!(ix.db_bytes().expect("bytes") > 0);
    drop(ix);
    let _ = std::fs::remove_dir_all(&dir);
}

fn bands(ix: &Index) -> i64 {
    ix.conn
        .query_row("SELECT count(*) FROM prov_band", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn sentences_stored_before_a_stop_get_their_bands_on_reopen() {
    let (dir, path) = fresh_db("stage");
    {
        let mut ix = Index::open(&path).expect("open");
        ix.add(Article::new("orig", ORIGINAL).with_date("2017-04-11"))
            .expect("add");
        ix.set_meta("synced", 1).expect("meta");
        // What a bulk load has written when it is killed before its flush.
        ix.stage().expect("stage");
        assert_eq!(bands(&ix), 0);
    }
    let ix = Index::open(&path).expect("reopen");
    assert_eq!(ix.meta("synced").expect("meta"), Some(1));
    assert!(bands(&ix) > 0);
    assert_eq!(ix.meta(BANDED).expect("meta"), Some(4));
    let t = ix
        .trace(&Article::new("seed", SEED).with_date("2017-04-12"))
        .expect("trace");
    assert_eq!(t.sources, ["orig"]);
    drop(ix);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn non_ascii_offsets() {
    let src = "Émile Zoé told reporters the ceasefire would hold in Aleppo through Friday.";
    let idx = index(vec![Article::new("a", src)]);
    let copy = format!("« Intro ». {src}");
    let t = idx.trace(&Article::new("b", copy.clone())).expect("trace");
    let s = t
        .sentences
        .iter()
        .find(|s| s.source.is_some())
        .expect("traced");
    let chars: String = copy
        .chars()
        .skip(s.char_start)
        .take(s.char_end - s.char_start)
        .collect();
    assert_eq!(chars, s.text);
}

/// `n` articles of one unrelated sentence each, made of common words in varying
/// combinations, so that many share band keys (full buckets).
fn filler(n: usize) -> Vec<Article> {
    const W: &[&str] = &[
        "officials",
        "said",
        "government",
        "week",
        "plan",
        "report",
        "people",
        "state",
        "public",
        "president",
        "meeting",
        "policy",
        "workers",
        "city",
        "group",
        "party",
    ];
    (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..6).map(|j| W[(i * (j + 3) + j * j) % W.len()]).collect();
            Article::new(
                format!("f{i}"),
                format!(
                    "The {} and the {} of {}.",
                    words[..2].join(" "),
                    words[2..4].join(" "),
                    words[4..].join(" ")
                ),
            )
            .with_date("2017-01-01")
        })
        .collect()
}

#[test]
fn candidates_skip_unrelated_pairs_in_full_buckets() {
    let mut arts = filler(600);
    arts.push(Article::new("orig", ORIGINAL).with_date("2017-04-11"));
    let idx = index(arts);
    let v = View::new(&idx.conn);
    // A sentence of common words collides with many fillers, but in full buckets: only
    // sentences sharing many of its bands are read.
    let q = &prepare("The officials said and the government week of plan report people.")[0];
    let c = v.candidates(&band_keys(q)).expect("candidates");
    assert!(c.len() <= MIN_READS, "{} candidates", c.len());
    // The spun seed still finds its source among them.
    let t = idx
        .trace(&Article::new("seed", SEED).with_date("2017-04-12"))
        .expect("trace");
    assert_eq!(t.sources, ["orig"]);
    assert_eq!(t.originality, 0.0);
}

#[test]
fn boilerplate_repeated_past_the_bucket_cap_is_traced_to_an_early_copy() {
    let line = "Reporting by Jane Doe in Washington; editing by John Smith and Mary Major.";
    let arts: Vec<Article> = (0..MAX_BUCKET + 50)
        .map(|i| {
            Article::new(
                format!("b{i}"),
                format!("Story number {i} stands alone here today.\n\n{line}"),
            )
            .with_date("2017-01-02")
        })
        .collect();
    let idx = index(arts);
    let t = idx
        .trace(&Article::new("new", line).with_date("2017-01-03"))
        .expect("trace");
    let s = t.sentences[0].source.as_ref().expect("boilerplate traced");
    assert_eq!(s.similarity, 1.0);
    let n: usize = s.id[1..].parse().expect("b<i>");
    assert!(n < MAX_BUCKET, "{}", s.id);
}
