//! Development aid: `debug_page FILE.html[.gz]` lists the text blocks of a page.
use std::io::Read;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: debug_page FILE")?;
    let mut raw = Vec::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut raw)?;
    } else {
        raw = std::fs::read(&path)?;
    }
    let (html, _) = whosaid_html::decode(&raw, None);
    let a = whosaid_html::extract(&html, None);
    println!(
        "title={:?}\nbyline={:?}\ndate={:?}\nurl={:?}\nsite={:?}",
        a.title, a.byline, a.date, a.url, a.site_name
    );
    if std::env::args().nth(2).as_deref() != Some("--meta") {
        print!("{}", whosaid_html::debug_dump(&html));
    }
    Ok(())
}
