use super::labels::{project, spans, GoldRelation};
use super::*;
use crate::doc::CharMap;
use crate::text::{split_sentences, tokenize};

fn char_span(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).unwrap();
    let a = text[..b].chars().count();
    (a, a + needle.chars().count())
}

#[test]
fn projection_puts_gold_spans_on_tokens() {
    let t = "“We will win,” Smith said. He told reporters that “it’s over.”";
    let toks = tokenize(t);
    let map = CharMap::new(t);
    let rels = [
        GoldRelation {
            content: char_span(t, "We will win,"),
            source: Some(char_span(t, "Smith")),
            cue: Some(char_span(t, "said")),
        },
        GoldRelation {
            content: char_span(t, "that “it’s over.”"),
            source: Some(char_span(t, "He")),
            cue: Some(char_span(t, "told reporters")),
        },
    ];
    let (a, b) = project(t, &toks, &map, &rels);
    let words: Vec<&str> = toks.iter().map(|k| k.text(t)).collect();
    let content: Vec<Vec<&str>> = spans(&a, A_B, A_I)
        .into_iter()
        .map(|r| words[r].to_vec())
        .collect();
    assert_eq!(
        content,
        [
            vec!["We", "will", "win", ","],
            vec!["that", "“", "it", "’s", "over", ".", "”"]
        ]
    );
    let src: Vec<Vec<&str>> = spans(&b, B_BS, B_IS)
        .into_iter()
        .map(|r| words[r].to_vec())
        .collect();
    assert_eq!(src, [vec!["Smith"], vec!["He"]]);
    let cue: Vec<Vec<&str>> = spans(&b, B_BQ, B_IQ)
        .into_iter()
        .map(|r| words[r].to_vec())
        .collect();
    assert_eq!(cue, [vec!["said"], vec!["told", "reporters"]]);
}

#[test]
fn adjacent_contents_stay_apart_and_decode_back() {
    let t = "He said the economy is fine, the war is over and taxes will fall.";
    let toks = tokenize(t);
    let map = CharMap::new(t);
    let rels = [
        GoldRelation {
            content: char_span(t, "the economy is fine,"),
            source: Some(char_span(t, "He")),
            cue: Some(char_span(t, "said")),
        },
        GoldRelation {
            content: char_span(t, "the war is over"),
            source: Some(char_span(t, "He")),
            cue: Some(char_span(t, "said")),
        },
    ];
    let (a, b) = project(t, &toks, &map, &rels);
    let got = spans(&a, A_B, A_I);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].end, got[1].start);
    let sents = split_sentences(t, &toks);
    let rel = assemble(&paragraphs(&sents), &a, &b);
    assert_eq!(rel.len(), 2);
    for (c, cue, src) in rel {
        let cs = toks[c.start].start;
        let ce = toks[c.end - 1].end;
        assert!(rels.iter().any(|r| {
            let (x, y) = r.content;
            (x, y) == (cs, ce)
        }));
        assert_eq!(toks[src.unwrap().start].text(t), "He");
        assert_eq!(toks[cue.unwrap().start].text(t), "said");
    }
}

