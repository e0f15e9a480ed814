//! Case folding for the text rules and `search_text`: the lower case of the
//! letters lab data is written in (Latin, Greek and Cyrillic, U+0000 to U+04FF),
//! computed from their code points. Other characters compare as written.
//!
//! Not `str::to_lowercase`: its tables for every script are 8 KB of the gzipped
//! package, for letters a compound name or an assay title does not use.

/// The lower case of `text`.
pub fn fold_case(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().map(fold_char).collect()
}

/// The lower case of one character (itself when it has none, or is beyond U+04FF).
pub fn fold_char(c: char) -> char {
    let code = u32::from(c);
    let even = code % 2 == 0;
    let lower = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => code + 32,
        0x130 => u32::from('i'),
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if even => code + 1,
        0x139..=0x148 | 0x179..=0x17E if !even => code + 1,
        0x178 => 0xFF,
        // Greek
        0x386 => 0x3AC,
        0x388..=0x38A => code + 37,
        0x38C => 0x3CC,
        0x38E..=0x38F => code + 63,
        0x391..=0x3A1 | 0x3A3..=0x3AB => code + 32,
        0x3D8..=0x3EF if even => code + 1,
        0x370 | 0x372 | 0x376 | 0x3F7 | 0x3FA => code + 1,
        0x37F => 0x3F3,
        0x3CF => 0x3D7,
        0x3F4 => 0x3B8,
        0x3F9 => 0x3F2,
        0x3FD..=0x3FF => code - 130,
        // Cyrillic
        0x400..=0x40F => code + 80,
        0x410..=0x42F => code + 32,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x4FF if even => code + 1,
        0x4C0 => 0x4CF,
        0x4C1..=0x4CE if !even => code + 1,
        // Unit signs: Ω (ohm), K (kelvin), Å (ångström)
        0x2126 => 0x3C9,
        0x212A => u32::from('k'),
        0x212B => 0xE5,
        _ => code,
    };
    char::from_u32(lower).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_greek_and_cyrillic_fold_as_unicode_lower_case() {
        let mut differ = Vec::new();
        for code in (0..=0x17F).chain(0x370..=0x4FF).chain(0x2126..=0x212B) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let std: String = c.to_lowercase().collect();
            // U+0130 (İ) is "i" with a combining dot in Unicode; it folds to "i" here.
            let want = if code == 0x130 { "i".to_string() } else { std };
            if fold_char(c).to_string() != want {
                differ.push(format!("U+{code:04X}"));
            }
        }
        assert!(differ.is_empty(), "fold differs from Unicode at {differ:?}");
    }

    #[test]
    fn texts_fold_whole_and_other_scripts_stay() {
        assert_eq!(fold_case("CMP-0042 IC50"), "cmp-0042 ic50");
        assert_eq!(
            fold_case("Ångström ΑΒΓ Δέλτα ЖУК"),
            "ångström αβγ δέλτα жук"
        );
        assert_eq!(fold_case("µM ≥ 5 日本"), "µm ≥ 5 日本");
    }
}
