#include "storage/table_export.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <system_error>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>
#include <xlsxwriter.h>

#include "storage/text_encoding.hpp"

namespace callqc::storage {
namespace {

StorageError inputError(const std::filesystem::path& path, std::string_view what) {
    return {StorageError::Kind::Input, fmt::format("{}: {}", path.string(), what)};
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Whether all of `text` reads as one number ("12", "-3.5", "1e3"); not "", " 1" or "12 s".
bool isNumber(std::string_view text, double* value = nullptr) {
    double parsed = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, parsed);
    if (text.empty() || error != std::errc{} || stop != end || !std::isfinite(parsed)) {
        return false;
    }
    if (value != nullptr) {
        *value = parsed;
    }
    return true;
}

/// The temporary file a format writes before it is renamed to `path`; removed unless kept.
class TempFile {
public:
    explicit TempFile(const std::filesystem::path& path)
        : m_target(path), m_temp(path.string() + ".part") {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!m_kept) {
            std::error_code ignored;
            std::filesystem::remove(m_temp, ignored);
        }
    }
    [[nodiscard]] const std::filesystem::path& path() const { return m_temp; }

    [[nodiscard]] Result<void> keep() {
        std::error_code ec;
        std::filesystem::rename(m_temp, m_target, ec);
        if (ec) {
            return tl::unexpected(inputError(m_target, "cannot be written: " + ec.message()));
        }
        m_kept = true;
        return {};
    }

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    bool m_kept = false;
};

// ---- CSV ------------------------------------------------------------------------------------

void appendCsvCell(std::string& out, const std::string& cell, bool numeric) {
    std::string_view text = cell;
    const bool formulaLike = !numeric && !text.empty() &&
                             (text.front() == '=' || text.front() == '+' || text.front() == '-' ||
                              text.front() == '@' || text.front() == '\t');
    const bool quoted = text.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quoted) {
        out += '"';
    }
    if (formulaLike) {
        out += '\'';
    }
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    if (quoted) {
        out += '"';
    }
}

Result<void> writeCsv(const ExportTable& table, const std::filesystem::path& path,
                      const std::filesystem::path& temp) {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) {
        return tl::unexpected(inputError(path, "cannot be created"));
    }
    std::string line = "\xEF\xBB\xBF";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (c > 0) {
            line += ',';
        }
        appendCsvCell(line, table.columns[c].heading, false);
    }
    line += "\r\n";
    for (const auto& row : table.rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c > 0) {
                line += ',';
            }
            appendCsvCell(line, row[c], table.columns[c].numeric && isNumber(row[c]));
        }
        line += "\r\n";
        if (line.size() > (1U << 16U)) {
            file.write(line.data(), static_cast<std::streamsize>(line.size()));
            line.clear();
        }
    }
    file.write(line.data(), static_cast<std::streamsize>(line.size()));
    file.close();
    if (!file) {
        return tl::unexpected(inputError(path, "could not be written in full (is the disk full?)"));
    }
    return {};
}

// ---- XLSX -----------------------------------------------------------------------------------

/// Display width of UTF-8 text in spreadsheet columns: a CJK character counts as two.
double displayWidth(std::string_view text) {
    return static_cast<double>(displayColumns(text));
}

/// A sheet name Excel accepts: none of []:*?/\, at most 31 characters, not empty.
std::string sheetName(std::string_view title) {
    std::string name;
    int characters = 0;
    for (std::size_t i = 0; i < title.size() && characters < 31;) {
        const auto byte = static_cast<unsigned char>(title[i]);
        const std::size_t length = byte < 0x80U ? 1 : byte >= 0xF0U ? 4 : byte >= 0xE0U ? 3 : 2;
        const std::string_view character = title.substr(i, length);
        i += length;
        if (character.size() == 1 &&
            std::string_view("[]:*?/\\'").find(character[0]) != std::string_view::npos) {
            continue;
        }
        name += character;
        ++characters;
    }
    return name.empty() ? std::string("Sheet1") : name;
}

