//! The printable asset label: a 4 × 2 inch PDF page with the product, the
//! serial in text, its Code 128 symbol (`durable_domain::inventory::label::code128`) and a QR code
//! of the serial, so either scanner kind types the serial into a search box.
//!
//! Bars and QR modules are drawn as filled rectangles (no images, no embedded fonts: Courier is
//! one of the PDF standard fonts), which keeps the file a few kilobytes and sharp on any printer.

use durable_domain::ids::AssetId;
use durable_domain::inventory::label::code128;
use durable_store::inventory as store;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, EcLevel, QrCode};

use crate::{Actor, App, AppError, AppResult, Permission};

/// Label stock size in points (1/72 inch): 4 × 2 inches, the common thermal label.
const WIDTH: f32 = 288.0;
const HEIGHT: f32 = 144.0;
/// The margin kept clear on every side.
const MARGIN: f32 = 8.0;
/// Courier is monospaced: every glyph is 600/1000 of the font size wide, so a line's width is
/// known exactly and text is fitted to its column instead of running into a symbol.
const COURIER_ADVANCE: f32 = 0.6;
/// The QR code's quiet zone, in modules (ISO/IEC 18004 asks for 4).
const QR_QUIET_MODULES: usize = 4;
/// The Code 128 symbol spans the label's width at the bottom, this tall.
const BAR_BOTTOM: f32 = 20.0;
const BAR_HEIGHT: f32 = 36.0;
/// The QR code's square (quiet zone included) sits above the bars, at the right.
const QR_SIDE: f32 = HEIGHT - MARGIN - (BAR_BOTTOM + BAR_HEIGHT + 4.0);

/// The label of one asset, as PDF bytes.
pub async fn label_pdf(app: &App, actor: &Actor, id: AssetId) -> AppResult<Vec<u8>> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let row = store::asset(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("asset"))?;
    let product = durable_store::catalog::products_by_id(db, vec![row.product_id])
        .await?
        .pop();
    let title = product
        .map(|p| format!("{} {}", p.manufacturer, p.model))
        .unwrap_or_default();
    render(&title, &row.serial)
}

/// Text the standard font can show: printable ASCII, anything else as '?'.
pub(crate) fn printable(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c as u8
            } else {
                b'?'
            }
        })
        .collect()
}

/// A line of text in Courier, no wider than `width`: at `size` when it fits, smaller down to
/// `min_size`, then cut with "...".
fn fitted(text: &str, width: f32, size: f32, min_size: f32) -> (Vec<u8>, f32) {
    let mut bytes = printable(text);
    let fits_at = width / (COURIER_ADVANCE * bytes.len().max(1) as f32);
    if fits_at >= min_size {
        return (bytes, size.min(fits_at));
    }
    let keep = (width / (COURIER_ADVANCE * min_size)) as usize;
    bytes.truncate(keep.saturating_sub(3));
    bytes.extend_from_slice(b"...");
    (bytes, min_size)
}

/// Draws the label for `serial` under `title`: the title and serial in text at the top left,
/// the QR code at the top right inside its own quiet zone, the Code 128 symbol (its quiet zones
/// counted in its width) across the bottom with the serial in small text under it. No text or
/// symbol enters another's area.
pub fn render(title: &str, serial: &str) -> AppResult<Vec<u8>> {
    let barcode = code128(serial).map_err(|e| {
        AppError::Conflict(format!(
            "This serial cannot be printed as a barcode: {}",
            e.0
        ))
    })?;
    let qr = QrCode::with_error_correction_level(barcode.text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;

    let mut content = Content::new();
    let (regular, bold) = (Name(b"F1"), Name(b"F2"));
    content.set_fill_gray(0.0);

    let modules = qr.width();
    let module = QR_SIDE / (modules + 2 * QR_QUIET_MODULES) as f32;
    let qr_left = WIDTH - MARGIN - QR_SIDE + QR_QUIET_MODULES as f32 * module;
    let qr_top = HEIGHT - MARGIN - QR_QUIET_MODULES as f32 * module;
    for (i, color) in qr.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = ((i % modules) as f32, (i / modules) as f32);
            content.rect(
                qr_left + x * module,
                qr_top - (y + 1.0) * module,
                module,
                module,
            );
        }
    }
    content.fill_nonzero();

    let bar_module = (WIDTH - 2.0 * MARGIN) / barcode.width_modules.max(1) as f32;
    for bar in &barcode.bars {
        content.rect(
            MARGIN + bar.x as f32 * bar_module,
            BAR_BOTTOM,
            bar.width as f32 * bar_module,
            BAR_HEIGHT,
        );
    }
    content.fill_nonzero();

    // Text left of the QR code's square, which holds its own quiet zone.
    let column = WIDTH - 2.0 * MARGIN - QR_SIDE - 2.0;
    let lines = [
        (
            regular,
            fitted(title, column, 10.0, 6.0),
            HEIGHT - MARGIN - 10.0,
        ),
        (
            bold,
            fitted(&format!("SN {}", barcode.text), column, 14.0, 7.0),
            HEIGHT - MARGIN - 34.0,
        ),
        (
            regular,
            fitted(&barcode.text, WIDTH - 2.0 * MARGIN, 8.0, 5.0),
            MARGIN + 2.0,
        ),
    ];
    for (font, (text, size), baseline) in lines {
        content.begin_text();
        content.set_font(font, size);
        content.next_line(MARGIN, baseline);
        content.show(Str(&text));
        content.end_text();
    }

    let (catalog, pages, page, regular_id, bold_id, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        p.parent(pages);
        p.contents(content_id);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        fonts.pair(regular, regular_id);
        fonts.pair(bold, bold_id);
    }
    pdf.type1_font(regular_id).base_font(Name(b"Courier"));
    pdf.type1_font(bold_id).base_font(Name(b"Courier-Bold"));
    pdf.stream(content_id, &content.finish());
    Ok(pdf.finish())
}
