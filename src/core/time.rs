//! Calendar arithmetic on UTC milliseconds since the epoch.
//!
//! The core never reads a clock: callers pass `now` in (the browser takes it
//! from `Date.now()`, the sandbox from the system clock). Dates on the wire are
//! ISO-8601: `2026-11-28`, `2026-11-28T09:30:00Z`, `2026-11-28T09:30:00.123+02:00`.

/// Milliseconds in one day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// How many days a month of a year has.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize) -> Option<i64> {
        let mut value = 0i64;
        for _ in 0..count {
            let b = *self.bytes.get(self.at)?;
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
            self.at += 1;
        }
        Some(value)
    }
    fn eat(&mut self, expected: u8) -> bool {
        if self.bytes.get(self.at) == Some(&expected) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }
}

/// Parses an ISO-8601 date or date-time into UTC milliseconds.
///
/// A date alone means midnight UTC; a date-time without an offset is read as UTC.
/// Answers `None` for anything else, including impossible dates.
pub fn parse_iso(text: &str) -> Option<i64> {
    parse_iso_micros(text).map(|us| us.div_euclid(1000))
}

/// [`parse_iso`] in microseconds, the API's precision: digits past the sixth are dropped.
pub fn parse_iso_micros(text: &str) -> Option<i64> {
    let mut c = Cursor {
        bytes: text.trim().as_bytes(),
        at: 0,
    };
    let year = c.digits(4)?;
    if !c.eat(b'-') {
        return None;
    }
    let month = u32::try_from(c.digits(2)?).ok()?;
    if !c.eat(b'-') {
        return None;
    }
    let day = u32::try_from(c.digits(2)?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut us = days_from_civil(year, month, day) * DAY_MS * 1000;
    if c.peek().is_none() {
        return Some(us);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let second = if c.eat(b':') { c.digits(2)? } else { 0 };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    us += (hour * 3600 + minute * 60 + second) * 1_000_000;
    if c.eat(b'.') || c.eat(b',') {
        let mut scale = 100_000;
        let mut any = false;
        while let Some(b) = c.peek() {
            if !b.is_ascii_digit() {
                break;
            }
            us += i64::from(b - b'0') * scale;
            scale /= 10;
            c.at += 1;
            any = true;
        }
        if !any {
            return None;
        }
    }
    match c.peek() {
        None => Some(us),
        Some(b'Z') | Some(b'z') => {
            c.at += 1;
            c.peek().is_none().then_some(us)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.at += 1;
            let oh = c.digits(2)?;
            c.eat(b':');
            let om = c.digits(2)?;
            if c.peek().is_some() || oh > 23 || om > 59 {
                return None;
            }
            let offset = (oh * 60 + om) * 60_000_000;
            Some(if sign == b'+' {
                us - offset
            } else {
                us + offset
            })
        }
        Some(_) => None,
    }
}

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's preferred
/// form) into UTC milliseconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let rest = text.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let clock = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    parse_iso(&format!("{year:04}-{month:02}-{day:02}T{clock}Z"))
}

/// Formats UTC milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(DAY_MS);
    let rest = ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let secs = rest / 1000;
    if (0..=9999).contains(&y) {
        // Digit by digit, without the formatting machinery: the sandbox's seed
        // stamps millions of values.
        let mut out = String::with_capacity(24);
        let mut digits = |n: i64, width: u32, after: char| {
            for place in (0..width).rev() {
                let digit = (n / 10i64.pow(place) % 10) as u8;
                out.push(char::from(b'0' + digit));
            }
            out.push(after);
        };
        digits(y, 4, '-');
        digits(i64::from(m), 2, '-');
        digits(i64::from(d), 2, 'T');
        digits(secs / 3600, 2, ':');
        digits(secs / 60 % 60, 2, ':');
        digits(secs % 60, 2, '.');
        digits(rest % 1000, 3, 'Z');
        return out;
    }
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        rest % 1000
    )
}

/// Midnight UTC of the day that holds `ms`.
pub fn start_of_day(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS) * DAY_MS
}

/// Midnight UTC of the Monday of the ISO week that holds `ms`.
pub fn start_of_week(ms: i64) -> i64 {
    let days = ms.div_euclid(DAY_MS);
    // 1970-01-01 was a Thursday: Monday is three days before.
    let monday_offset = (days + 3).rem_euclid(7);
    (days - monday_offset) * DAY_MS
}

/// Midnight UTC of the first day of the month that holds `ms`, moved by `months`.
pub fn start_of_month(ms: i64, months: i64) -> i64 {
    let (y, m, _) = civil_from_days(ms.div_euclid(DAY_MS));
    let index = y * 12 + i64::from(m) - 1 + months;
    let year = index.div_euclid(12);
    let month = index.rem_euclid(12) as u32 + 1;
    days_from_civil(year, month, 1) * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_written_digit_by_digit_read_as_the_formatted_form() {
        // From a little before 0000-01-01 to a little after 9999-12-31, against
        // the `format!` form the digit-by-digit writer replaces in that range.
        let reference = |ms: i64| {
            let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
            let rest = ms.rem_euclid(DAY_MS);
            let secs = rest / 1000;
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                rest % 1000
            )
        };
        let (first, last) = (-62_167_219_200_000 - 5_000, 253_402_300_800_000 + 5_000);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let ms = first + (state % (last - first) as u64) as i64;
            assert_eq!(format_iso(ms), reference(ms), "{ms}");
        }
        for ms in [
            0,
            1,
            -1,
            999,
            86_399_999,
            253_402_300_799_999,
            253_402_300_800_000,
        ] {
            assert_eq!(format_iso(ms), reference(ms), "{ms}");
        }
    }

    #[test]
    fn round_trips_dates() {
        for text in [
            "1970-01-01T00:00:00.000Z",
            "2026-11-28T09:30:05.123Z",
            "2000-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.000Z",
        ] {
            let ms = parse_iso(text).unwrap();
            assert_eq!(format_iso(ms), text);
        }
    }

    #[test]
    fn reads_offsets_and_plain_dates() {
        assert_eq!(parse_iso("2026-11-28"), parse_iso("2026-11-28T00:00:00Z"));
        assert_eq!(
            parse_iso("2026-11-28T02:00:00+02:00"),
            parse_iso("2026-11-28T00:00:00Z")
        );
        assert_eq!(
            parse_iso("2026-11-28T00:00:00.5"),
            Some(parse_iso("2026-11-28").unwrap() + 500)
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-11-28T24:00",
            "28/11/2026",
            "",
            "2026-11-28Tx",
            "2026-11-28T10:00Zjunk",
        ] {
            assert_eq!(parse_iso(text), None, "{text}");
        }
    }

    #[test]
    fn weeks_start_on_monday_and_months_roll_over() {
        let sat = parse_iso("2026-11-28T15:00:00Z").unwrap();
        assert_eq!(format_iso(start_of_week(sat)), "2026-11-23T00:00:00.000Z");
        assert_eq!(
            format_iso(start_of_month(sat, 0)),
            "2026-11-01T00:00:00.000Z"
        );
        assert_eq!(
            format_iso(start_of_month(sat, 2)),
            "2027-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_iso(start_of_month(sat, -11)),
            "2025-12-01T00:00:00.000Z"
        );
        assert_eq!(format_iso(start_of_day(sat)), "2026-11-28T00:00:00.000Z");
    }
}
