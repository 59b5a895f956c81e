//! The page: an HTML file, a stylesheet and ES modules written for this project, inside the
//! binary, and an icon drawn here; nothing is loaded from anywhere else (the
//! Content-Security-Policy says so to the browser), and there is no build step.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::OnceLock;

const INDEX: &str = include_str!("../../static/index.html");
const SCRIPT: &str = include_str!("../../static/lab.js");
const STYLE: &str = include_str!("../../static/lab.css");

/// The modules `lab.js` imports, by file name under `/js/`: one per tab, and what they share.
const MODULES: [(&str, &str); 9] = [
    ("messages.js", include_str!("../../static/js/messages.js")),
    ("util.js", include_str!("../../static/js/util.js")),
    ("charts.js", include_str!("../../static/js/charts.js")),
    ("state.js", include_str!("../../static/js/state.js")),
    ("train.js", include_str!("../../static/js/train.js")),
    ("live.js", include_str!("../../static/js/live.js")),
    ("runs.js", include_str!("../../static/js/runs.js")),
    (
        "experiments.js",
        include_str!("../../static/js/experiments.js"),
    ),
    ("predict.js", include_str!("../../static/js/predict.js")),
];

/// Only this server's own scripts, styles and images (figures may be data: or blob: URLs).
pub(super) const POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

fn page(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

pub async fn index() -> impl IntoResponse {
    page("text/html; charset=utf-8", INDEX)
}

pub async fn script() -> impl IntoResponse {
    page("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /js/{file}`: one of the page's modules.
pub async fn module(Path(file): Path<String>) -> Result<impl IntoResponse, ApiError> {
    MODULES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, body)| page("text/javascript; charset=utf-8", body))
        .ok_or_else(|| ApiError::not_found(format!("no module {file:?}")))
}

pub async fn style() -> impl IntoResponse {
    page("text/css; charset=utf-8", STYLE)
}

pub async fn favicon() -> impl IntoResponse {
    static ICON: OnceLock<Vec<u8>> = OnceLock::new();
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        ICON.get_or_init(favicon_ico).as_slice(),
    )
}

/// Side of the icon, in pixels.
const ICON_SIZE: usize = 16;

/// A 16 × 16 icon: two curves on a dark square, the train accuracy (rising to the top) above
/// the test accuracy (levelling off lower) — what the page draws, in miniature.
fn favicon_ico() -> Vec<u8> {
    let n = ICON_SIZE;
    let pixel_bytes = n * n * 4;
    let mask_bytes = n * 4; // one bit a pixel, rows padded to 4 bytes
    let image_bytes = 40 + pixel_bytes + mask_bytes;
    let mut ico = Vec::with_capacity(6 + 16 + image_bytes);
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type icon, one image
    ico.extend_from_slice(&[n as u8, n as u8, 0, 0, 1, 0, 32, 0]); // size, no palette, 32 bpp
    ico.extend_from_slice(&(image_bytes as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes()); // offset of the image
    // BITMAPINFOHEADER: the height counts the colour rows and the mask rows.
    for value in [40u32, n as u32, 2 * n as u32] {
        ico.extend_from_slice(&value.to_le_bytes());
    }
    ico.extend_from_slice(&1u16.to_le_bytes());
    ico.extend_from_slice(&32u16.to_le_bytes());
    ico.extend_from_slice(&[0; 24]);
    for row in 0..n {
        let y = row as f64; // bitmaps store the bottom row first
        for x in 0..n {
            let t = x as f64 / (n - 1) as f64;
            let train = 2.0 + 11.5 * (1.0 - (-4.0 * t).exp());
            let test = 2.0 + 8.5 * (1.0 - (-6.0 * t).exp());
            let bgra = if (y - train).abs() < 0.9 {
                [0xe8, 0x8a, 0x1f, 0xff] // blue
            } else if (y - test).abs() < 0.9 {
                [0x22, 0x7f, 0xff, 0xff] // orange
            } else {
                [0x30, 0x26, 0x1e, 0xff] // dark
            };
            ico.extend_from_slice(&bgra);
        }
    }
    ico.extend(std::iter::repeat_n(0, mask_bytes));
    ico
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_well_formed_16_pixel_ico() {
        let ico = favicon_ico();
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        let size = u32::from_le_bytes(ico[14..18].try_into().unwrap()) as usize;
        assert_eq!(ico.len(), 22 + size);
        assert_eq!(ico[22], 40, "a BITMAPINFOHEADER follows the directory");
    }
}
