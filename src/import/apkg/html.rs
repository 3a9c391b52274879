//! Anki fields are HTML; smriti's cards are plain text. Tags are dropped, the ones that break
//! a line (`<br>`, `<div>`, `<p>`, `<li>`, headings, table rows) become line breaks, entities
//! are decoded (`html-escape` knows all of HTML5's), runs of white space fold to one space as
//! a browser shows them, and media stay as text: `[image: name]`, `[audio: name]`, with their
//! names collected for the import report.

/// A field as text, and the media files it refers to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub media: Vec<String>,
}

/// Tags whose opening or closing starts a new line.
const BLOCKS: &[&str] = &[
    "div",
    "p",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "hr",
    "pre",
];

pub fn to_text(html: &str) -> Text {
    let mut out = Builder::default();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.run(&rest[..open]);
        let after = &rest[open + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let close = after.find('>').filter(|_| starts_tag);
        let Some(close) = close else {
            // A `<` that opens no tag is text (`a < b`), as a browser shows it.
            out.run(&rest[open..open + 1]);
            rest = after;
            continue;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        let name = tag_name(tag);
        match name.as_str() {
            "br" => out.line_break(),
            "img" => {
                if let Some(src) = attribute(tag, "src") {
                    out.medium("image", &src);
                }
            }
            "script" | "style" if !tag.starts_with('/') => {
                // Their content is code, not card text.
                let end = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&end) {
                    Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                    None => "",
                };
            }
            n if BLOCKS.contains(&n) => out.block(),
            _ => {}
        }
    }
    out.run(rest);
    out.finish()
}

/// `div` for `<div class=x>`, `</DIV>` and `<div/>`.
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('/')
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// An attribute's value, quoted or not, entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let boundary = i == 0 || lower.as_bytes()[i - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        if !boundary {
            continue;
        }
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or(""),
        };
        return Some(html_escape::decode_html_entities(raw).into_owned());
    }
    None
}

#[derive(Default)]
struct Builder {
    text: String,
    media: Vec<String>,
    /// White space seen since the last visible character: one space, if more text follows.
    space: bool,
}

impl Builder {
    fn run(&mut self, raw: &str) {
        let decoded = html_escape::decode_html_entities(raw);
        let mut rest: &str = &decoded;
        while let Some(i) = rest.find("[sound:") {
            self.words(&rest[..i]);
            let after = &rest[i + 7..];
            match after.find(']') {
                Some(j) => {
                    self.medium("audio", &after[..j]);
                    rest = &after[j + 1..];
                }
                None => {
                    self.words(&rest[i..]);
                    rest = "";
                }
            }
        }
        self.words(rest);
    }

    fn words(&mut self, s: &str) {
        for c in s.chars() {
            // A no-break space is a space to whoever types the answer.
            if c.is_whitespace() || c == '\u{a0}' {
                self.space = true;
            } else {
                if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(c);
            }
        }
    }

    fn medium(&mut self, what: &str, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.words(&format!(" [{what}: {name}] "));
        if !self.media.iter().any(|m| m == name) {
            self.media.push(name.to_owned());
        }
    }

    fn line_break(&mut self) {
        self.text.push('\n');
        self.space = false;
    }

    /// A block starts or ends: a line break unless one is already there.
    fn block(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.line_break();
        }
        self.space = false;
    }

    fn finish(self) -> Text {
        let lines: Vec<&str> = self.text.lines().map(str::trim_end).collect();
        let mut text = String::new();
        let mut blank = 0;
        for line in lines {
            if line.is_empty() {
                blank += 1;
                if blank > 1 || text.is_empty() {
                    continue;
                }
            } else {
                blank = 0;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
        Text {
            text: text.trim_end().to_owned(),
            media: self.media,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn tags_go_and_line_breaking_ones_become_newlines() {
        assert_eq!(
            text("Article&nbsp;280<br>(every <b>five</b> years)"),
            "Article 280\n(every five years)"
        );
        assert_eq!(text("<div>one</div><div>two</div>"), "one\ntwo");
        assert_eq!(text("<ul><li>a</li><li>b</li></ul>"), "a\nb");
        assert_eq!(
            text("a<br><br><br><br>b"),
            "a\n\nb",
            "at most one blank line"
        );
    }

    #[test]
    fn entities_are_decoded_and_white_space_folds() {
        assert_eq!(
            text("Rajya Sabha &amp; its chairman &lt;VP&gt; &#8377;5 &eacute;"),
            "Rajya Sabha & its chairman <VP> ₹5 é"
        );
        assert_eq!(text("  spread \n over\tlines  "), "spread over lines");
        assert_eq!(text("a < b and c > d"), "a < b and c > d");
    }

    #[test]
    fn media_are_named_in_the_text_and_listed() {
        let t = to_text(
            r#"Which house? <img class="x" src="parl&amp;ment.png"> [sound:bell.mp3] <img src=a.jpg>"#,
        );
        assert_eq!(
            t.text,
            "Which house? [image: parl&ment.png] [audio: bell.mp3] [image: a.jpg]"
        );
        assert_eq!(t.media, ["parl&ment.png", "bell.mp3", "a.jpg"]);
    }

    #[test]
    fn scripts_and_styles_are_not_text_and_cloze_markers_survive() {
        assert_eq!(
            text("<style>.c{color:red}</style>x<script>alert(1)</script>y"),
            "xy"
        );
        assert_eq!(
            text("<i>{{c1::LEMOA::pact}}</i> in 2016"),
            "{{c1::LEMOA::pact}} in 2016"
        );
    }
}