/// Fills a new workbook; the caller closes it (which writes the file) whatever this returns.
Result<void> fillWorkbook(lxw_workbook* book, const ExportTable& table,
                          const std::filesystem::path& path) {
    std::string title = table.title; // libxlsxwriter's properties are not const
    std::string comments = "CallQC Station";
    lxw_doc_properties properties{};
    properties.title = title.data();
    properties.comments = comments.data();
    workbook_set_properties(book, &properties);

    const std::string name = sheetName(table.title);
    lxw_worksheet* sheet = workbook_add_worksheet(book, name.c_str());
    if (sheet == nullptr) {
        sheet = workbook_add_worksheet(book, "Sheet1");
    }
    lxw_format* titleFormat = workbook_add_format(book);
    format_set_bold(titleFormat);
    format_set_font_size(titleFormat, 14);
    lxw_format* noteFormat = workbook_add_format(book);
    format_set_font_color(noteFormat, 0x606060);
    lxw_format* headingFormat = workbook_add_format(book);
    format_set_bold(headingFormat);
    format_set_bottom(headingFormat, LXW_BORDER_THIN);
    format_set_bg_color(headingFormat, 0xE8E8E8);

    const auto columns = static_cast<lxw_col_t>(table.columns.size());
    for (lxw_col_t c = 0; c < columns; ++c) {
        double width = displayWidth(table.columns[c].heading);
        for (std::size_t r = 0; r < std::min<std::size_t>(table.rows.size(), 1000); ++r) {
            width = std::max(width, displayWidth(table.rows[r][c]));
        }
        (void)worksheet_set_column(sheet, c, c, std::clamp(width + 2, 6.0, 60.0), nullptr);
    }

    const auto cellError = [&](lxw_error error, std::size_t row, std::size_t column) {
        return tl::unexpected(
            inputError(path, fmt::format("row {}, column \"{}\": {}", row + 1,
                                         table.columns[column].heading, lxw_strerror(error))));
    };
    lxw_row_t at = 0;
    if (!table.title.empty()) {
        (void)worksheet_write_string(sheet, at++, 0, table.title.c_str(), titleFormat);
    }
    for (const auto& note : table.notes) {
        (void)worksheet_write_string(sheet, at++, 0, note.c_str(), noteFormat);
    }
    if (at > 0) {
        ++at; // a blank row between the notes and the table
    }
    const lxw_row_t headingRow = at;
    for (lxw_col_t c = 0; c < columns; ++c) {
        if (auto error = worksheet_write_string(sheet, at, c, table.columns[c].heading.c_str(),
                                                headingFormat);
            error != LXW_NO_ERROR) {
            return cellError(error, 0, c);
        }
    }
    ++at;
    for (std::size_t r = 0; r < table.rows.size(); ++r, ++at) {
        const auto& row = table.rows[r];
        for (lxw_col_t c = 0; c < columns; ++c) {
            double number = 0;
            lxw_error error = LXW_NO_ERROR;
            if (table.columns[c].numeric && isNumber(row[c], &number)) {
                error = worksheet_write_number(sheet, at, c, number, nullptr);
            } else if (!row[c].empty()) {
                error = worksheet_write_string(sheet, at, c, row[c].c_str(), nullptr);
            }
            if (error != LXW_NO_ERROR) {
                return cellError(error, r + 1, c);
            }
        }
    }
    if (columns > 0) {
        (void)worksheet_freeze_panes(sheet, headingRow + 1, 0);
        (void)worksheet_autofilter(sheet, headingRow, 0, std::max(headingRow, at - 1), columns - 1);
    }
    return {};
}