/// Viterbi with a back-pointer table (the textbook form [`viterbi`] must agree with).
#[allow(clippy::needless_range_loop)]
fn viterbi_by_back_pointers(em: &[[f32; N_TAGS]], off: usize, nt: usize, trans: &[f32]) -> Vec<u8> {
    let n = em.len();
    let neg = f32::NEG_INFINITY;
    let start = |t: usize| {
        if allowed(nt, None, t as u8) {
            trans[t]
        } else {
            neg
        }
    };
    let tr = |p: usize, t: usize| {
        if allowed(nt, Some(p as u8), t as u8) {
            trans[(1 + p) * nt + t]
        } else {
            neg
        }
    };
    let mut cur: Vec<f32> = (0..nt).map(|t| start(t) + em[0][off + t]).collect();
    let mut back = vec![0usize; n * nt];
    for i in 1..n {
        let mut nxt = vec![neg; nt];
        for t in 0..nt {
            let (mut best, mut arg) = (cur[0] + tr(0, t), 0);
            for p in 1..nt {
                let s = cur[p] + tr(p, t);
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            nxt[t] = best + em[i][off + t];
            back[i * nt + t] = arg;
        }
        cur = nxt;
    }
    let mut t = (1..nt).fold(0, |t, k| if cur[k] > cur[t] { k } else { t });
    let mut out = vec![0u8; n];
    for i in (0..n).rev() {
        out[i] = t as u8;
        t = back[i * nt + t];
    }
    out
}

#[test]
fn viterbi_matches_back_pointers() {
    // small integer scores: many ties, so the first-maximum rule is exercised
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 5) as f32 - 2.0
    };
    let mut scratch = Vec::new();
    for len in 1..40 {
        let em: Vec<[f32; N_TAGS]> = (0..len).map(|_| std::array::from_fn(|_| next())).collect();
        let ta: Vec<f32> = (0..(N_A + 1) * N_A).map(|_| next()).collect();
        let tb: Vec<f32> = (0..(N_B + 1) * N_B).map(|_| next()).collect();
        for (off, nt, trans) in [(0, N_A, &ta), (N_A, N_B, &tb), (2, N_A, &ta), (1, N_B, &tb)] {
            let mut out = vec![9u8; len];
            viterbi(&em, off, nt, trans, &mut out, &mut scratch);
            assert_eq!(
                out,
                viterbi_by_back_pointers(&em, off, nt, trans),
                "{len} {off}"
            );
        }
    }
}

#[test]
fn spans_match_a_tag_by_tag_scan() {
    // the spans of `tags` tag by tag, as `spans` gave them before it skipped runs
    fn reference(tags: &[u8], begin: u8, inside: u8) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut cur: Option<usize> = None;
        for (i, &t) in tags.iter().enumerate() {
            if t == begin {
                out.extend(cur.map(|s| s..i));
                cur = Some(i);
            } else if t == inside {
                cur = cur.or(Some(i));
            } else if let Some(s) = cur.take() {
                out.push(s..i);
            }
        }
        out.extend(cur.map(|s| s..tags.len()));
        out
    }
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for len in 0..300 {
        // runs of one tag (half of them 0), 1 to 20 long, of every tag of layer B
        let mut tags = Vec::new();
        while tags.len() < len {
            let r = next();
            let tag = if r & 1 == 0 { 0 } else { (r >> 8) as u8 % 5 };
            tags.extend(std::iter::repeat_n(tag, 1 + (r >> 16) as usize % 20));
        }
        tags.truncate(len);
        for (b, i) in [(B_BS, B_IS), (B_BQ, B_IQ), (A_B, A_I)] {
            assert_eq!(spans(&tags, b, i), reference(&tags, b, i), "{tags:?}");
        }
    }
}

/// [`viterbi_sse`] agrees with [`viterbi`] (which takes AVX2 when the CPU has it).
#[cfg(target_arch = "x86_64")]
#[test]
fn viterbi_sse_matches() {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 7) as f32 - 3.0
    };
    let (mut s1, mut s2) = (Vec::new(), Vec::new());
    for len in 1..60 {
        let em: Vec<[f32; N_TAGS]> = (0..len).map(|_| std::array::from_fn(|_| next())).collect();
        let ta: Vec<f32> = (0..(N_A + 1) * N_A).map(|_| next()).collect();
        let tb: Vec<f32> = (0..(N_B + 1) * N_B).map(|_| next()).collect();
        let (mut a1, mut a2) = (vec![9u8; len], vec![9u8; len]);
        viterbi(&em, 0, N_A, &ta, &mut a1, &mut s1);
        // SAFETY: every x86-64 CPU has SSE
        unsafe { super::viterbi_sse::<N_A, 0>(&em, &ta, &mut a2, &mut s2) };
        assert_eq!(a1, a2);
        viterbi(&em, N_A, N_B, &tb, &mut a1, &mut s1);
        // SAFETY: as above
        unsafe { super::viterbi_sse::<N_B, N_A>(&em, &tb, &mut a2, &mut s2) };
        assert_eq!(a1, a2);
    }
}

