//! Anki fields are HTML; our cards are plain text. Tags are dropped, `<br>`, `<div>`, `<p>`
//! and `<li>` become line breaks, entities are decoded, and an image becomes `[image: name]`
//! so the card still says something was there (the report lists the files).

/// The text of an HTML field, and the media files it refers to.
pub fn to_text(html: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len());
    let mut media = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find(['<', '&']) {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if rest.starts_with('&') {
            let (text, used) = entity(rest);
            out.push_str(&text);
            rest = &rest[used..];
            continue;
        }
        let Some(close) = rest.find('>') else {
            // A lone `<` is text (`a < b`).
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match name.as_str() {
            "br" => out.push('\n'),
            "div" | "p" | "li" | "tr" if !closing && !out.is_empty() && !out.ends_with('\n') => {
                out.push('\n')
            }
            "img" => {
                if let Some(src) = attribute(tag, "src") {
                    out.push_str(&format!("[image: {src}]"));
                    media.push(src);
                }
            }
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let text = out.trim_matches('\n').to_owned();
    (text, media)
}

/// `attr="value"` (or single quotes, or bare) inside a tag.
fn attribute(tag: &str, attr: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{attr}="))? + attr.len() + 1;
    let value = &tag[at..];
    let (value, _) = match value.chars().next()? {
        q @ ('"' | '\'') => value[1..].split_once(q)?,
        _ => value.split_once([' ', '/']).unwrap_or((value, "")),
    };
    let (text, _) = to_text(value);
    Some(text)
}

/// The text of the entity at the start of `s` and the bytes it took; a `&` that starts no
/// known entity is itself.
fn entity(s: &str) -> (String, usize) {
    let Some(end) = s[1..].find(';').map(|i| i + 1).filter(|&e| e <= 12) else {
        return ("&".to_owned(), 1);
    };
    let name = &s[1..end];
    let ch = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match ch {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_owned(), 1),
    }
}

/// Plain text as HTML, for a field of a file that says `#html:true`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_line_breaks_stay_and_entities_decode() {
        let (text, media) =
            to_text("<b>LEMOA</b> &amp; COMCASA<br>signed<div>2016 &lt; 2018&#33;</div>");
        assert_eq!(text, "LEMOA & COMCASA\nsigned\n2016 < 2018!");
        assert!(media.is_empty());
    }

    #[test]
    fn images_are_named_in_the_text_and_listed() {
        let (text, media) = to_text("Map: <img src=\"india map.png\" />");
        assert_eq!(text, "Map: [image: india map.png]");
        assert_eq!(media, ["india map.png"]);
    }

    #[test]
    fn a_stray_ampersand_or_angle_is_text() {
        assert_eq!(to_text("a & b < c").0, "a & b < c");
        assert_eq!(to_text("&unknown; x").0, "&unknown; x");
    }

    #[test]
    fn escaping_round_trips() {
        let s = "a < b & c\nnext";
        assert_eq!(to_text(&escape(s)).0, s);
    }
}
