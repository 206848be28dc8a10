//! Text people type (names, numbers, notes), made safe to store, compare and show.
//!
//! - Unicode Normalization Form C (UAX #15): "José" typed with a combining accent and with a
//!   precomposed "é" is one name, stored once, found by one search.
//! - Control characters are refused: PostgreSQL's `text` cannot hold NUL at all, and the others
//!   (escape, backspace …) only hide or garble what a name shows on a claim or a label. Notes may
//!   keep line breaks and tabs.
//! - Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are refused:
//!   they make text display in an order other than the stored one (Unicode Technical Report
//!   #36, "Bidirectional Text Spoofing").
//! - Text with no visible letter, digit, punctuation or symbol (only spaces, zero-width or other
//!   format characters, fillers) is refused: it would be a name nobody can read or find.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::codes::CodeError;

/// Whether a field may hold more than one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A name, number or title.
    One,
    /// A note: line breaks and tabs are kept.
    Many,
}

/// `text` trimmed and in NFC, or why it cannot be stored. Empty text is returned empty, for the
/// caller to decide whether the field is required.
pub fn clean(text: &str, lines: Lines) -> Result<String, CodeError> {
    let text: String = text.trim().nfc().collect();
    if let Some(c) = text.chars().find(|c| refused(*c, lines)) {
        return Err(CodeError(match c {
            '\n' | '\r' | '\t' => "Keep this on one line (no line breaks or tabs).".into(),
            c if c.is_control() => {
                "Remove the control character (an invisible code such as NUL).".into()
            }
            _ => "Remove the direction-changing character (it makes text display out of order)."
                .into(),
        }));
    }
    if !text.is_empty() && !text.chars().any(visible) {
        return Err(CodeError(
            "Type visible letters or digits; this is only spaces or invisible characters.".into(),
        ));
    }
    Ok(text)
}

fn refused(c: char, lines: Lines) -> bool {
    let line_break = matches!(c, '\n' | '\r' | '\t');
    (c.is_control() && !(line_break && lines == Lines::Many))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` shows something on its own.
fn visible(c: char) -> bool {
    // Hangul fillers are letters by category but draw nothing.
    !matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
        && matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stored_in_one_normal_form() {
        let decomposed = "Jose\u{301}";
        assert_eq!(clean(decomposed, Lines::One).unwrap(), "Jos\u{e9}");
        assert_eq!(
            clean("  O'Brien-Díaz ", Lines::One).unwrap(),
            "O'Brien-Díaz"
        );
        assert_eq!(clean("   ", Lines::One).unwrap(), "");
        assert_eq!(clean("李小龍", Lines::One).unwrap(), "李小龍");
    }

    #[test]
    fn control_and_direction_characters_are_refused() {
        for bad in [
            "Ann\0",
            "A\u{1b}[2Jnn",
            "Ann\nSmith",
            "\u{202E}nnA",
            "Ann\u{2067}",
        ] {
            let err = clean(bad, Lines::One).unwrap_err();
            assert!(
                err.0.starts_with("Remove") || err.0.starts_with("Keep"),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(
            clean("first line\nsecond\tline", Lines::Many).unwrap(),
            "first line\nsecond\tline"
        );
        assert!(clean("note\0", Lines::Many).is_err());
    }

    #[test]
    fn invisible_only_text_is_refused() {
        for bad in [
            "\u{200B}\u{200C}\u{200D}",
            "\u{FEFF}",
            "\u{3164}",
            "\u{00AD}\u{2060}",
        ] {
            let err = clean(bad, Lines::One).unwrap_err();
            assert!(err.0.starts_with("Type visible"), "{bad:?}: {err}");
        }
        assert_eq!(clean("Ann\u{200D}", Lines::One).unwrap(), "Ann\u{200D}");
    }
}
