//! The proof-of-delivery PDF: every element the DME MACs require of a POD (beneficiary name,
//! delivery address, each item with quantity, description detailed enough to check its coding,
//! brand and model, serial, delivery date, signature, and a designee's printed name and
//! relationship; Noridian Jurisdiction D, "Proof of Delivery", Program Integrity Manual ch. 4
//! §4.26), plus the carrier's tracking number for a shipment and the checks done at the stop.
//!
//! One Letter page drawn with the standard Helvetica font (nothing embedded but the signature,
//! which the phone's canvas sends as a PNG and which is drawn as a grey image on white).

use std::io::Cursor;

use pdf_writer::{Content, Filter, Name, Pdf, Rect, Ref, Str};
use time::Date;

use crate::inventory::label::printable;

/// Letter, in points.
const WIDTH: f32 = 612.0;
const HEIGHT: f32 = 792.0;
const MARGIN: f32 = 54.0;
/// The most bytes a decoded signature may take: a phone canvas is far smaller, a crafted PNG
/// that inflates beyond this is refused instead of exhausting memory.
const MAX_DECODED_SIGNATURE: usize = 16 * 1024 * 1024;

/// A signature decoded to 8-bit grey pixels on white.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Signature {
    width: u32,
    height: u32,
    grey: Vec<u8>,
}

/// Decodes the signature drawn on the phone; `None` when the bytes are not a PNG image.
pub(crate) fn decode_signature(bytes: &[u8]) -> Option<Signature> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: MAX_DECODED_SIGNATURE,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let channels = info.color_type.samples();
    let pixels = buf.get(..info.buffer_size())?.chunks_exact(channels);
    // Ink over white: a transparent canvas is white where nothing was drawn.
    let grey = pixels
        .map(|p| {
            let (lum, alpha) = match p {
                [g] => (u32::from(*g), 255),
                [g, a] => (u32::from(*g), u32::from(*a)),
                [r, g, b] => (luminance(*r, *g, *b), 255),
                [r, g, b, a, ..] => (luminance(*r, *g, *b), u32::from(*a)),
                [] => (255, 0),
            };
            u8::try_from(255 - alpha * (255 - lum) / 255).unwrap_or(255)
        })
        .collect();
    Some(Signature {
        width: info.width,
        height: info.height,
        grey,
    })
}

fn luminance(r: u8, g: u8, b: u8) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000
}

/// One delivered item as the POD lists it.
pub(crate) struct PodItem {
    pub quantity: i32,
    pub hcpcs: String,
    pub description: String,
    pub serial: Option<String>,
}

/// What the POD shows.
pub(crate) struct Pod<'a> {
    pub supplier: Option<String>,
    pub patient_name: &'a str,
    pub address: &'a str,
    pub facility: Option<&'a str>,
    pub method: &'a str,
    pub date_of_service: Date,
    pub shipment: Option<String>,
    pub items: Vec<PodItem>,
    /// "Signed by the beneficiary, Ana Rivera" or "Signed by Tom Rivera, spouse (designee)".
    pub signed_by: Option<String>,
    pub signed_on: Option<Date>,
    pub signature: Option<&'a Signature>,
    pub checks: Vec<String>,
    pub reference: String,
}

/// Writes text lines downwards from a starting height.
struct Writer {
    content: Content,
    y: f32,
}

