//! Decimal text as a number: numeric strings in filters and sorts, and
//! `Retry-After` seconds.
//!
//! Not `str::parse::<f64>`: its tables (powers of five for exact rounding) and code
//! are 13 KB of the gzipped package. The text is checked here and handed to
//! serde_json's number reader, which the package already carries for every
//! number on the wire, so a numeric string compares exactly as the same number
//! written as JSON would.

/// The number a decimal text writes: an optional sign, digits with an optional
/// fraction (`1.5`, `.5`, `5.`), an optional exponent (`1e-3`). `None` for
/// anything else, including `inf` and `NaN`, and for numbers beyond `f64`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let digits_from = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let whole = at..at + digits_from(at);
    at = whole.end;
    let mut fraction = at..at;
    if bytes.get(at) == Some(&b'.') {
        fraction = at + 1..at + 1 + digits_from(at + 1);
        at = fraction.end;
    }
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut exponent = at..at;
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(at + 1), Some(b'+' | b'-')));
        let digits = digits_from(at + 1 + sign);
        if digits == 0 {
            return None;
        }
        exponent = at + 1..at + 1 + sign + digits;
        at = exponent.end;
    }
    if at != bytes.len() {
        return None;
    }
    // The same number in JSON's grammar: no `+`, no leading zeros, digits on both
    // sides of the point.
    let part = |range: std::ops::Range<usize>| text.get(range).unwrap_or_default();
    let whole_digits = part(whole).trim_start_matches('0');
    let mut json = String::with_capacity(text.len() + 2);
    if negative {
        json.push('-');
    }
    json.push_str(if whole_digits.is_empty() {
        "0"
    } else {
        whole_digits
    });
    let fraction = part(fraction);
    if !fraction.is_empty() {
        json.push('.');
        json.push_str(fraction);
    }
    let exponent = part(exponent);
    if !exponent.is_empty() {
        json.push('e');
        json.push_str(exponent);
    }
    serde_json::from_str::<f64>(&json)
        .ok()
        .filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn decimal_texts_read_as_std_reads_them() {
        for text in [
            "0",
            "-0",
            "+0",
            "7",
            "007",
            "-12",
            "+12",
            "1.5",
            "-1.5",
            ".5",
            "5.",
            "-.25",
            "0.1",
            "3.141592653589793",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "2.5e-7",
            "-6.02214076e23",
            "123456789012345678901234567890",
            "0.000000000000000000000000001",
            "9007199254740993",
            "1e308",
            "4.9e-324",
            "00.00",
            "1e0005",
        ] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(parse_decimal(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn anything_else_is_no_number() {
        for text in [
            "", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "--1",
            "+-1", "0x10", "inf", "-inf", "infinity", "NaN", "nan", "1e400", "-1e400", "1_000",
            "٣", "1e5x", "abc",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn generated_decimals_read_as_json_numbers_and_short_ones_exactly() {
        // serde_json's reader (without its slower exact mode) may differ from std by up to
        // two units in the last place for long inputs, as it does for the numbers in records;
        // short ones are exact.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut worst = 0;
        for _ in 0..20_000 {
            let digits = (next() % 20 + 1) as usize;
            let mantissa: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let point = (next() % (digits as u64 + 1)) as usize;
            let exp = (next() % 80) as i64 - 40;
            let text = format!("{}.{}e{exp}", &mantissa[..point], &mantissa[point..]);
            let expected: f64 = text.parse().unwrap();
            let got = parse_decimal(&text).unwrap();
            let ulps = (got.to_bits() as i64 - expected.to_bits() as i64).abs();
            // Exact when the digits fit a double and the power of ten is exact too.
            let scale = exp - (digits - point) as i64;
            if mantissa.trim_start_matches('0').len() <= 15 && scale.abs() <= 22 {
                assert_eq!(ulps, 0, "{text}");
            }
            worst = worst.max(ulps);
            // The same text as a JSON number reads the same.
            let (whole, fraction) = mantissa.split_at(point);
            let whole = whole.trim_start_matches('0');
            let whole = if whole.is_empty() { "0" } else { whole };
            let fraction = if fraction.is_empty() {
                String::new()
            } else {
                format!(".{fraction}")
            };
            let json: f64 = serde_json::from_str(&format!("{whole}{fraction}e{exp}")).unwrap();
            assert_eq!(got, json, "{text}");
        }
        println!("worst: {worst} units in the last place");
        assert!(worst <= 2, "{worst}");
    }
}