Result<void> writeXlsx(const ExportTable& table, const std::filesystem::path& path,
                       const std::filesystem::path& temp) {
    if (table.rows.size() > kMaxXlsxRows) {
        return tl::unexpected(inputError(
            path, fmt::format("{} rows are more than an XLSX sheet holds ({}); export CSV",
                              table.rows.size(), kMaxXlsxRows)));
    }
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE; // rows go straight to disk: any size in little memory
    lxw_workbook* book = workbook_new_opt(temp.c_str(), &options);
    if (book == nullptr) {
        return tl::unexpected(inputError(path, "cannot be created"));
    }
    auto filled = fillWorkbook(book, table, path);
    const lxw_error closed = workbook_close(book); // writes the file and frees the workbook
    if (!filled) {
        return filled;
    }
    if (closed != LXW_NO_ERROR) {
        return tl::unexpected(
            inputError(path, fmt::format("cannot be written: {}", lxw_strerror(closed))));
    }
    return {};
}

// ---- PDF ------------------------------------------------------------------------------------

constexpr double kPageWidth = 841.89; // A4 landscape, points
constexpr double kPageHeight = 595.28;
constexpr double kMargin = 36;
constexpr double kCellPadding = 4;          // left and right of a cell's text
constexpr double kRowPadding = 2;           // above and below it
constexpr std::size_t kMeasuredRows = 2000; // column widths follow the first rows

/// Valid UTF-8 for pango: invalid bytes become U+FFFD instead of dropping the whole text.
std::string validUtf8(const std::string& text) {
    if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
        return text;
    }
    gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
    std::string out(valid);
    g_free(valid);
    return out;
}

struct PdfWriter {
    cairo_t* cr = nullptr;
    PangoLayout* layout = nullptr;

    /// Sets the layout's text and font; width <= 0: unbounded, else ellipsized to it.
    void set(const std::string& text, const PangoFontDescription* font, double width,
             PangoAlignment align = PANGO_ALIGN_LEFT) {
        pango_layout_set_font_description(layout, font);
        pango_layout_set_text(layout, validUtf8(text).c_str(), -1);
        pango_layout_set_width(layout, width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
        pango_layout_set_ellipsize(layout, width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
        pango_layout_set_alignment(layout, align);
    }
    [[nodiscard]] double width() const {
        int w = 0;
        int h = 0;
        pango_layout_get_size(layout, &w, &h);
        return static_cast<double>(w) / PANGO_SCALE;
    }
    [[nodiscard]] double height() const {
        int w = 0;
        int h = 0;
        pango_layout_get_size(layout, &w, &h);
        return static_cast<double>(h) / PANGO_SCALE;
    }
    void show(double x, double y) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, layout);
    }
};

/// Column widths that fit `available`: columns narrower than an even share keep their natural
/// width, the others share what is left in proportion to theirs.
std::vector<double> fitWidths(std::vector<double> natural, double available) {
    double total = 0;
    for (const double w : natural) {
        total += w;
    }
    if (total <= available || natural.empty()) {
        return natural;
    }
    std::vector<bool> fixed(natural.size(), false);
    double left = available;
    bool changed = true;
    while (changed) {
        changed = false;
        double wide = 0;
        std::size_t open = 0;
        for (std::size_t i = 0; i < natural.size(); ++i) {
            if (!fixed[i]) {
                wide += natural[i];
                ++open;
            }
        }
        if (open == 0) {
            break;
        }
        const double share = left / static_cast<double>(open);
        for (std::size_t i = 0; i < natural.size(); ++i) {
            if (!fixed[i] && natural[i] <= share) {
                fixed[i] = true;
                left -= natural[i];
                changed = true;
            }
        }
        if (!changed) {
            for (std::size_t i = 0; i < natural.size(); ++i) {
                if (!fixed[i]) {
                    natural[i] = left * natural[i] / wide;
                }
            }
        }
    }
    return natural;
}

