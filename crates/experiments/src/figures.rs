//! The figures, drawn with plotters into SVG files written atomically: the book's
//! accuracy-against-epochs chart (fig. 6-20 to 6-23: train as circles, test as squares, a marker
//! every 10 epochs, y from 0 to 1, legend lower right), loss charts (fig. 6-9, 6-15) and grids of
//! small accuracy charts (fig. 6-19, 6-21/6-23, 6-24).

use crate::messages::{Lang, Message};
use crate::results::write_atomically;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A figure that could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// plotters failed.
    #[error("drawing the figure failed: {0}")]
    Draw(String),
    /// The SVG file could not be written.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, FigureError>;

/// Marker shape of a series (the book: `o` for train, `s` for test).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// `o`, the book's training curves.
    Circle,
    /// `s`, the book's test curves.
    Square,
}

/// One curve: (epoch, accuracy) points.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// (epoch, accuracy) points.
    pub points: Vec<(f64, f64)>,
    /// Marker shape.
    pub marker: Marker,
    /// Line and marker colour.
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

/// Draws `series` into an SVG at `path`, written atomically (temporary file, then rename), its
/// axes labelled in `lang`.
pub fn accuracy_chart(path: &Path, title: &str, series: &[Series], lang: Lang) -> Result<()> {
    write(path, &accuracy_svg(title, series, lang)?)
}

/// The SVG of [`accuracy_chart`], in memory (the lab draws it per request, in the page's
/// language).
pub fn accuracy_svg(title: &str, series: &[Series], lang: Lang) -> Result<String> {
    let x_desc = Message::new("figure.axis.epochs").render(lang);
    let y_desc = Message::new("figure.axis.accuracy").render(lang);
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
            .x_desc(x_desc)
            .x_label_formatter(&|epoch| format!("{epoch:.0}"))
            .y_desc(y_desc)
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
    Ok(svg)
}

/// A small square marker centred on `point`, in data coordinates.
fn square_around((x, y): (f64, f64), max_epoch: f64) -> [(f64, f64); 2] {
    let half_x = max_epoch * 0.006;
    let half_y = 0.008;
    [(x - half_x, y - half_y), (x + half_x, y + half_y)]
}

fn plot_error<E: std::fmt::Debug>(error: E) -> FigureError {
    FigureError::Draw(format!("{error:?}"))
}

/// One curve of a chart.
pub struct Line {
    /// Legend text.
    pub label: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub color: RGBColor,
}

/// One small chart of a grid.
pub struct Panel {
    /// Caption.
    pub title: String,
    /// Curves.
    pub lines: Vec<Line>,
}

/// The `index`-th colour of the palette (wrapping).
pub fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Colour of training curves in the accuracy panels.
pub const TRAIN: RGBColor = PALETTE[0];
/// Colour of test / validation curves in the accuracy panels.
pub const TEST: RGBColor = PALETTE[1];

/// Axes of a chart.
pub struct Axes<'a> {
    /// x axis label.
    pub x_desc: &'a str,
    /// y axis label.
    pub y_desc: &'a str,
    /// y range shown (values outside are clipped).
    pub y_range: Range<f64>,
    /// Legend in the lower right (accuracy) rather than the upper right (loss).
    pub legend_low: bool,
}

/// Lines over iterations in one chart (the book's loss figures: y from 0, legend upper right).
pub fn line_chart(path: &Path, title: &str, axes: &Axes, lines: &[Line]) -> Result<()> {
    let svg = render((820, 560), |root| {
        let root = root.titled(title, ("sans-serif", 18))?;
        draw_panel(&root, "", axes, lines, true, 14)
    })?;
    write(path, &svg)
}

/// Panels in a grid of `columns` columns under one title; every panel has the same axes.
/// Legends are drawn in the first panel only when there are more than four panels.
pub fn panel_grid(
    path: &Path,
    title: &str,
    columns: usize,
    axes: &Axes,
    panels: &[Panel],
) -> Result<()> {
    let columns = columns.max(1);
    let rows = panels.len().div_ceil(columns).max(1);
    let cell = if panels.len() > 4 {
        (260, 200)
    } else {
        (480, 400)
    };
    let size = (cell.0 * columns as u32, cell.1 * rows as u32 + 40);
    let svg = render(size, |root| {
        let root = root.titled(title, ("sans-serif", 20))?;
        let cells = root.split_evenly((rows, columns));
        for (index, (panel, area)) in panels.iter().zip(cells.iter()).enumerate() {
            let legend = index == 0 || panels.len() <= 4;
            let font = if panels.len() > 4 { 11 } else { 14 };
            draw_panel(area, &panel.title, axes, &panel.lines, legend, font)?;
        }
        Ok(())
    })?;
    write(path, &svg)
}

