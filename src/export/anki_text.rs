//! Cards in Anki's text format ("Notes in Plain Text"), with the header lines Anki writes and
//! reads: a GUID column (our `deck-id/card-id`, so a second import into Anki updates the notes
//! instead of duplicating them, and `smriti import` gives back our ids), the note type, the
//! deck and the tags. basic → Basic, typed → Basic (type in the answer), cloze → Cloze (the
//! explanation as Back Extra). Anki has no mcq or mains kind: those become Basic notes, the
//! options listed under the question, the key points as the answer, and are counted.

use super::{Note, csv_error};
use crate::deck::Kind;
use crate::import::anki_notes::{cloze_to_anki, guid_of};

/// The file's bytes and how many cards became Basic notes for want of their kind in Anki.
pub fn write(notes: &[Note<'_>]) -> std::io::Result<(Vec<u8>, usize)> {
    let mut out = b"#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n".to_vec();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .flexible(false)
        .from_writer(Vec::new());
    let mut degraded = 0;
    for n in notes {
        let d = &n.draft;
        let q = d.q.clone().unwrap_or_default();
        let a = d.a.clone().unwrap_or_default();
        let (notetype, front, back) = match d.kind {
            Kind::Basic => ("Basic", q, a),
            Kind::Typed => ("Basic (type in the answer)", q, a),
            Kind::Cloze => (
                "Cloze",
                cloze_to_anki(d.text.as_deref().unwrap_or_default()),
                d.explain.clone().unwrap_or_default(),
            ),
            Kind::Mcq => {
                degraded += 1;
                let options: Vec<String> = d
                    .options
                    .iter()
                    .chain(&d.distractors)
                    .enumerate()
                    .map(|(i, o)| format!("({}) {o}", char::from(b'a' + (i % 26) as u8)))
                    .collect();
                let front = if options.is_empty() {
                    q
                } else {
                    format!("{q}\n{}", options.join("\n"))
                };
                ("Basic", front, a)
            }
            Kind::Mains => {
                degraded += 1;
                ("Basic", q, d.points.join("\n"))
            }
        };
        // Anki separates tags with spaces, so a space inside one of ours becomes `_`.
        let tags: Vec<String> = d.tags.iter().map(|t| t.replace(' ', "_")).collect();
        let guid = guid_of(&n.deck.id, &d.id);
        let row = [
            guid.as_str(),
            notetype,
            n.deck.name.as_str(),
            &front,
            &back,
            &tags.join(" "),
        ];
        w.write_record(row).map_err(csv_error)?;
    }
    out.extend(
        w.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?,
    );
    Ok((out, degraded))
}