Result<void> writePdf(const ExportTable& table, const std::filesystem::path& path,
                      const std::filesystem::path& temp) {
    if (table.rows.size() > kMaxPdfRows) {
        return tl::unexpected(inputError(
            path, fmt::format("{} rows are more than a PDF export takes ({}); narrow the search "
                              "or export CSV or XLSX",
                              table.rows.size(), kMaxPdfRows)));
    }
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_pdf_surface_create(temp.c_str(), kPageWidth, kPageHeight), cairo_surface_destroy);
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        return tl::unexpected(inputError(
            path, fmt::format("cannot be created: {}",
                              cairo_status_to_string(cairo_surface_status(surface.get())))));
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   validUtf8(table.title).c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "CallQC Station");
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()),
                                                          cairo_destroy);
    std::unique_ptr<PangoLayout, decltype(&g_object_unref)> layout(
        pango_cairo_create_layout(cr.get()), g_object_unref);
    using Font = std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)>;
    const Font body(pango_font_description_from_string("Noto Sans CJK SC 8"),
                    pango_font_description_free);
    const Font bold(pango_font_description_from_string("Noto Sans CJK SC Bold 8"),
                    pango_font_description_free);
    const Font heading(pango_font_description_from_string("Noto Sans CJK SC Bold 14"),
                       pango_font_description_free);
    const Font small(pango_font_description_from_string("Noto Sans CJK SC 7.5"),
                     pango_font_description_free);
    PdfWriter pdf{cr.get(), layout.get()};

    const std::size_t columns = table.columns.size();
    std::vector<double> natural(columns, 0);
    for (std::size_t c = 0; c < columns; ++c) {
        pdf.set(table.columns[c].heading, bold.get(), 0);
        natural[c] = pdf.width();
        for (std::size_t r = 0; r < std::min(table.rows.size(), kMeasuredRows); ++r) {
            pdf.set(table.rows[r][c], body.get(), 0);
            natural[c] = std::max(natural[c], pdf.width());
        }
        natural[c] += 2 * kCellPadding;
    }
    const std::vector<double> widths = fitWidths(natural, kPageWidth - 2 * kMargin);
    double tableWidth = 0;
    for (const double w : widths) {
        tableWidth += w;
    }
    pdf.set("国Ag", body.get(), 0);
    const double rowHeight = pdf.height() + 2 * kRowPadding;

    // The first page starts below the title and notes; the others at the top.
    double top = kMargin;
    pdf.set(table.title, heading.get(), kPageWidth - 2 * kMargin);
    const double titleHeight = table.title.empty() ? 0 : pdf.height() + 6;
    double notesHeight = 0;
    for (const auto& note : table.notes) {
        pdf.set(note, small.get(), kPageWidth - 2 * kMargin);
        notesHeight += pdf.height() + 2;
    }
    const double firstTop = top + titleHeight + notesHeight + (notesHeight > 0 ? 8 : 0);
    const double footer = 16;
    const double bottom = kPageHeight - kMargin - footer;
    const auto rowsFrom = [&](double y) {
        return std::max<std::size_t>(1, static_cast<std::size_t>((bottom - y) / rowHeight) - 1);
    };
    const std::size_t firstRows = rowsFrom(firstTop);
    const std::size_t laterRows = rowsFrom(top);
    const std::size_t pages = table.rows.size() <= firstRows
                                  ? 1
                                  : 1 + (table.rows.size() - firstRows + laterRows - 1) / laterRows;

    std::size_t next = 0;
    for (std::size_t page = 0; page < pages; ++page) {
        double y = top;
        if (page == 0) {
            cairo_set_source_rgb(cr.get(), 0, 0, 0);
            if (!table.title.empty()) {
                pdf.set(table.title, heading.get(), kPageWidth - 2 * kMargin);
                pdf.show(kMargin, y);
                y += titleHeight;
            }
            cairo_set_source_rgb(cr.get(), 0.35, 0.35, 0.35);
            for (const auto& note : table.notes) {
                pdf.set(note, small.get(), kPageWidth - 2 * kMargin);
                pdf.show(kMargin, y);
                y += pdf.height() + 2;
            }
            y = firstTop;
        }
        // Headings on a grey band.
        cairo_set_source_rgb(cr.get(), 0.91, 0.91, 0.91);
        cairo_rectangle(cr.get(), kMargin, y, tableWidth, rowHeight);
        cairo_fill(cr.get());
        cairo_set_source_rgb(cr.get(), 0, 0, 0);
        double x = kMargin;
        for (std::size_t c = 0; c < columns; ++c) {
            pdf.set(table.columns[c].heading, bold.get(), widths[c] - 2 * kCellPadding,
                    table.columns[c].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
            pdf.show(x + kCellPadding, y + kRowPadding);
            x += widths[c];
        }
        y += rowHeight;
        const std::size_t count = page == 0 ? firstRows : laterRows;
        for (std::size_t r = 0; r < count && next < table.rows.size(); ++r, ++next) {
            if (next % 2 == 1) {
                cairo_set_source_rgb(cr.get(), 0.97, 0.97, 0.97);
                cairo_rectangle(cr.get(), kMargin, y, tableWidth, rowHeight);
                cairo_fill(cr.get());
            }
            cairo_set_source_rgb(cr.get(), 0, 0, 0);
            x = kMargin;
            for (std::size_t c = 0; c < columns; ++c) {
                const std::string& cell = table.rows[next][c];
                const bool right = table.columns[c].numeric && isNumber(cell);
                pdf.set(cell, body.get(), widths[c] - 2 * kCellPadding,
                        right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
                pdf.show(x + kCellPadding, y + kRowPadding);
                x += widths[c];
            }
            y += rowHeight;
        }
        if (table.rows.empty() && page == 0) {
            cairo_set_source_rgb(cr.get(), 0.35, 0.35, 0.35);
            pdf.set("(无数据 no rows)", body.get(), 0);
            pdf.show(kMargin + kCellPadding, y + kRowPadding);
        }
        cairo_set_source_rgb(cr.get(), 0.35, 0.35, 0.35);
        pdf.set(fmt::format("{} / {}", page + 1, pages), small.get(), kPageWidth - 2 * kMargin,
                PANGO_ALIGN_CENTER);
        pdf.show(kMargin, kPageHeight - kMargin - footer + 4);
        cairo_show_page(cr.get());
    }
    layout.reset();
    cr.reset();
    cairo_surface_finish(surface.get());
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        return tl::unexpected(
            inputError(path, fmt::format("cannot be written: {}", cairo_status_to_string(status))));
    }
    return {};
}

} // namespace

