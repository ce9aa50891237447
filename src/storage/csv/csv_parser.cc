// CSV (RFC 4180) into a columnar batch. The tokenizer hands out views into the file text; only
// cells with "" escapes are copied (into one reused buffer), and each cell goes straight into
// its typed column, so parsing allocates per column, not per cell.

#include <cstring>

#include "storage/batch/record_batch.h"
#include "storage/csv/text_ingest_internal.h"

namespace keel::csv {

namespace {

using batch::Column;
using batch::TypeId;

struct Cell {
  std::string_view text;
  bool quoted = false;
};

// Where a record starts: a byte offset and its 1-based line number.
struct Position {
  size_t offset = 0;
  int64_t line = 1;
};

class Tokenizer {
 public:
  Tokenizer(std::string_view text, char delimiter, Position start)
      : text_(text), delimiter_(delimiter), pos_(start.offset), line_(start.line) {}

  // Reads the next record into cells(); *got is false at the end of the text. Blank lines are
  // skipped (they carry no cells, so they cannot be rows of a multi-column file).
  Status Next(bool* got);
  const std::vector<Cell>& cells() const { return cells_; }
  // The line the last record started on.
  int64_t record_line() const { return record_line_; }
  Position position() const { return {pos_, line_}; }

 private:
  // One cell's bytes: a range of the text, or of scratch_ when "" escapes were removed.
  struct Span {
    size_t offset;
    size_t length;
    bool in_scratch;
    bool quoted;
  };
  Status ReadQuoted(Span* span);

  std::string_view text_;
  char delimiter_;
  size_t pos_;
  int64_t line_;
  int64_t record_line_ = 0;
  std::vector<Span> spans_;
  std::vector<Cell> cells_;
  std::string scratch_;
};

Status Tokenizer::Next(bool* got) {
  const size_t n = text_.size();
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  *got = pos_ < n;
  if (!*got) return Status::OK();
  record_line_ = line_;
  spans_.clear();
  scratch_.clear();
  while (true) {
    Span span{pos_, 0, false, false};
    if (pos_ < n && text_[pos_] == '"') {
      KEEL_RETURN_IF_ERROR(ReadQuoted(&span));
    } else {
      size_t p = pos_;
      while (p < n) {
        char c = text_[p];
        if (c == delimiter_ || c == '\n' || c == '\r') break;
        ++p;
      }
      span.length = p - pos_;
      pos_ = p;
    }
    spans_.push_back(span);
    if (spans_.size() > kMaxColumns) {
      return Status::LimitExceeded("line " + std::to_string(record_line_) + " has more than " +
                                   std::to_string(kMaxColumns) + " cells");
    }
    if (pos_ >= n) break;
    char c = text_[pos_];
    if (c == delimiter_) {
      ++pos_;
      continue;
    }
    // End of the record: LF, CRLF or a lone CR.
    ++pos_;
    if (c == '\r' && pos_ < n && text_[pos_] == '\n') ++pos_;
    ++line_;
    break;
  }
  // Views into scratch_ are taken only now that it has stopped growing.
  cells_.resize(spans_.size());
  for (size_t i = 0; i < spans_.size(); ++i) {
    const Span& s = spans_[i];
    std::string_view base = s.in_scratch ? std::string_view(scratch_) : text_;
    cells_[i] = Cell{base.substr(s.offset, s.length), s.quoted};
  }
  return Status::OK();
}

Status Tokenizer::ReadQuoted(Span* span) {
  const size_t n = text_.size();
  const int64_t start_line = line_;
  size_t p = pos_ + 1;
  span->quoted = true;
  span->offset = p;
  while (true) {
    const void* q = p < n ? std::memchr(text_.data() + p, '"', n - p) : nullptr;
    if (q == nullptr) {
      return Status::InvalidArgument("line " + std::to_string(start_line) +
                                     ": a quoted cell is not closed before the end of the file; "
                                     "close it with \" (write \"\" for a quote inside a cell)");
    }
    size_t quote = static_cast<const char*>(q) - text_.data();
    for (size_t k = p; k < quote; ++k) line_ += text_[k] == '\n';
    if (quote + 1 < n && text_[quote + 1] == '"') {
      // An escaped quote: from here on the cell is assembled in scratch_.
      if (!span->in_scratch) {
        span->in_scratch = true;
        span->offset = scratch_.size();
        scratch_.append(text_.substr(pos_ + 1, quote + 1 - (pos_ + 1)));
      } else {
        scratch_.append(text_.substr(p, quote + 1 - p));
      }
      p = quote + 2;
      continue;
    }
    if (span->in_scratch) {
      scratch_.append(text_.substr(p, quote - p));
      span->length = scratch_.size() - span->offset;
    } else {
      span->length = quote - span->offset;
    }
    pos_ = quote + 1;
    if (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
      return Status::InvalidArgument("line " + std::to_string(line_) +
                                     ": unexpected text after a closing quote; write \"\" " +
                                     "for a quote inside a quoted cell");
    }
    return Status::OK();
  }
}

// The header (or _c0, _c1, ... names) and where the data rows begin.
struct Layout {
  std::vector<std::string> names;
  Position data_start;
};

Result<Layout> ReadLayout(std::string_view text, const IngestOptions& options) {
  Layout layout;
  Tokenizer t(text, options.delimiter, {});
  bool got = false;
  KEEL_RETURN_IF_ERROR(t.Next(&got));
  if (!got) {
    return Status::InvalidArgument(
        options.header ? "the file is empty; a CSV file needs a header line naming its columns"
                       : "the file is empty; there are no rows to read");
  }
  if (options.header) {
    for (const Cell& c : t.cells()) layout.names.emplace_back(c.text);
    layout.data_start = t.position();
  } else {
    for (size_t i = 0; i < t.cells().size(); ++i) layout.names.push_back("_c" + std::to_string(i));
  }
  KEEL_RETURN_IF_ERROR(CheckColumnNames(layout.names));
  return layout;
}

Status WrongWidth(const Tokenizer& t, size_t expected) {
  return Status::InvalidArgument(
      "line " + std::to_string(t.record_line()) + " has " + std::to_string(t.cells().size()) +
      " cells, but the " + "file has " + std::to_string(expected) +
      " columns; quote cells that contain the delimiter or a line break");
}

bool IsNull(const Cell& c, const IngestOptions& options, TypeId type) {
  if (!options.null_value.empty() && c.text == options.null_value) return true;
  if (!c.text.empty()) return false;
  // "" is an empty string in a string column; elsewhere an empty cell has no value to hold.
  return !c.quoted || (type != TypeId::kString && type != TypeId::kBinary);
}

Result<batch::Schema> InferFromRows(std::string_view text, const Layout& layout,
                                    const IngestOptions& options) {
  std::vector<TypeGuess> guesses(layout.names.size());
  Tokenizer t(text, options.delimiter, layout.data_start);
  for (int64_t row = 0; row < options.infer_rows; ++row) {
    bool got = false;
    KEEL_RETURN_IF_ERROR(t.Next(&got));
    if (!got) break;
    if (t.cells().size() != guesses.size()) return WrongWidth(t, guesses.size());
    for (size_t j = 0; j < guesses.size(); ++j) {
      const Cell& c = t.cells()[j];
      if (c.text.empty() || (!options.null_value.empty() && c.text == options.null_value)) {
        continue;
      }
      guesses[j].ObserveText(c.text);
    }
  }
  batch::Schema schema;
  for (size_t j = 0; j < guesses.size(); ++j) {
    schema.fields.push_back({layout.names[j], guesses[j].Result(), true});
  }
  return schema;
}

// For each file column, the schema field it fills (-1: none). With a header, columns match by
// name; without one, by position.
Result<std::vector<int>> MapColumns(const Layout& layout, const batch::Schema& schema,
                                    const IngestOptions& options) {
  std::vector<int> map(layout.names.size(), -1);
  std::vector<bool> filled(schema.fields.size(), false);
  if (!options.header) {
    if (layout.names.size() != schema.fields.size()) {
      return Status::InvalidArgument("the file has " + std::to_string(layout.names.size()) +
                                     " columns but the schema has " +
                                     std::to_string(schema.fields.size()));
    }
  }
  for (size_t j = 0; j < layout.names.size(); ++j) {
    std::optional<size_t> f =
        options.header ? schema.FieldIndex(layout.names[j]) : std::optional<size_t>(j);
    if (!f) {
      return Status::InvalidArgument("column " + QuoteForMessage(layout.names[j]) +
                                     " of the file is not in the schema (" + schema.ToString() +
                                     "); remove it or add it to the schema");
    }
    map[j] = static_cast<int>(*f);
    filled[*f] = true;
  }
  for (size_t f = 0; f < filled.size(); ++f) {
    if (!filled[f] && !schema.fields[f].nullable) {
      return Status::InvalidArgument("column " + QuoteForMessage(schema.fields[f].name) +
                                     " is not nullable but the file has no such column");
    }
  }
  return map;
}

}  // namespace

Result<batch::Schema> InferCsvSchema(std::string_view text, const IngestOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Layout layout, ReadLayout(text, options));
  return InferFromRows(text, layout, options);
}

