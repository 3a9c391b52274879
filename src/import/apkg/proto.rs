//! Just enough of the protobuf wire format to read the few fields smriti needs from a
//! current Anki package: its `meta` version, the media list, and a note type's kind and card
//! templates. A generated reader would pull in a code generator and Anki's whole schema for
//! five fields; these are read by field number, the part of protobuf that never changes.

/// One field of a message: its number and value (varints as numbers, the rest as bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed(u64),
}

/// The fields of a message in order; `None` when the bytes are not a well-formed message.
pub fn fields(mut buf: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut buf)?),
            1 => Value::Fixed(u64::from_le_bytes(take(&mut buf, 8)?.try_into().ok()?)),
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                Value::Bytes(take(&mut buf, len)?)
            }
            5 => Value::Fixed(u64::from(u32::from_le_bytes(
                take(&mut buf, 4)?.try_into().ok()?,
            ))),
            _ => return None,
        };
        out.push((key >> 3, value));
    }
    Some(out)
}

/// The first varint field `number` (protobuf's default 0 when absent).
pub fn varint_field(fields: &[(u64, Value<'_>)], number: u64) -> u64 {
    fields
        .iter()
        .find_map(|(n, v)| match v {
            Value::Varint(x) if *n == number => Some(*x),
            _ => None,
        })
        .unwrap_or(0)
}

/// The first length-delimited field `number` as text (empty when absent or not UTF-8).
pub fn text_field<'a>(fields: &[(u64, Value<'a>)], number: u64) -> &'a str {
    bytes_fields(fields, number)
        .next()
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// Every length-delimited field `number` (a repeated field).
pub fn bytes_fields<'a, 'f>(
    fields: &'f [(u64, Value<'a>)],
    number: u64,
) -> impl Iterator<Item = &'a [u8]> + 'f {
    fields.iter().filter_map(move |(n, v)| match v {
        Value::Bytes(b) if *n == number => Some(*b),
        _ => None,
    })
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take<'a>(buf: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
    if buf.len() < len {
        return None;
    }
    let (head, rest) = buf.split_at(len);
    *buf = rest;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_strings_and_repeated_fields() {
        // field 1 = 3; field 2 = "ab"; field 2 = "c"; field 300 = 150 (two-byte key and value)
        let msg = [
            0x08, 0x03, 0x12, 2, b'a', b'b', 0x12, 1, b'c', 0xe0, 0x12, 0x96, 0x01,
        ];
        let f = fields(&msg).unwrap();
        assert_eq!(varint_field(&f, 1), 3);
        assert_eq!(text_field(&f, 2), "ab");
        assert_eq!(bytes_fields(&f, 2).count(), 2);
        assert_eq!(varint_field(&f, 300), 150);
        assert_eq!(
            varint_field(&f, 9),
            0,
            "an absent field reads as protobuf's default"
        );
    }

    #[test]
    fn a_cut_or_malformed_message_is_refused() {
        assert_eq!(fields(&[0x12, 5, b'a']), None, "length past the end");
        assert_eq!(fields(&[0x08]), None, "varint cut short");
        assert_eq!(fields(&[0x0b]), None, "group wire type");
        assert_eq!(fields(&[0x80; 11]), None, "varint longer than 64 bits");
    }
}