std::string_view tableFormatName(TableFormat format) {
    switch (format) {
    case TableFormat::Csv:
        return "csv";
    case TableFormat::Xlsx:
        return "xlsx";
    case TableFormat::Pdf:
        return "pdf";
    }
    return "csv";
}

std::optional<TableFormat> tableFormatFromName(std::string_view name) {
    std::string folded;
    for (const char c : name) {
        folded += lower(c);
    }
    for (const auto format : {TableFormat::Csv, TableFormat::Xlsx, TableFormat::Pdf}) {
        if (folded == tableFormatName(format)) {
            return format;
        }
    }
    return std::nullopt;
}

std::optional<TableFormat> tableFormatOf(const std::filesystem::path& path) {
    const std::string extension = path.extension().string();
    if (extension.size() < 2) {
        return std::nullopt;
    }
    return tableFormatFromName(std::string_view(extension).substr(1));
}

Result<void> writeTable(const ExportTable& table, const std::filesystem::path& path,
                        TableFormat format) {
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (table.rows[r].size() != table.columns.size()) {
            return tl::unexpected(
                inputError(path, fmt::format("row {} has {} cells for {} columns", r + 1,
                                             table.rows[r].size(), table.columns.size())));
        }
    }
    if (const std::filesystem::path folder = path.parent_path();
        !folder.empty() && !std::filesystem::is_directory(folder)) {
        return tl::unexpected(
            inputError(path, fmt::format("the folder {} does not exist", folder.string())));
    }
    TempFile temp(path);
    Result<void> written;
    switch (format) {
    case TableFormat::Csv:
        written = writeCsv(table, path, temp.path());
        break;
    case TableFormat::Xlsx:
        written = writeXlsx(table, path, temp.path());
        break;
    case TableFormat::Pdf:
        written = writePdf(table, path, temp.path());
        break;
    }
    if (!written) {
        return written;
    }
    return temp.keep();
}

} // namespace callqc::storage
