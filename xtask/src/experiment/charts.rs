//! The experiments' figures, drawn like `crate::plot` draws the train command's: a loss chart
//! (fig. 6-9, 6-15) and a grid of small accuracy charts (fig. 6-19, 6-21/6-23, 6-24).

use crate::plot::PALETTE;
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;
use std::path::Path;

/// One curve of a chart.
pub struct Line {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
}

/// One small chart of a grid.
pub struct Panel {
    pub title: String,
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
    pub x_desc: &'a str,
    pub y_desc: &'a str,
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

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn render(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root).map_err(|error| anyhow::anyhow!("drawing the figure failed: {error}"))?;
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
    crate::results::write_atomically(path, svg.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

fn plot_error<E: std::fmt::Debug>(error: E) -> anyhow::Error {
    anyhow::anyhow!("drawing the figure failed: {error:?}")
}