Result<batch::RecordBatch> ParseCsv(std::string_view text, const IngestOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Layout layout, ReadLayout(text, options));
  batch::Schema schema = options.schema;
  if (schema.fields.empty()) {
    KEEL_ASSIGN_OR_RETURN(schema, InferFromRows(text, layout, options));
  }
  KEEL_ASSIGN_OR_RETURN(std::vector<int> map, MapColumns(layout, schema, options));
  std::vector<bool> filled(schema.fields.size(), false);
  for (int f : map) filled[f] = true;

  batch::RecordBatch out = batch::RecordBatch::Make(schema);
  Tokenizer t(text, options.delimiter, layout.data_start);
  while (true) {
    bool got = false;
    KEEL_RETURN_IF_ERROR(t.Next(&got));
    if (!got) break;
    if (t.cells().size() != map.size()) return WrongWidth(t, map.size());
    for (size_t j = 0; j < map.size(); ++j) {
      const batch::Field& field = schema.fields[map[j]];
      Column* column = &out.columns[map[j]];
      const Cell& c = t.cells()[j];
      if (IsNull(c, options, field.type.id)) {
        if (!field.nullable) {
          return Status::InvalidArgument("line " + std::to_string(t.record_line()) + ", column " +
                                         QuoteForMessage(field.name) +
                                         ": the value is missing but the column is not nullable");
        }
        column->AppendNull();
      } else if (!AppendCell(c.text, column)) {
        return Status::InvalidArgument(
            "line " + std::to_string(t.record_line()) + ", column " + QuoteForMessage(field.name) +
            ": " + QuoteForMessage(c.text) + " is not a valid " + field.type.ToString() +
            "; fix the value or declare the column as string");
      }
    }
    for (size_t f = 0; f < filled.size(); ++f) {
      if (!filled[f]) out.columns[f].AppendNull();
    }
    ++out.num_rows;
  }
  return out;
}

}  // namespace keel::csv