impl Writer {
    fn line(&mut self, size: f32, x: f32, text: &str) {
        self.content.begin_text();
        self.content.set_font(Name(b"F1"), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&printable(text)));
        self.content.end_text();
    }

    fn next(&mut self, size: f32, text: &str) {
        self.line(size, MARGIN, text);
        self.y -= size + 5.0;
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// The POD as PDF bytes.
pub(crate) fn render(pod: &Pod) -> Vec<u8> {
    let mut w = Writer {
        content: Content::new(),
        y: HEIGHT - MARGIN,
    };
    w.content.set_fill_gray(0.0);
    w.next(18.0, "Proof of delivery");
    if let Some(supplier) = &pod.supplier {
        w.next(10.0, supplier);
    }
    w.gap(8.0);
    w.next(11.0, &format!("Beneficiary: {}", pod.patient_name));
    if let Some(facility) = pod.facility {
        w.next(11.0, &format!("Facility: {facility}"));
    }
    w.next(11.0, &format!("Delivery address: {}", pod.address));
    w.next(11.0, &format!("Method: {}", pod.method));
    w.next(
        11.0,
        &format!("Delivery date (date of service): {}", pod.date_of_service),
    );
    if let Some(shipment) = &pod.shipment {
        w.next(11.0, shipment);
    }
    w.gap(8.0);
    w.next(12.0, "Items delivered");
    let columns = [MARGIN, MARGIN + 40.0, MARGIN + 95.0, MARGIN + 390.0];
    for (x, title) in columns
        .iter()
        .zip(["Qty", "HCPCS", "Description (brand, model)", "Serial"])
    {
        w.line(9.0, *x, title);
    }
    w.gap(14.0);
    for item in &pod.items {
        let quantity = item.quantity.to_string();
        let serial = item.serial.clone().unwrap_or_else(|| "-".into());
        let cells = [
            quantity.as_str(),
            item.hcpcs.as_str(),
            item.description.as_str(),
            serial.as_str(),
        ];
        for (x, text) in columns.iter().zip(cells) {
            w.line(10.0, *x, text);
        }
        w.gap(15.0);
    }
    w.gap(8.0);
    if !pod.checks.is_empty() {
        w.next(12.0, "Done at delivery");
        for check in &pod.checks {
            w.next(9.0, &format!("[x] {check}"));
        }
        w.gap(8.0);
    }
    let mut signature_box = None;
    if let Some(signed_by) = &pod.signed_by {
        w.next(12.0, "Received by");
        w.next(11.0, signed_by);
        if let Some(on) = pod.signed_on {
            w.next(11.0, &format!("Signed on: {on}"));
        }
        if let Some(signature) = pod.signature {
            // Scaled to fit 240 x 90 points, keeping its shape.
            let scale =
                (240.0 / signature.width.max(1) as f32).min(90.0 / signature.height.max(1) as f32);
            let (width, height) = (
                signature.width as f32 * scale,
                signature.height as f32 * scale,
            );
            let bottom = w.y - height;
            signature_box = Some((MARGIN, bottom, width, height));
            w.y = bottom - 6.0;
            w.content.set_line_width(0.5);
            w.content.move_to(MARGIN, w.y);
            w.content.line_to(MARGIN + 240.0, w.y);
            w.content.stroke();
            w.gap(12.0);
            w.next(8.0, "Signature");
        }
    }
    w.line(7.0, MARGIN, &pod.reference);

    let (catalog, pages, page, font_id, content_id, image_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let image_name = Name(b"Sig");
    if let Some((x, y, width, height)) = signature_box {
        w.content.save_state();
        w.content.transform([width, 0.0, 0.0, height, x, y]);
        w.content.x_object(image_name);
        w.content.restore_state();
    }
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        p.parent(pages);
        p.contents(content_id);
        let mut resources = p.resources();
        resources.fonts().pair(Name(b"F1"), font_id);
        if signature_box.is_some() {
            resources.x_objects().pair(image_name, image_id);
        }
    }
    pdf.type1_font(font_id).base_font(Name(b"Helvetica"));
    pdf.stream(content_id, &w.content.finish());
    if let (Some(signature), Some(_)) = (pod.signature, signature_box) {
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&signature.grey, 6);
        let mut image = pdf.image_xobject(image_id, &compressed);
        image.filter(Filter::FlateDecode);
        image.width(i32::try_from(signature.width).unwrap_or(i32::MAX));
        image.height(i32::try_from(signature.height).unwrap_or(i32::MAX));
        image.color_space().device_gray();
        image.bits_per_component(8);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4 x 2 RGBA PNG: one black opaque pixel, the rest transparent.
    fn tiny_png() -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut bytes, 4, 2);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            let mut data = vec![0u8; 4 * 2 * 4];
            data[3] = 255;
            writer.write_image_data(&data).unwrap();
        }
        bytes
    }

    #[test]
    fn a_canvas_signature_becomes_ink_on_white() {
        let signature = decode_signature(&tiny_png()).unwrap();
        assert_eq!((signature.width, signature.height), (4, 2));
        assert_eq!(signature.grey[0], 0, "the drawn pixel is black");
        assert!(
            signature.grey[1..].iter().all(|g| *g == 255),
            "the rest is white"
        );
    }

    #[test]
    fn what_is_not_a_png_is_refused() {
        assert_eq!(decode_signature(b"GIF89a not a png"), None);
        assert_eq!(decode_signature(&tiny_png()[..20]), None);
        assert_eq!(decode_signature(b""), None);
    }
}