#[test]
fn viterbi_respects_bio() {
    // Emissions favour I everywhere: decoding must still start with B.
    let em = vec![[0.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]; 3];
    let trans = [0f32; (N_A + 1) * N_A];
    let mut out = vec![0u8; 3];
    viterbi(&em, 0, N_A, &trans, &mut out, &mut Vec::new());
    assert_eq!(out, [A_B, A_I, A_I]);
}

#[test]
fn corrupt_model_is_rejected() {
    assert_eq!(Model::from_bytes(&[]).unwrap_err(), ModelError::Empty);
    assert!(Model::from_bytes(b"WSTG garbage that is long enough").is_err());
    let m = Model {
        bits: 8,
        weights: vec![1; (1 << 8) * N_TAGS],
        inv_scale: 0.5,
        trans_a: [0.0; 12],
        trans_b: [0.0; 30],
        calib: (1.0, 0.0),
        cues: CueSet::new(&[(word_hash(b"said"), word_hash(b"say"))]),
        classes: WordClasses::new(&[(classes::word_key(word_hash(b"said"), false), 7)]),
    };
    let mut bytes = m.to_bytes();
    let back = Model::from_bytes(&bytes).unwrap();
    assert_eq!(back.weights, m.weights);
    assert_eq!(back.cues.lemma(word_hash(b"said")), word_hash(b"say"));
    assert_eq!(back.cues.lemma(word_hash(b"ate")), 0);
    assert_eq!(back.classes.class(word_hash(b"said"), 0, false), 7);
    assert_eq!(back.classes.class(word_hash(b"ate"), 0, false), 0);
    let k = bytes.len() / 2;
    bytes[k] ^= 0x40;
    assert!(matches!(
        Model::from_bytes(&bytes),
        Err(ModelError::Corrupt(_))
    ));
    bytes.truncate(100);
    assert!(Model::from_bytes(&bytes).is_err());
    // The embedded model, whatever it is, never makes predict panic.
    let t = "Putin said that relations have gotten worse.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let _ = predict(t, &toks, &sents);
}

#[test]
fn embedded_model_finds_a_reported_clause() {
    let t = "Putin said that relations have gotten worse.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let got = predict(t, &toks, &sents);
    let c = got
        .iter()
        .find(|c| {
            let (a, b) = (toks[c.content.start].start, toks[c.content.end - 1].end);
            t[a..b].contains("relations have gotten worse")
        })
        .expect("a content covering the reported clause");
    assert_eq!(c.origin, Origin::Model);
    assert!(c.score > 0.0 && c.score <= 1.0);
    let s = c.source.clone().expect("a source");
    assert_eq!(&t[toks[s.start].start..toks[s.end - 1].end], "Putin");
}

#[test]
fn word_classes_fall_back_to_the_suffix() {
    use classes::{suffix_hash, suffix_key, word_key};
    let wc = WordClasses::new(&[
        (word_key(word_hash(b"said"), false), 9),
        (suffix_key(suffix_hash(b"tion"), false), 1),
    ]);
    let class = |w: &[u8]| wc.class(word_hash(w), suffix_hash(w), w[0].is_ascii_uppercase());
    assert_eq!(class(b"said"), 9);
    assert_eq!(class(b"nation"), 1);
    // capitalisation is part of the key
    assert_eq!(class(b"Said"), 0);
    assert_eq!(class(b"xyz"), 0);
    assert_eq!(WordClasses::default().class(1, 2, false), 0);
}