type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn render(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root).map_err(|error| FigureError::Draw(error.to_string()))?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    axes: &Axes,
    lines: &[Line],
    legend: bool,
    font: u32,
) -> DrawResult {
    let max_x = lines
        .iter()
        .flat_map(|line| line.points.iter().map(|&(x, _)| x))
        .fold(1.0f64, f64::max);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(8)
        .x_label_area_size(font * 2 + 8)
        .y_label_area_size(font * 3 + 8);
    if !title.is_empty() {
        builder.caption(title, ("sans-serif", font + 1));
    }
    let mut chart = builder.build_cartesian_2d(0.0..max_x, axes.y_range.clone())?;
    chart
        .configure_mesh()
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .label_style(("sans-serif", font - 2))
        .axis_desc_style(("sans-serif", font))
        .x_labels(5)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(6)
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    for line in lines {
        let color = line.color;
        let clipped = line
            .points
            .iter()
            .filter(|(_, y)| y.is_finite())
            .map(|&(x, y)| (x, y.clamp(axes.y_range.start, axes.y_range.end)));
        let series = chart.draw_series(LineSeries::new(clipped, color.stroke_width(2)))?;
        if legend {
            series.label(&line.label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
            });
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .position(if axes.legend_low {
                SeriesLabelPosition::LowerRight
            } else {
                SeriesLabelPosition::UpperRight
            })
            .label_font(("sans-serif", font))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()?;
    }
    Ok(())
}

fn write(path: &Path, svg: &str) -> Result<()> {
    write_atomically(path, svg.as_bytes()).map_err(|source| FigureError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// One panel of a contour figure: a path drawn with its points.
pub struct ContourPanel {
    /// Caption.
    pub title: String,
    /// The path, one point per step.
    pub path: Line,
}

/// Panels in a 2×2 grid over x, y ∈ [−10, 10] (the book's fig. 6-8): the same grey contour
/// lines in each, a path with a marker per point, the minimum marked with `+`.
pub fn contour_grid(
    path: &Path,
    title: &str,
    contours: &[Vec<(f64, f64)>],
    panels: &[ContourPanel],
) -> Result<()> {
    let columns = 2;
    let rows = panels.len().div_ceil(columns).max(1);
    let size = (900, 440 * rows as u32 + 40);
    let svg = render(size, |root| {
        let root = root.titled(title, ("sans-serif", 20))?;
        let cells = root.split_evenly((rows, columns));
        for (panel, area) in panels.iter().zip(cells.iter()) {
            draw_contour_panel(area, contours, panel)?;
        }
        Ok(())
    })?;
    write(path, &svg)
}

fn draw_contour_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    contours: &[Vec<(f64, f64)>],
    panel: &ContourPanel,
) -> DrawResult {
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .caption(&panel.title, ("sans-serif", 16))
        .x_label_area_size(30)
        .y_label_area_size(36)
        .build_cartesian_2d(-10.0..10.0, -10.0..10.0)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let grey = RGBColor(150, 150, 150);
    for contour in contours {
        chart.draw_series(LineSeries::new(
            contour.iter().copied(),
            grey.stroke_width(1),
        ))?;
    }
    let color = panel.path.color;
    let inside = |&(x, y): &(f64, f64)| (-10.0..=10.0).contains(&x) && (-10.0..=10.0).contains(&y);
    let points: Vec<(f64, f64)> = panel.path.points.iter().copied().filter(inside).collect();
    chart.draw_series(LineSeries::new(
        points.iter().copied(),
        color.stroke_width(2),
    ))?;
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    chart.draw_series(std::iter::once(Cross::new(
        (0.0, 0.0),
        6,
        BLACK.stroke_width(2),
    )))?;
    Ok(())
}

/// One row of a histogram figure: a histogram per layer over the same range.
pub struct HistogramRow {
    /// Row caption, e.g. `Xavier (sigmoid)`.
    pub title: String,
    /// The x range of the bins.
    pub range: (f64, f64),
    /// Counts per layer, equal-width bins over `range`.
    pub counts: Vec<Vec<u64>>,
    /// The y axis ends here (the book clips ReLU's); `None`: at the largest count.
    pub y_max: Option<u64>,
}

/// Rows of histograms, one panel per layer (the book's fig. 6-10 … 6-14).
pub fn histogram_grid(path: &Path, title: &str, rows: &[HistogramRow]) -> Result<()> {
    let columns = rows
        .iter()
        .map(|row| row.counts.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let size = (200 * columns as u32, 190 * rows.len().max(1) as u32 + 40);
    let svg = render(size, |root| {
        let root = root.titled(title, ("sans-serif", 18))?;
        let bands = root.split_evenly((rows.len().max(1), 1));
        for (row, band) in rows.iter().zip(bands.iter()) {
            let cells = band.split_evenly((1, columns));
            for (layer, (counts, cell)) in row.counts.iter().zip(cells.iter()).enumerate() {
                let caption = format!("{}, layer {}", row.title, layer + 1);
                draw_histogram(cell, &caption, row.range, counts, row.y_max)?;
            }
        }
        Ok(())
    })?;
    write(path, &svg)
}

fn draw_histogram(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    caption: &str,
    (low, high): (f64, f64),
    counts: &[u64],
    y_max: Option<u64>,
) -> DrawResult {
    let top = y_max
        .unwrap_or_else(|| counts.iter().copied().max().unwrap_or(1))
        .max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(6)
        .caption(caption, ("sans-serif", 11))
        .x_label_area_size(18)
        .y_label_area_size(36)
        .build_cartesian_2d(low..high, 0.0..top * 1.05)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 9))
        .x_labels(3)
        .y_labels(4)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let width = (high - low) / counts.len().max(1) as f64;
    let color = PALETTE[0];
    chart.draw_series(counts.iter().enumerate().map(|(bin, &count)| {
        let left = low + width * bin as f64;
        let height = (count as f64).min(top * 1.05);
        Rectangle::new([(left, 0.0), (left + width, height)], color.filled())
    }))?;
    Ok(())
}

