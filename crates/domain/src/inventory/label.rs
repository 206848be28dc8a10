//! The barcode on an asset label: the serial as a Code 128 symbol, in module
//! units, for the PDF or SVG writer to draw at whatever size the label stock needs.
//!
//! The encoding is the `code128` crate's (ISO/IEC 15417, picking the shortest mix of code sets,
//! so long digit runs pack two to a symbol). Only printable ASCII is accepted: a keyboard-wedge
//! scanner types the symbol back as keystrokes into a search box, and characters beyond ASCII
//! come out differently from scanner to scanner. The search then compares by [`SerialKey`], so
//! the serial scanned finds the asset whatever separators the label shows.
//!
//! [`SerialKey`]: super::keys::SerialKey

use serde::Serialize;

use crate::codes::CodeError;

/// The quiet zone the standard asks for on each side, in modules.
pub const QUIET_ZONE_MODULES: u32 = 10;

/// One dark bar, in module units from the left edge of the quiet zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LabelBar {
    /// Left edge.
    pub x: u32,
    /// Width, 1 to 4 modules.
    pub width: u32,
}

/// A Code 128 symbol ready to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Barcode {
    /// The text it encodes, printed under the bars.
    pub text: String,
    /// The dark bars, left to right.
    pub bars: Vec<LabelBar>,
    /// Total width in modules, both quiet zones included: the drawing scales this to the label.
    pub width_modules: u32,
}

/// The Code 128 symbol of a serial as printed on the unit (trimmed).
pub fn code128(serial: &str) -> Result<Barcode, CodeError> {
    let text = serial.trim();
    if text.is_empty() {
        return Err(CodeError("A label needs the unit's serial number.".into()));
    }
    if !text.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(CodeError(
            "A barcode holds letters, digits and plain punctuation only: print this serial as text."
                .into(),
        ));
    }
    let symbol = code128::Code128::encode(text.as_bytes());
    let bars = symbol
        .bar_coordinates()
        .map(|bar| LabelBar {
            x: bar.x,
            width: u32::from(bar.width),
        })
        .collect();
    Ok(Barcode {
        text: text.to_owned(),
        bars,
        width_modules: u32::try_from(symbol.len())
            .map_err(|_| CodeError("This serial is too long for a label barcode.".into()))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the bars back the way a scanner does: widths of dark and light runs.
    fn scan(barcode: &Barcode) -> String {
        let mut runs = Vec::new();
        for (i, bar) in barcode.bars.iter().enumerate() {
            let next = barcode
                .bars
                .get(i + 1)
                .map_or(bar.x + bar.width, |next| next.x);
            runs.push(code128::Bar {
                width: u8::try_from(bar.width).unwrap(),
                space: u8::try_from(next - bar.x - bar.width).unwrap(),
            });
        }
        code128::decode_str(&runs).unwrap()
    }

    #[test]
    fn serials_round_trip_through_the_bars() {
        for serial in ["OC5-0001", "SN123456789012", "a b/c.d", "7"] {
            let barcode = code128(serial).unwrap();
            assert_eq!(scan(&barcode), serial);
            assert_eq!(barcode.bars[0].x, QUIET_ZONE_MODULES);
            let last = barcode.bars[barcode.bars.len() - 1];
            assert_eq!(
                last.x + last.width + QUIET_ZONE_MODULES,
                barcode.width_modules
            );
        }
    }

    #[test]
    fn digit_runs_pack_tighter_than_letters() {
        let digits = code128("12345678").unwrap();
        let letters = code128("ABCDEFGH").unwrap();
        assert!(digits.width_modules < letters.width_modules);
    }

    #[test]
    fn blank_and_non_ascii_serials_are_refused() {
        assert!(code128("  ").is_err());
        assert!(code128("SN-ÄÖ1").is_err());
        assert!(code128("SN\t1").is_err());
        assert_eq!(code128(" X1 ").unwrap().text, "X1");
    }
}
