//! The cells of an XLSX or ODS workbook for the disclosure check, read within bounds.
//!
//! A spreadsheet is a ZIP of XML, and calamine lays each sheet out as one dense grid
//! from its first to its last used cell: a 1.6 KB XLSX with a value in A1 and another
//! in XFD1048576 asked for 512 GiB and the allocation failure ended the whole server.
//! So before calamine reads a workbook, statreq unpacks it once counting (at most
//! [`MAX_UNPACKED_BYTES`], whatever the archive declares), reads an ODS sheet's repeat
//! counts to learn how many cells calamine would lay out, and reads an XLSX sheet cell by
//! cell into a grid of its own; a table past [`MAX_CELLS`] is refused, unread. So is one
//! whose cells hold more than [`MAX_TEXT_BYTES`] of text as laid out: a text is stored
//! once and laid out in every cell that shows it (an XLSX's shared string, an ODS cell's
//! repeats), so an 11 KB XLSX of one 4 MiB string in a thousand cells held 4 GB.

use std::io::{Cursor, Read};

use calamine::{Data, Reader};
use quick_xml::events::{BytesStart, Event};

use super::{AppError, AppResult, InputError};

/// The most of a stored table the check reads: a CSV, or a workbook as it is packed (a
/// statistical table is a small fraction; the transfer tests' 24 MiB CSV is checked).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most a workbook may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The most cells the check lays out over all sheets, each sheet from its first to its
/// last used row and column.
pub const MAX_CELLS: u64 = 1_000_000;
/// The most text the check lays out over all cells (as much as a workbook may unpack to,
/// or a CSV hold).
pub const MAX_TEXT_BYTES: u64 = MAX_UNPACKED_BYTES;

/// Each sheet's name and rows, as text (whole numbers without a decimal point, as a
/// spreadsheet shows them), from an XLSX (`ods` false) or ODS workbook.
pub fn sheets(bytes: Vec<u8>, ods: bool) -> AppResult<Vec<(String, Vec<Vec<String>>)>> {
    // calamine may panic on a malformed file (a cell reference of more digits than a u32
    // holds overflows in its arithmetic, where overflow is checked): that is a file it
    // cannot read, not a fault of the service.
    std::panic::catch_unwind(move || read(bytes, ods)).unwrap_or_else(|_| Err(unreadable(&"a part of it does not read")))
}

fn read(bytes: Vec<u8>, ods: bool) -> AppResult<Vec<(String, Vec<Vec<String>>)>> {
    unpacked_within(&bytes)?;
    if ods {
        ods_cells_within(&bytes)?;
        let mut book = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        let mut out = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            out.push((name, range.rows().map(|row| row.iter().map(text).collect()).collect()));
        }
        Ok(out)
    } else {
        xlsx_sheets(bytes)
    }
}

fn unreadable(e: &dyn std::fmt::Display) -> AppError {
    InputError::UnreadableTable { detail: e.to_string() }.into()
}

/// The refusal of a table past [`MAX_CELLS`], [`MAX_FILE_BYTES`], [`MAX_UNPACKED_BYTES`] or
/// [`MAX_TEXT_BYTES`] (the same number of MiB: the message names it once).
pub fn too_large() -> AppError {
    const MIB: u64 = 1024 * 1024;
    InputError::TableTooLarge { max_cells: MAX_CELLS, max_file_mib: MAX_FILE_BYTES / MIB, max_unpacked_mib: MAX_UNPACKED_BYTES / MIB }
        .into()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Unpacks every member of the archive, counting: refused past [`MAX_UNPACKED_BYTES`]
/// in all (a member may declare a size other than what it unpacks to).
fn unpacked_within(bytes: &[u8]) -> AppResult<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut left = MAX_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let member = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let read = std::io::copy(&mut member.take(left + 1), &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        left = left.checked_sub(read).ok_or_else(too_large)?;
    }
    Ok(())
}

