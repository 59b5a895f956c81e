//! A plain-text table with aligned columns that is also a Markdown table: what every bench
//! report prints and writes.

use std::fmt::Write as _;

/// Rows of `N` cells under a header of `N` titles.
pub struct Table<const N: usize> {
    header: [String; N],
    rows: Vec<[String; N]>,
}

impl<const N: usize> Table<N> {
    pub fn new(header: [&str; N]) -> Self {
        Self {
            header: header.map(str::to_string),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: [String; N]) {
        self.rows.push(cells);
    }

    /// Whether no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table, one line per row, each column as wide as its widest cell.
    pub fn render(&self) -> String {
        let widths = self.column_widths();
        let mut out = render_line(&self.header, &widths);
        let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
        let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
        for row in &self.rows {
            out.push_str(&render_line(row, &widths));
        }
        out
    }

    fn column_widths(&self) -> [usize; N] {
        let mut widths = [0; N];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        widths
    }
}

/// `| a | b |` with each cell padded to its column's width.
fn render_line<const N: usize>(cells: &[String; N], widths: &[usize; N]) -> String {
    let padded: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, &width)| format!("{cell:<width$}"))
        .collect();
    format!("| {} |\n", padded.join(" | "))
}

/// `60000` as `60,000`.
pub fn group_thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(["workload", "wall"]);
        table.row(["seed".into(), "1.57 s".into()]);
        table.row(["ch5 (×)".into(), "4.5 s".into()]);
        assert_eq!(
            table.render(),
            "| workload | wall   |\n\
             |----------|--------|\n\
             | seed     | 1.57 s |\n\
             | ch5 (×)  | 4.5 s  |\n"
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(300), "300");
        assert_eq!(group_thousands(3_000), "3,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_table_without_rows_is_its_header() {
        let table = Table::new(["a", "bb"]);
        assert_eq!(table.render(), "| a | bb |\n|---|----|\n");
    }
}