#[test]
fn bucket_tables_match_their_ranges() {
    use features::{dist_bucket, pos_bucket};
    let dist = |d: usize| match d {
        0..=3 => d as u64 + 1,
        4..=5 => 5,
        6..=8 => 6,
        9..=15 => 7,
        _ => 8,
    };
    let pos = |d: usize| match d {
        0..=3 => d as u64,
        4..=6 => 4,
        7..=10 => 5,
        11..=20 => 6,
        _ => 7,
    };
    assert_eq!(dist_bucket(None), 0);
    for d in 0..100 {
        assert_eq!(dist_bucket(Some(d)), dist(d), "{d}");
        assert_eq!(pos_bucket(d), pos(d), "{d}");
    }
    assert_eq!(dist_bucket(Some(usize::MAX)), 8);
    assert_eq!(pos_bucket(usize::MAX), 7);
}

#[test]
fn shape_codes() {
    use features::shape;
    // first upper | any upper << 1 | any lower << 2 | any digit << 3 | any other << 4 | len << 5
    assert_eq!(shape(b""), 0);
    assert_eq!(shape(b"a"), 4);
    assert_eq!(shape(b"Putin"), 1 | 2 | 4 | 2 << 5);
    assert_eq!(shape(b"U.S."), 1 | 2 | 16 | 2 << 5);
    assert_eq!(shape(b"1990s"), 4 | 8 | 2 << 5);
    assert_eq!(shape("caf\u{e9}".as_bytes()), 4 | 2 << 5);
    assert_eq!(shape(b"co-founder"), 4 | 16 | 3 << 5);
    assert_eq!(shape(b"\""), 16);
}

#[test]
fn shape_at_matches_shape() {
    use features::{shape, shape_at};
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut buf = vec![0u8; 64];
    let alphabet = b"aZmA09z9@[`{/:\x7f\x80\xc3\xa9 .,-'\"Qq";
    for round in 0..200_000 {
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = if round % 2 == 0 {
                alphabet[(x % alphabet.len() as u64) as usize]
            } else {
                x as u8
            };
        }
        let start = (x >> 20) as usize % 60;
        let end = (start + (x >> 40) as usize % 12).min(buf.len());
        assert_eq!(
            shape_at(&buf, start, end),
            shape(&buf[start..end]),
            "{:?}",
            &buf[start..end]
        );
    }
    assert_eq!(shape_at(b"ab", 0, 2), shape(b"ab"));
    assert_eq!(shape_at(b"", 0, 0), 0);
}

/// [`for_each_token`] with `m`'s cue set, word classes and table size.
fn model_buckets(
    m: &Model,
    t: &str,
    toks: &[Token],
    sents: &[Sentence],
    words: &[u64],
    rules: &[u8],
    emit: impl FnMut(usize, &[u32; NF]),
) {
    for_each_token(
        t, toks, sents, words, rules, &m.cues, &m.classes, m.bits, emit,
    );
}