/// An XLSX sheet by sheet, cell by cell, into grids of at most [`MAX_CELLS`] and
/// [`MAX_TEXT_BYTES`] of text in all.
fn xlsx_sheets(bytes: Vec<u8>) -> AppResult<Vec<(String, Vec<Vec<String>>)>> {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut left = MAX_CELLS;
    let mut text_left = MAX_TEXT_BYTES;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let mut cells = book.worksheet_cells_reader(&name).map_err(|e| unreadable(&e))?;
        let mut used: Vec<((u32, u32), String)> = Vec::new();
        let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
        while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty {
                continue;
            }
            let (row, col) = cell.get_position();
            (first, last) = ((first.0.min(row), first.1.min(col)), (last.0.max(row), last.1.max(col)));
            if used.len() as u64 >= left || area(first, last) > left {
                return Err(too_large());
            }
            let value = text(&value);
            text_left = text_left.checked_sub(value.len() as u64).ok_or_else(too_large)?;
            used.push(((row, col), value));
        }
        if used.is_empty() {
            out.push((name, Vec::new()));
            continue;
        }
        left -= area(first, last);
        let width = (last.1 - first.1 + 1) as usize;
        let mut rows = vec![vec![String::new(); width]; (last.0 - first.0 + 1) as usize];
        for ((row, col), value) in used {
            rows[(row - first.0) as usize][(col - first.1) as usize] = value;
        }
        out.push((name, rows));
    }
    Ok(out)
}

fn area(first: (u32, u32), last: (u32, u32)) -> u64 {
    (u64::from(last.0) + 1).saturating_sub(u64::from(first.0)) * (u64::from(last.1) + 1).saturating_sub(u64::from(first.1))
}

