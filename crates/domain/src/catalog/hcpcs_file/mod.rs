//! Reads the CMS HCPCS Level II file in either layout Durable accepts: CMS's fixed-width annual
//! text file (`HCPC20xx_CONTR_ANWEB.txt`) or the CSV layout of
//! `data/hcpcs/hcpcs2019_level2.csv`. The layout is detected from the first line.

mod csv_layout;
mod fixed_width;

use crate::catalog::file::FileError;
use crate::catalog::record::HcpcsRecord;

/// The error of [`parse_hcpcs_file`]: the line and field at fault.
pub type HcpcsFileError = FileError;

/// Parses a whole HCPCS file, in file order, or says which line and field is wrong.
pub fn parse_hcpcs_file(bytes: &[u8]) -> Result<Vec<HcpcsRecord>, HcpcsFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if is_csv_layout(bytes) {
        csv_layout::parse(bytes)
    } else {
        fixed_width::parse(bytes)
    }
}

/// The CSV layout starts with its header row, whose first column is `code`; a fixed-width
/// record starts with a code and never has a comma in its first six columns.
fn is_csv_layout(bytes: &[u8]) -> bool {
    let first_line = bytes
        .split(|&b| b == b'\n')
        .find(|line| !line.trim_ascii().is_empty())
        .unwrap_or_default()
        .trim_ascii_start();
    first_line.get(..5).is_some_and(|start| {
        start.eq_ignore_ascii_case(b"code,") || start.eq_ignore_ascii_case(b"\"code")
    })
}