/// Checks that `m`'s emissions are the sums of the rows of the buckets training reads.
fn check_emissions_match_buckets(m: &Model) {
    // Inference hashes the feature values itself; training reads `for_each_token` and
    // `for_each_stacked`: both must address the same weight rows.
    let t = "“We will win,” Smith said on Monday. He told reporters that “it’s over.”\n\n\
             The minister, who spoke in Kyiv, said: the talks failed.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let words = word_hashes(t, &toks);
    let rules = crate::pipeline::rule_codes(t, &toks, &sents);
    assert!(rules.iter().any(|&c| c != 0));
    let em = m.emissions(t, &toks, &sents, &words, &rules);
    let (rows, _) = m.weights.as_chunks::<N_TAGS>();
    let sum = |f: &[u32]| -> [f32; N_TAGS] {
        let mut acc = [0i32; N_TAGS];
        for &b in f {
            for (a, &x) in acc.iter_mut().zip(&rows[b as usize]) {
                *a += x as i32;
            }
        }
        acc.map(|a| a as f32 * m.inv_scale)
    };
    let mut seen = 0;
    model_buckets(m, t, &toks, &sents, &words, &rules, |i, f| {
        assert_eq!(em[i], sum(f), "token {i}");
        seen += 1;
    });
    assert_eq!(seen, toks.len());
    let b = m.decode_b(&sents, &em);
    let (_, _, tagged) = m.tag(t, &toks, &sents, &rules);
    for_each_stacked(&toks, &sents, &words, &b, m.bits, |i, f| {
        let s = sum(f);
        for k in 0..N_A {
            assert_eq!(tagged[i][k], em[i][k] + s[k], "token {i}");
        }
        for k in N_A..N_TAGS {
            assert_eq!(tagged[i][k].to_bits(), em[i][k].to_bits(), "token {i}");
        }
    });
}

#[test]
fn tag_paths_agree() {
    // `tag` (AVX2 when the CPU has it) and the plain path: the same tags and emission bits
    let Some(m) = model() else {
        return;
    };
    let t = "“We will win,” Smith said on Monday. He told reporters that “it’s over.”\n\n\
             The minister, who spoke in Kyiv, said: the talks failed, and added that \
             “nobody wanted this. Not us,” she said. Prices rose 3.5% in 2019.\n\n\
             “It is a shame,” according to Jones. Officials declined to comment, \
             saying only: “We are reviewing it.” Lavrov, however, warned “the West”.\n\
             The weather was fine. Nobody said anything at all about it, then or later.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let rules = crate::pipeline::rule_codes(t, &toks, &sents);
    let (a1, b1, e1) = m.tag(t, &toks, &sents, &rules);
    let (a2, b2, e2) = m.tag_with::<false>(t, &toks, &sents, &word_hashes(t, &toks), &rules);
    assert_eq!((a1, b1), (a2, b2));
    let bits =
        |e: &[[f32; N_TAGS]]| -> Vec<u32> { e.iter().flatten().map(|x| x.to_bits()).collect() };
    assert_eq!(bits(&e1), bits(&e2));
}

#[test]
fn emissions_sum_the_rows_of_the_training_buckets() {
    if let Some(m) = model() {
        check_emissions_match_buckets(m);
    }
    // a table size without a specialised loop
    check_emissions_match_buckets(&random_model(
        0x2545_f491_4f6c_dd1d,
        CueSet::new(&[(word_hash(b"said"), word_hash(b"say"))]),
    ));
}

/// A model of 2^10 rows of xorshift weights from `seed`, with cue set `cues`.
fn random_model(seed: u64, cues: CueSet) -> Model {
    let mut x = seed;
    let weights = (0..(1usize << 10) * N_TAGS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as i8
        })
        .collect();
    Model {
        bits: 10,
        weights,
        inv_scale: 0.25,
        trans_a: [0.0; 12],
        trans_b: [0.0; 30],
        calib: (1.0, 0.0),
        cues,
        classes: WordClasses::default(),
    }
}