/// How many cells calamine lays out for an ODS workbook, counted from `content.xml`
/// before it reads it: a cell's `number-columns-repeated` and a row's
/// `number-rows-repeated` multiply what is there (empty ones at the end of a row, and
/// empty rows before the first and after the last used one, are not laid out), and a
/// text's `text:s` spaces are written out one by one; each cell's text is laid out as
/// many times as the cell and its row repeat. Refused past [`MAX_CELLS`] cells,
/// [`MAX_UNPACKED_BYTES`] spaces or [`MAX_TEXT_BYTES`] of text.
fn ods_cells_within(bytes: &[u8]) -> AppResult<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let content = archive.by_name("content.xml").map_err(|e| unreadable(&e))?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut count = OdsCount::default();
    // The cell with a value being read: where it starts, its repeats, the text it can hold.
    let mut open: Option<OdsCell> = None;
    let mut buf = Vec::new();
    loop {
        let at = xml.buffer_position();
        let event = xml.read_event_into(&mut buf).map_err(|e| unreadable(&e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                match e.name().as_ref() {
                    b"table:table-row" => count.row_starts(repeat(e, b"table:number-rows-repeated")?),
                    b"table:table-cell" | b"table:covered-table-cell" => {
                        let (repeats, value) = (repeat(e, b"table:number-columns-repeated")?, has_value(e));
                        count.cell(repeats, value);
                        if value {
                            let cell = OdsCell::starts(e, at, repeats);
                            match event {
                                Event::Empty(_) => count.cell_text(cell.text(xml.buffer_position())),
                                // A cell within a cell is read as part of the outer one's text
                                // (up to the first cell's end, as calamine reads it).
                                _ if open.is_some() => {}
                                _ => open = Some(cell),
                            }
                        }
                    }
                    b"text:s" => {
                        let spaces = repeat(e, b"text:c")?;
                        count.spaces = count.spaces.saturating_add(spaces);
                        if let Some(cell) = &mut open {
                            cell.spaces = cell.spaces.saturating_add(spaces);
                        }
                    }
                    _ => {}
                }
                // A row written `<table:table-row/>` ends where it starts.
                if matches!(event, Event::Empty(_)) && e.name().as_ref() == b"table:table-row" {
                    count.row_ends();
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"table:table-cell" | b"table:covered-table-cell" => {
                    if let Some(cell) = open.take() {
                        count.cell_text(cell.text(xml.buffer_position()));
                    }
                }
                b"table:table-row" => count.row_ends(),
                b"table:table" => count.table_ends(),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if count.over() {
            return Err(too_large());
        }
        buf.clear();
    }
    count.table_ends();
    if count.over() {
        return Err(too_large());
    }
    Ok(())
}

/// A repeat count (1 when absent).
fn repeat(e: &BytesStart, name: &[u8]) -> AppResult<u64> {
    match e.try_get_attribute(name).map_err(|e| unreadable(&e))? {
        None => Ok(1),
        Some(a) => std::str::from_utf8(&a.value)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| unreadable(&"a repeat count that is no number")),
    }
}

/// Whether calamine may read a value into the cell (any value, a type or a formula).
fn has_value(e: &BytesStart) -> bool {
    e.attributes().flatten().any(|a| {
        matches!(
            a.key.as_ref(),
            b"office:value"
                | b"office:string-value"
                | b"office:date-value"
                | b"office:time-value"
                | b"office:boolean-value"
                | b"office:value-type"
                | b"table:formula"
        )
    })
}

/// A cell with a value, from its start tag: what calamine makes of it holds text when
/// it is a string, a date or a time (its element's text, spaces written out, or an
/// attribute: at most the element's bytes and its spaces), and a formula's.
struct OdsCell {
    from: u64,
    repeats: u64,
    textual: bool,
    formula: u64,
    spaces: u64,
}

impl OdsCell {
    fn starts(e: &BytesStart, from: u64, repeats: u64) -> OdsCell {
        let attribute = |name: &[u8]| e.attributes().flatten().find(|a| a.key.as_ref() == name);
        let textual = [&b"office:string-value"[..], b"office:date-value", b"office:time-value"].iter().any(|n| attribute(n).is_some())
            || attribute(b"office:value-type").is_some_and(|a| &*a.value == b"string");
        let formula = attribute(b"table:formula").map_or(0, |a| a.value.len() as u64);
        OdsCell { from, repeats, textual, formula, spaces: 0 }
    }

    /// The text laid out for it in its row, the cell ending at `to`.
    fn text(&self, to: u64) -> u64 {
        let one = if self.textual { to.saturating_sub(self.from).saturating_add(self.spaces) } else { 0 };
        one.saturating_add(self.formula).saturating_mul(self.repeats)
    }
}

/// What calamine's ODS reader lays out, as `content.xml` is read.
#[derive(Default)]
struct OdsCount {
    /// Cells read row by row before laying out (each row once, whatever its repeats).
    read: u64,
    /// Cells laid out by the tables done.
    laid_out: u64,
    spaces: u64,
    /// This row: its repeats, its cells up to its last with a value, empty ones since.
    row_repeats: u64,
    row_cells: u64,
    row_empty: u64,
    /// This table: its widest row, the rows from its first used one to its last, and
    /// the (empty) rows since its last used one.
    width: u64,
    height: u64,
    empty_rows: u64,
    /// Text laid out: this row's (once), and all rows' so far (each as often as it repeats).
    row_text: u64,
    text: u64,
}

impl OdsCount {
    fn row_starts(&mut self, repeats: u64) {
        (self.row_repeats, self.row_cells, self.row_empty, self.row_text) = (repeats, 0, 0, 0);
    }

    fn cell_text(&mut self, bytes: u64) {
        self.row_text = self.row_text.saturating_add(bytes);
    }

    fn cell(&mut self, repeats: u64, value: bool) {
        if value {
            self.row_cells = self.row_cells.saturating_add(self.row_empty).saturating_add(repeats);
            self.row_empty = 0;
        } else {
            self.row_empty = self.row_empty.saturating_add(repeats);
        }
    }

    fn row_ends(&mut self) {
        self.read = self.read.saturating_add(self.row_cells);
        self.text = self.text.saturating_add(self.row_text.saturating_mul(self.row_repeats));
        if self.row_cells == 0 {
            self.empty_rows = self.empty_rows.saturating_add(self.row_repeats);
        } else {
            if self.height > 0 {
                self.height = self.height.saturating_add(self.empty_rows);
            }
            self.height = self.height.saturating_add(self.row_repeats);
            self.width = self.width.max(self.row_cells);
            self.empty_rows = 0;
        }
        (self.row_repeats, self.row_cells, self.row_empty, self.row_text) = (1, 0, 0, 0);
    }

    fn table_ends(&mut self) {
        self.laid_out = self.laid_out.saturating_add(self.height.saturating_mul(self.width));
        (self.width, self.height, self.empty_rows) = (0, 0, 0);
    }

    fn over(&self) -> bool {
        self.read > MAX_CELLS
            || self.laid_out.saturating_add(self.height.saturating_mul(self.width)) > MAX_CELLS
            || self.spaces > MAX_UNPACKED_BYTES
            || self.text.saturating_add(self.row_text) > MAX_TEXT_BYTES
    }
}
