//! Accuracy-vs-epoch figures like the book's (fig. 6-20 to 6-23): train as circles, test as
//! squares, a marker every 10 epochs, y from 0 to 1, legend lower right. SVG via plotters.

use anyhow::{Context, Result};
use plotters::prelude::*;
use std::path::Path;

/// Marker shape of a series (the book: `o` for train, `s` for test).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
}

/// One curve: (epoch, accuracy) points.
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub marker: Marker,
    pub color: RGBColor,
}

/// Colours for successive runs in an overlay (matplotlib's first four).
pub const PALETTE: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
];

/// Every `MARK_EVERY`-th point gets a marker, like the book's `markevery=10`.
const MARK_EVERY: usize = 10;

/// Draws `series` into an SVG at `path`, written atomically (temporary file, then rename).
pub fn accuracy_chart(path: &Path, title: &str, series: &[Series]) -> Result<()> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let max_epoch = series
            .iter()
            .flat_map(|s| s.points.iter().map(|&(epoch, _)| epoch))
            .fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..max_epoch, 0.0..1.0)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("epochs")
            .x_label_formatter(&|epoch| format!("{epoch:.0}"))
            .y_desc("accuracy")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        for line in series {
            let color = line.color;
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(plot_error)?;
            let marked = line.points.iter().copied().step_by(MARK_EVERY);
            let legend_marker = line.marker;
            match line.marker {
                Marker::Circle => {
                    chart.draw_series(marked.map(|p| Circle::new(p, 4, color.filled())))
                }
                Marker::Square => chart.draw_series(
                    marked.map(|p| Rectangle::new(square_around(p, max_epoch), color.filled())),
                ),
            }
            .map_err(plot_error)?
            .label(&line.label)
            .legend(move |(x, y)| match legend_marker {
                Marker::Circle => Circle::new((x + 10, y), 4, color.filled()).into_dyn(),
                Marker::Square => {
                    Rectangle::new([(x + 6, y - 4), (x + 14, y + 4)], color.filled()).into_dyn()
                }
            });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    crate::results::write_atomically(path, svg.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// A small square marker centred on `point`, in data coordinates.
fn square_around((x, y): (f64, f64), max_epoch: f64) -> [(f64, f64); 2] {
    let half_x = max_epoch * 0.006;
    let half_y = 0.008;
    [(x - half_x, y - half_y), (x + half_x, y + half_y)]
}

fn plot_error<E: std::fmt::Debug>(error: E) -> anyhow::Error {
    anyhow::anyhow!("drawing the figure failed: {error:?}")
}
