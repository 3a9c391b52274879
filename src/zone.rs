//! Time zones found as jiff finds them (`TimeZone::system`, `TimeZone::get`), without opening
//! jiff's zoneinfo database where one file will do. Opening it lists every file under
//! /usr/share/zoneinfo (some 1,800) to look up one name: a millisecond of every command's
//! start-up, more than reading the card states. The usual cases are read straight from their
//! file: `TZ` unset and /etc/localtime a link into the zoneinfo folder, or `TZ` (and a
//! config's `timezone`) naming a zone. Anything else (a POSIX rule, a path, a name the file
//! system does not hold as written, a custom `TZDIR`, another platform) goes to jiff.

use jiff::tz::TimeZone;

/// The system's time zone, as `TimeZone::system` gives it.
pub fn system() -> TimeZone {
    #[cfg(unix)]
    if std::env::var_os("TZDIR").is_none() {
        let name = match std::env::var_os("TZ") {
            Some(tz) => tz
                .to_str()
                .map(|tz| tz.strip_prefix(':').unwrap_or(tz).to_owned()),
            None => std::fs::read_link("/etc/localtime")
                .ok()
                .and_then(|target| zone_of_link(target.to_str()?).map(str::to_owned)),
        };
        if let Some(tz) = name.as_deref().and_then(from_file) {
            return tz;
        }
    }
    TimeZone::system()
}

/// The zone named `name` (an IANA name, or "UTC"), as `TimeZone::get` gives it.
pub fn named(name: &str) -> Result<TimeZone, jiff::Error> {
    #[cfg(unix)]
    if std::env::var_os("TZDIR").is_none()
        && let Some(tz) = from_file(name)
    {
        return Ok(tz);
    }
    TimeZone::get(name)
}

/// The zone name a link into the zoneinfo folder names, as jiff reads it: what follows the
/// last "zoneinfo/".
fn zone_of_link(target: &str) -> Option<&str> {
    let at = target.rfind("zoneinfo/")?;
    Some(&target[at + "zoneinfo/".len()..])
}

/// `name` read from its own file under /usr/share/zoneinfo, where it is a plain IANA name
/// ("Area/Location", letters, digits, `_`, `-`, `+`), or UTC. `None` leaves it to jiff: a
/// name without a slash may be a POSIX rule ("EST5EDT"), and jiff matches names regardless of
/// case where a file system does not.
#[cfg(unix)]
fn from_file(name: &str) -> Option<TimeZone> {
    if name.eq_ignore_ascii_case("utc") {
        return Some(TimeZone::UTC);
    }
    let part_ok = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['.', '-', '+'])
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-+".contains(&b))
    };
    if !name.contains('/') || !name.split('/').all(part_ok) {
        return None;
    }
    let data = std::fs::read(std::path::Path::new("/usr/share/zoneinfo").join(name)).ok()?;
    TimeZone::tzif(name, &data).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_zone_read_from_its_file_is_the_one_jiff_finds() {
        let names = [
            "UTC",
            "utc",
            "Asia/Kolkata",
            "America/New_York",
            "Europe/London",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "asia/kolkata",
            "Nowhere/Atlantis",
            "EST5EDT",
            "../zoneinfo/Asia/Kolkata",
            "Asia/../Asia/Kolkata",
            "",
        ];
        let now = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        for name in names {
            let ours = named(name).ok();
            let jiffs = TimeZone::get(name).ok();
            assert_eq!(
                ours.as_ref().map(|z| (z.iana_name(), z.to_offset(now))),
                jiffs.as_ref().map(|z| (z.iana_name(), z.to_offset(now))),
                "{name}"
            );
        }
        // Plain IANA names the system holds are read from their file, the others left to jiff.
        for name in ["Asia/Kolkata", "America/Argentina/Buenos_Aires"] {
            assert_eq!(
                from_file(name).is_some(),
                TimeZone::get(name).is_ok(),
                "{name}"
            );
        }
        assert!(from_file("../zoneinfo/Asia/Kolkata").is_none());
        assert!(from_file("EST5EDT").is_none());
    }

    #[test]
    fn a_link_names_the_zone_after_its_last_zoneinfo_folder() {
        assert_eq!(
            zone_of_link("/usr/share/zoneinfo/Asia/Kolkata"),
            Some("Asia/Kolkata")
        );
        assert_eq!(
            zone_of_link("../usr/share/zoneinfo/posix/Europe/Berlin"),
            Some("posix/Europe/Berlin")
        );
        assert_eq!(zone_of_link("/etc/zones/IST"), None);
    }

    #[test]
    fn the_system_zone_is_the_one_jiff_finds() {
        let now = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        let (ours, jiffs) = (system(), TimeZone::system());
        assert_eq!(
            (ours.iana_name(), ours.to_offset(now)),
            (jiffs.iana_name(), jiffs.to_offset(now))
        );
    }
}