/// Points with intervals: `(x, low, mean, high)` each, joined by a line.
pub struct IntervalSeries {
    /// Legend text.
    pub label: String,
    /// `(x, low, mean, high)` per point.
    pub points: Vec<(f64, f64, f64, f64)>,
    /// Colour.
    pub color: RGBColor,
}

/// One chart of an interval figure.
pub struct IntervalPanel {
    /// Caption.
    pub title: String,
    /// y axis label.
    pub y_desc: String,
    /// The series.
    pub series: Vec<IntervalSeries>,
}

/// Charts side by side of means with their intervals as error bars against a setting (the
/// dropout sweep: accuracy and gap against the ratio), with a dashed vertical line at `mark`.
pub fn interval_panels(
    path: &Path,
    title: &str,
    x_desc: &str,
    panels: &[IntervalPanel],
    mark: Option<(f64, &str)>,
) -> Result<()> {
    let size = (520 * panels.len().max(1) as u32, 480);
    let svg = render(size, |root| {
        let root = root.titled(title, ("sans-serif", 16))?;
        let cells = root.split_evenly((1, panels.len().max(1)));
        for (panel, area) in panels.iter().zip(cells.iter()) {
            draw_interval_panel(area, x_desc, panel, mark)?;
        }
        Ok(())
    })?;
    write(path, &svg)
}

/// The range of `values` widened by a tenth of its span on each side (0.01 at least).
fn padded_range(values: impl Iterator<Item = f64>) -> Range<f64> {
    let (low, high) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if low > high {
        return 0.0..1.0;
    }
    let pad = ((high - low) / 10.0).max(0.01);
    low - pad..high + pad
}

fn draw_interval_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    x_desc: &str,
    panel: &IntervalPanel,
    mark: Option<(f64, &str)>,
) -> DrawResult {
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let x_range = padded_range(points().map(|p| p.0).chain(mark.map(|m| m.0)));
    let y_range = padded_range(points().flat_map(|p| [p.1, p.3]));
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .caption(&panel.title, ("sans-serif", 15))
        .x_label_area_size(34)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range, y_range.clone())?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(panel.y_desc.as_str())
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    if let Some((x, label)) = mark {
        let grey = RGBColor(120, 120, 120);
        let dashes = dashed_vertical(x, y_range.clone());
        chart
            .draw_series(
                dashes
                    .into_iter()
                    .map(|d| PathElement::new(d, grey.stroke_width(1))),
            )?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], grey.stroke_width(1)));
    }
    for series in &panel.series {
        let color = series.color;
        let finite = |v: f64| v.clamp(y_range.start, y_range.end);
        chart
            .draw_series(LineSeries::new(
                series.points.iter().map(|p| (p.0, p.2)),
                color.stroke_width(2),
            ))?
            .label(&series.label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(series.points.iter().map(|&(x, low, _, high)| {
            PathElement::new([(x, finite(low)), (x, finite(high))], color.stroke_width(1))
        }))?;
        chart.draw_series(
            series
                .points
                .iter()
                .map(|&(x, _, mean, _)| Circle::new((x, mean), 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", 12))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

/// Short segments along x = `x` across `y`: a dashed line.
fn dashed_vertical(x: f64, y: Range<f64>) -> Vec<Vec<(f64, f64)>> {
    let step = (y.end - y.start) / 40.0;
    (0..20)
        .map(|i| {
            let start = y.start + 2.0 * step * f64::from(i);
            vec![(x, start), (x, start + step)]
        })
        .collect()
}
