//! Rows of a delimited text file (CSV, TSV, Anki's text format) with the line and column of
//! every cell, so an error in any cell can be located. The `csv` crate does the reading
//! (quotes, doubled quotes, line breaks inside quoted cells); this module only finds where
//! each cell starts, which the crate does not report.

use std::path::Path;

use super::ImportError;

/// One row: its cells and where each starts (1-based line and column, in characters).
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
    pub line: usize,
    pub starts: Vec<(usize, usize)>,
}

impl Row {
    /// Line and column of cell `i`, or of the row's start.
    pub fn at(&self, i: usize) -> (usize, usize) {
        self.starts.get(i).copied().unwrap_or((self.line, 1))
    }

    /// Cell `i`, `None` when it is missing or empty.
    pub fn cell(&self, i: usize) -> Option<&str> {
        self.cells
            .get(i)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// How a file is delimited.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub delimiter: u8,
    /// Lines starting with this byte are skipped (Anki's text format: `#`).
    pub comment: Option<u8>,
}

/// The rows of `text[from..]` (where `from` is a line start), each with every cell located.
/// Line numbers count from the start of `text`. For files of cards, which are small.
pub fn rows(
    path: &Path,
    text: &str,
    from: usize,
    dialect: Dialect,
) -> Result<Vec<Row>, ImportError> {
    let mut out = Vec::new();
    for_each_row(path, text, from, dialect, |row| {
        out.push(Row {
            cells: row.record.iter().map(str::to_owned).collect(),
            line: row.line(),
            starts: (0..row.record.len()).map(|i| row.at(i)).collect(),
        });
    })?;
    Ok(out)
}

/// One row as read, its cells located only when asked (a review log has a million rows
/// and needs a location only for an error).
pub struct RowRef<'r> {
    pub record: &'r csv::StringRecord,
    text: &'r str,
    lines: &'r LineIndex<'r>,
    start: usize,
    delimiter: u8,
}

impl RowRef<'_> {
    /// Cell `i`, trimmed; `None` when it is missing or blank.
    pub fn cell(&self, i: usize) -> Option<&str> {
        self.record.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    pub fn line(&self) -> usize {
        self.lines.locate(self.start).0
    }

    /// Line and column of cell `i`.
    pub fn at(&self, i: usize) -> (usize, usize) {
        let starts = cell_starts(self.text.as_bytes(), self.start, i + 1, self.delimiter);
        self.lines
            .locate(starts.last().copied().unwrap_or(self.start))
    }
}

/// Calls `each` on every row of `text[from..]` in order, reusing one record.
pub fn for_each_row(
    path: &Path,
    text: &str,
    from: usize,
    dialect: Dialect,
    mut each: impl FnMut(&RowRef<'_>),
) -> Result<(), ImportError> {
    let lines = LineIndex::new(text);
    let body = &text.as_bytes()[from..];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .comment(dialect.comment)
        .from_reader(body);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let (line, col) = e
                    .position()
                    .map_or((1, 1), |p| lines.locate(from + p.byte() as usize));
                return Err(ImportError::at(path, line, col, csv_message(&e)));
            }
        }
        let start = skip_unread(
            text.as_bytes(),
            from + record.position().map_or(0, |p| p.byte() as usize),
            dialect.comment,
        );
        each(&RowRef {
            record: &record,
            text,
            lines: &lines,
            start,
            delimiter: dialect.delimiter,
        });
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        _ => format!("cannot be read as delimited text ({e})"),
    }
}

/// The crate reports a record's position before the blank and comment lines it skipped to
/// reach it: the offset of the record's own first byte.
fn skip_unread(src: &[u8], mut at: usize, comment: Option<u8>) -> usize {
    loop {
        let rest = &src[at.min(src.len())..];
        let blank = rest.starts_with(b"\n") || rest.starts_with(b"\r\n");
        let commented = comment.is_some_and(|c| rest.first() == Some(&c));
        if !(blank || commented) {
            return at;
        }
        match memchr::memchr(b'\n', rest) {
            Some(i) => at += i + 1,
            None => return src.len(),
        }
    }
}

/// Byte offsets where the `n` cells of the record at `at` start, following the crate's
/// rules: a cell starting with `"` runs to its closing quote (`""` inside is one quote).
fn cell_starts(src: &[u8], mut at: usize, n: usize, delimiter: u8) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(at);
        if src.get(at) == Some(&b'"') {
            at += 1;
            while let Some(&b) = src.get(at) {
                at += 1;
                if b == b'"' {
                    if src.get(at) == Some(&b'"') {
                        at += 1;
                    } else {
                        break;
                    }
                }
            }
        }
        while let Some(&b) = src.get(at) {
            at += 1;
            if b == delimiter {
                break;
            }
            if b == b'\n' || b == b'\r' {
                at -= 1;
                break;
            }
        }
    }
    out
}

/// Line starts of a text, to turn byte offsets into lines and columns quickly.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }
}

/// 1-based line and 0-based column (characters) of the end of `text`, for a prefix.
pub fn locate(text: &str, offset: usize) -> (usize, usize) {
    let (line, col) = LineIndex::new(text).locate(offset);
    (line, col - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, delimiter: u8) -> Vec<Row> {
        let d = Dialect {
            delimiter,
            comment: Some(b'#'),
        };
        rows(Path::new("f.csv"), text, 0, d).unwrap()
    }

    #[test]
    fn every_cell_is_located_even_after_quoted_line_breaks() {
        let rows = read("q,a\n\"two\nlines\",\"say \"\"hi\"\"\",x\nwhé,b\n", b',');
        assert_eq!(rows[1].cells, ["two\nlines", "say \"hi\"", "x"]);
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[1].starts, [(2, 1), (3, 8), (3, 21)]);
        assert_eq!(rows[2].line, 4);
        assert_eq!(rows[2].starts, [(4, 1), (4, 5)]);
    }

    #[test]
    fn tabs_and_comment_lines() {
        let rows = read("# note\na\tb\n#skip\nc\t\td\n", b'\t');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].starts, [(4, 1), (4, 3), (4, 4)]);
        assert_eq!(rows[1].cell(1), None);
    }

    #[test]
    fn line_index_counts_characters() {
        let idx = LineIndex::new("ab\nçd\n");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(5), (2, 2));
    }
}