/// A digest of every bucket `for_each_token` gives on a few paragraphs (quotes across
/// sentences, cues on both sides, colons, "that", a paragraph opening with a quote mark).
fn bucket_digest(m: &Model) -> u64 {
    let t = "“We will win,” Smith said on Monday. He told reporters that “it’s over.”\n\n\
             The minister, who spoke in Kyiv, said: the talks failed, and added that \
             “nobody wanted this. Not us,” she said.\n\n\
             “It is a shame,” according to Jones. Officials declined to comment, \
             saying only: “We are reviewing it.” Lavrov, however, warned “the West”.\n\
             Prices rose 3.5% in 2019, the U.S. agency said.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let words = word_hashes(t, &toks);
    let rules = crate::pipeline::rule_codes(t, &toks, &sents);
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut seen = 0;
    model_buckets(m, t, &toks, &sents, &words, &rules, |i, f| {
        h = (h ^ i as u64).wrapping_mul(0x0100_0000_01b3);
        for &b in f {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        seen += 1;
    });
    assert_eq!(seen, toks.len());
    h
}

#[test]
fn training_buckets_stay_the_same() {
    // the digest of the feature extraction since the rule codes joined templates 12, 24
    // and 35 (before the speed-ups of the `speed2` branch: 15_741_775_492_893_752_990,
    // with the previous model): training must keep reading exactly these buckets
    if let Some(m) = model() {
        assert_eq!(bucket_digest(m), 15_821_517_074_191_812_233);
    }
}

/// Checks every entry of `m`'s group sums ([`Joint`]) against the rows of its templates'
/// buckets, summed one by one in i32.
fn check_joint_sums(m: &Model) {
    let Some(joint) = Joint::new(m) else {
        panic!("no group sums");
    };
    let (rows, _) = m.weights.as_chunks::<N_TAGS>();
    let sum = |templates: &[usize], vals: &[u64]| -> [i32; N_TAGS] {
        let mut acc = [0i32; N_TAGS];
        for (&k, &v) in templates.iter().zip(vals) {
            let b = features::bucket(k, v, m.bits) as usize;
            for (a, &x) in acc.iter_mut().zip(&rows[b]) {
                *a += x as i32;
            }
        }
        acc
    };
    let bias = sum(&[0], &[0]);
    for (k, g) in joint.g1.iter().enumerate() {
        let s = sum(&features::G1, &features::g1_values(k));
        let want: [i32; N_TAGS] = std::array::from_fn(|t| s[t] + bias[t]);
        assert_eq!(g.map(i32::from), want, "G1 key {k}");
    }
    for (k, g) in joint.g2.iter().enumerate() {
        let want = sum(&features::G2, &features::g2_values(k));
        assert_eq!(g.map(i32::from), want, "G2 key {k}");
    }
}

#[test]
fn group_sums_are_the_sums_of_the_template_rows() {
    if let Some(m) = model() {
        check_joint_sums(m);
    }
    check_joint_sums(&random_model(0x9e37_79b9_7f4a_7c15, CueSet::new(&[])));
}

#[test]
fn group_keys_stay_in_their_tables() {
    // every key a token gets lies in its table, its fields in their ranges
    let Some(m) = model() else {
        return;
    };
    let t = "“We will win,” Smith said on Monday. He told reporters that “it’s over.”\n\n\
             The minister, who spoke in Kyiv, said: the talks failed, and added that \
             “nobody wanted this. Not us,” she said. A. B. C. D. E. F.\n\n\
             “It is a shame,” according to Jones. Officials declined to comment, \
             saying only: “We are reviewing it.” Lavrov, however, warned “the West”.";
    let toks = tokenize(t);
    let sents = split_sentences(t, &toks);
    let words = word_hashes(t, &toks);
    let mut seen = 0;
    features::token_features(
        t,
        &toks,
        &sents,
        &words,
        &crate::pipeline::rule_codes(t, &toks, &sents),
        &m.cues,
        &m.classes,
        |_, _, keys| {
            assert!(keys[0] < 1 << features::G1_BITS && keys[1] < 1 << features::G2_BITS);
            // G1: that | ldb << 1 | qs << 5 | qrel << 7 | colon << 9 with ldb <= 8
            assert!((keys[0] >> 1) & 15 <= 8, "{keys:?}");
            // G2: par_b | sib << 2 | qs << 4 | pfq << 6 | has_cue << 7 | jm2 << 8 with
            // sib, jm2 <= 2
            assert!((keys[1] >> 2) & 3 <= 2 && keys[1] >> 8 <= 2, "{keys:?}");
            seen += 1;
        },
    );
    assert_eq!(seen, toks.len());
}
