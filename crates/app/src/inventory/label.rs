//! The printable asset label (issue 4 item 8): a 4 × 2 inch PDF page with the product, the
//! serial in text, its Code 128 symbol (`durable_domain::inventory::label::code128`) and a QR code
//! of the serial, so either scanner kind types the serial into a search box.
//!
//! Bars and QR modules are drawn as filled rectangles (no images, no embedded fonts: Helvetica is
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
const MARGIN: f32 = 10.0;

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

/// Draws the label for `serial` under `title`.
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
    let font = Name(b"F1");
    content.set_fill_gray(0.0);

    // The QR code fills the right-hand square of the label.
    let qr_side = HEIGHT - 2.0 * MARGIN;
    let modules = qr.width();
    let module = qr_side / modules as f32;
    let qr_left = WIDTH - MARGIN - qr_side;
    for (i, color) in qr.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = ((i % modules) as f32, (i / modules) as f32);
            content.rect(
                qr_left + x * module,
                HEIGHT - MARGIN - (y + 1.0) * module,
                module,
                module,
            );
        }
    }
    content.fill_nonzero();

    // The Code 128 symbol fills the space left of the QR code; its bar positions already count
    // the quiet zone, which the scale keeps clear on both sides.
    let bar_area = qr_left - 2.0 * MARGIN;
    let bar_module = bar_area / barcode.width_modules.max(1) as f32;
    let bar_bottom = MARGIN + 14.0;
    let bar_height = 50.0;
    for bar in &barcode.bars {
        content.rect(
            MARGIN + bar.x as f32 * bar_module,
            bar_bottom,
            bar.width as f32 * bar_module,
            bar_height,
        );
    }
    content.fill_nonzero();

    content.begin_text();
    content.set_font(font, 11.0);
    content.next_line(MARGIN, HEIGHT - MARGIN - 11.0);
    content.show(Str(&printable(title)));
    content.end_text();
    content.begin_text();
    content.set_font(font, 14.0);
    content.next_line(MARGIN, HEIGHT - MARGIN - 32.0);
    content.show(Str(&printable(&format!("SN {}", barcode.text))));
    content.end_text();
    content.begin_text();
    content.set_font(font, 9.0);
    content.next_line(MARGIN, MARGIN + 2.0);
    content.show(Str(&printable(&barcode.text)));
    content.end_text();

    let (catalog, pages, page, font_id, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        p.parent(pages);
        p.contents(content_id);
        p.resources().fonts().pair(font, font_id);
    }
    pdf.type1_font(font_id).base_font(Name(b"Helvetica"));
    pdf.stream(content_id, &content.finish());
    Ok(pdf.finish())
}
