//! The journal reader on any bytes: a whole journal (header to last line) and single lines of
//! both versions either read or are refused with a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smriti::store::backup::verify_bytes;
use smriti::store::journal::parse_line;

fuzz_target!(|data: &[u8]| {
    let _ = verify_bytes(data);
    let mut v2 = b"# smriti journal v2\n".to_vec();
    v2.extend_from_slice(data);
    let _ = verify_bytes(&v2);
    for version in [1, 2] {
        let _ = parse_line(data, version);
    }
});
