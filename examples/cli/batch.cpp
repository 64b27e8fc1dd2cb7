#include "batch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "commands.hpp"

namespace kyc_cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kSchema = "kyc.batch_result";
constexpr int kSchemaVersion = 1;
// A manifest is a list of paths: 64 MiB is ~500,000 rows of long paths.
constexpr std::size_t kMaxManifestBytes = 64u << 20;
constexpr std::size_t kMaxManifestRows = 1'000'000;

// Stable error codes of lines that never reached the library (the others are the library's
// kyc::ErrorCode names, plus "internal" for unexpected failures).
constexpr const char* kInvalidJob = "invalid_job";
constexpr const char* kDuplicateId = "duplicate_id";

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> names{"face-match",     "photo-check", "doc-read",
                                              "doc-check",      "verify-package", "cheque-read",
                                              "micr-read"};
  return names;
}

bool is_kind(const std::string& name) {
  return std::find(kinds().begin(), kinds().end(), name) != kinds().end();
}

void batch_usage(std::ostream& out) {
  out << "usage: kyc batch FOLDER|MANIFEST.csv [--out RESULTS.ndjson] [--jobs N]\n"
         "                 [--kind face-match|photo-check|doc-read|doc-check|verify-package|\n"
         "                         cheque-read|micr-read]\n"
         "                 [--profile icao|us|uk|schengen|FILE.json] [--config FILE.json]\n"
         "                 [--progress auto|always|never] [--fail-fast] [--restart] [--quiet]\n"
         "  FOLDER        every regular file below it (subfolders included, hidden entries and\n"
         "                the --out file excluded, sorted by path) is one job, id = relative "
         "path;\n"
         "                kind: --kind, else *.zip -> verify-package, images -> photo-check\n"
         "  MANIFEST.csv  header id,kind,input[,input2][,applicant][,profile] (RFC 4180); paths\n"
         "                relative to the manifest's folder; ids unique\n"
         "  --out F       NDJSON results (default: stdout); an existing F is resumed: ids already\n"
         "                in it are skipped, a truncated last line is dropped and its job redone\n"
         "  --restart     empty an existing --out first instead of resuming\n"
         "  --jobs N      worker threads sharing one engine (default: hardware threads)\n"
         "  --progress    progress bar on stderr: auto = when stderr is a terminal\n"
         "  --fail-fast   stop taking jobs after the first error line\n"
         "  --quiet       no summary line on stderr\n"
         "exit codes: 0 all jobs ran (whatever their verdicts), 2 usage, 3 some jobs are error\n"
         "            lines or the batch could not start, 4 internal error, 130 interrupted\n"
         "            (SIGINT/SIGTERM: running jobs finish and are written; rerun to resume)\n";
}

enum class ProgressMode { automatic, always, never };

struct Options {
  std::string input;
  std::string out;  // empty: stdout
  unsigned jobs = 0;
  std::string kind;
  std::string profile = "icao";
  std::string config_path;
  ProgressMode progress = ProgressMode::automatic;
  bool fail_fast = false;
  bool restart = false;
  bool quiet = false;
};

unsigned parse_jobs(const std::string& text) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1 || value > 1024)
    throw std::invalid_argument("--jobs expects a number from 1 to 1024, got '" + text + "'");
  return static_cast<unsigned>(value);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--out" || a == "-o") {
      options.out = value();
    } else if (a == "--jobs" || a == "-j") {
      options.jobs = parse_jobs(value());
    } else if (a == "--kind") {
      options.kind = value();
      if (!is_kind(options.kind)) throw std::invalid_argument("unknown --kind " + options.kind);
    } else if (a == "--profile") {
      options.profile = value();
    } else if (a == "--config") {
      options.config_path = value();
    } else if (a == "--progress") {
      const std::string mode = value();
      if (mode == "auto") {
        options.progress = ProgressMode::automatic;
      } else if (mode == "always") {
        options.progress = ProgressMode::always;
      } else if (mode == "never") {
        options.progress = ProgressMode::never;
      } else {
        throw std::invalid_argument("--progress expects auto, always or never");
      }
    } else if (a == "--fail-fast") {
      options.fail_fast = true;
    } else if (a == "--restart") {
      options.restart = true;
    } else if (a == "--quiet" || a == "-q") {
      options.quiet = true;
    } else if (a.rfind("-", 0) == 0 && a.size() > 1) {
      throw std::invalid_argument("unknown option " + a);
    } else if (options.input.empty()) {
      options.input = a;
    } else {
      throw std::invalid_argument("batch takes one FOLDER or MANIFEST, got a second: " + a);
    }
  }
  if (options.input.empty()) throw std::invalid_argument("batch needs a FOLDER or a MANIFEST.csv");
  if (options.restart && options.out.empty()) throw std::invalid_argument("--restart needs --out");
  if (options.jobs == 0) options.jobs = std::max(1u, std::thread::hardware_concurrency());
  return options;
}

// --- jobs -------------------------------------------------------------------------------------

struct JobError {
  std::string code;
  std::string message;
  int exit_code = kExitInput;
};

struct Job {
  std::string id;
  std::size_t line = 0;  // manifest line where the row starts; 0 for a folder
  std::string kind;
  std::string input;
  std::string input2;
  std::string applicant;
  std::string profile;                    // empty: --profile
  std::optional<JobError> planned_error;  // a row that cannot run: written as its error line
};

/// The key under which a job's line is found when resuming. Duplicate-id error lines are keyed
/// by their row too, so that they neither hide the first row with that id nor repeat.
std::string resume_key(const std::string& id, std::size_t line, bool duplicate) {
  return duplicate ? id + "\n#" + std::to_string(line) : id;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string inferred_kind(const std::string& path) {
  static const std::set<std::string> images{".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
                                            ".tif", ".tiff", ".pnm", ".ppm", ".pgm", ".pbm"};
  const std::string ext = lower(fs::path(path).extension().string());
  if (ext == ".zip") return "verify-package";
  if (images.count(ext) != 0) return "photo-check";
  return {};
}

/// Checks that a job has the inputs its kind needs and nothing its kind ignores (a column that
/// would be silently ignored is a mistake in the manifest).
std::optional<std::string> job_shape_error(const Job& job) {
  if (job.kind.empty()) return std::string("no kind: give --kind or a kind column");
  if (!is_kind(job.kind)) return "unknown kind '" + job.kind + "'";
  if (job.input.empty()) return std::string("no input");
  const bool two_inputs = job.kind == "face-match";
  const bool optional_back = job.kind == "doc-read" || job.kind == "doc-check";
  if (two_inputs && job.input2.empty()) return std::string("face-match needs input and input2");
  if (!two_inputs && !optional_back && !job.input2.empty()) return job.kind + " takes no input2";
  if (job.kind == "doc-check" && job.applicant.empty())
    return std::string("doc-check needs an applicant form");
  if (job.kind != "doc-check" && !job.applicant.empty()) return job.kind + " takes no applicant";
  if (job.kind != "photo-check" && !job.profile.empty()) return job.kind + " takes no profile";
  return std::nullopt;
}

bool hidden(const fs::path& name) {
  const std::string text = name.filename().string();
  return !text.empty() && text[0] == '.';
}

std::vector<Job> plan_folder(const Options& options) {
  const std::string& kind = options.kind;
  if (kind == "face-match" || kind == "doc-check")
    throw std::invalid_argument(kind + " needs a manifest (two inputs / an applicant form)");
  const fs::path root(options.input);
  std::optional<fs::path> out_file;
  if (!options.out.empty() && fs::exists(options.out)) out_file = fs::canonical(options.out);

  std::vector<std::string> relative_paths;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw kyc::Error(kyc::ErrorCode::io_error, "cannot list " + options.input);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw kyc::Error(kyc::ErrorCode::io_error, "cannot list " + options.input);
    const fs::path& path = it->path();
    if (hidden(path)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    // The results file may live in the folder it describes: it is not a job.
    if (out_file && fs::equivalent(path, *out_file, ec)) continue;
    relative_paths.push_back(path.lexically_relative(root).generic_string());
  }
  std::sort(relative_paths.begin(), relative_paths.end());

  std::vector<Job> jobs;
  jobs.reserve(relative_paths.size());
  for (const auto& relative : relative_paths) {
    Job job;
    job.id = relative;
    job.input = (root / relative).string();
    job.kind = kind.empty() ? inferred_kind(relative) : kind;
    if (job.kind.empty()) {
      job.planned_error = JobError{kInvalidJob,
                                   "cannot infer the kind of this file from its extension; "
                                   "give --kind",
                                   kExitUsage};
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

// --- CSV (RFC 4180) ---------------------------------------------------------------------------

struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

[[noreturn]] void manifest_error(const std::string& manifest, std::size_t line,
                                 const std::string& what) {
  throw kyc::Error(kyc::ErrorCode::invalid_argument,
                   manifest + " line " + std::to_string(line) + ": " + what);
}

/// RFC 4180 with the usual leniencies: a UTF-8 BOM, LF or CRLF line ends, blank lines ignored.
/// Messages name lines, never field contents.
std::vector<CsvRow> parse_csv(std::string_view text, const std::string& name) {
  std::vector<CsvRow> rows;
  std::size_t i = 0;
  std::size_t line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRow row;
    row.line = line;
    for (;;) {
      std::string field;
      if (i < n && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= n) manifest_error(name, row.line, "quoted field not closed");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
          manifest_error(name, line, "character after a closing quote");
      } else {
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') manifest_error(name, line, "quote inside an unquoted field");
          field += text[i++];
        }
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) {
      if (rows.size() > kMaxManifestRows)
        manifest_error(name, row.line, "more than " + std::to_string(kMaxManifestRows) + " rows");
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<Job> plan_manifest(const Options& options) {
  const std::vector<std::uint8_t> bytes = read_file_bounded(options.input, kMaxManifestBytes);
  const std::vector<CsvRow> rows = parse_csv(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), options.input);
  if (rows.empty()) manifest_error(options.input, 1, "no header row");

  static const std::vector<std::string> known{"id",     "kind",      "input",
                                              "input2", "applicant", "profile"};
  std::map<std::string, std::size_t> column;
  for (std::size_t c = 0; c < rows[0].fields.size(); ++c) {
    const std::string name = lower(trim(rows[0].fields[c]));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      manifest_error(options.input, rows[0].line,
                     "unknown column '" + name + "' (columns: id, kind, input, input2, " +
                         "applicant, profile)");
    }
    if (!column.emplace(name, c).second)
      manifest_error(options.input, rows[0].line, "column '" + name + "' twice");
  }
  for (const char* required : {"id", "input"}) {
    if (column.count(required) == 0)
      manifest_error(options.input, rows[0].line, std::string("no '") + required + "' column");
  }

  const fs::path base = fs::path(options.input).parent_path();
  auto resolve = [&](const std::string& path) -> std::string {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (base / path).string();
  };
  std::map<std::string, std::size_t> first_line_of_id;
  std::vector<Job> jobs;
  jobs.reserve(rows.size() - 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    auto field = [&](const char* name) -> std::string {
      const auto found = column.find(name);
      if (found == column.end() || found->second >= row.fields.size()) return {};
      return trim(row.fields[found->second]);
    };
    Job job;
    job.line = row.line;
    job.id = field("id");
    if (job.id.empty()) job.id = "line:" + std::to_string(row.line);
    if (row.fields.size() != rows[0].fields.size()) {
      job.planned_error =
          JobError{kInvalidJob,
                   "row has " + std::to_string(row.fields.size()) + " fields, the header " +
                       std::to_string(rows[0].fields.size()),
                   kExitUsage};
      jobs.push_back(std::move(job));
      continue;
    }
    job.input = resolve(field("input"));
    job.input2 = resolve(field("input2"));
    job.applicant = resolve(field("applicant"));
    job.profile = field("profile");
    job.kind = field("kind");
    if (job.kind.empty()) job.kind = options.kind;
    if (job.kind.empty()) job.kind = inferred_kind(job.input);
    const auto [first, inserted] = first_line_of_id.emplace(job.id, row.line);
    if (!inserted) {
      job.planned_error = JobError{
          kDuplicateId, "id already used on line " + std::to_string(first->second), kExitUsage};
    } else if (field("id").empty()) {
      job.planned_error = JobError{kInvalidJob, "empty id", kExitUsage};
    } else if (const auto shape = job_shape_error(job)) {
      job.planned_error = JobError{kInvalidJob, *shape, kExitUsage};
    } else if (job.kind == "photo-check" && !job.profile.empty() &&
               kyc_cli::ends_with(job.profile, ".json")) {
      job.profile = resolve(job.profile);
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

// --- running one job --------------------------------------------------------------------------

struct JobResult {
  bool ok = false;
  Outcome outcome;
  JobError error;
  double ms = 0;
};

JobResult run_job(const kyc::Engine& engine, const Job& job,
                  const kyc::PhotoProfile& default_profile) {
  JobResult result;
  const auto start = Clock::now();
  try {
    std::optional<std::string> back;
    if (!job.input2.empty()) back = job.input2;
    if (job.kind == "face-match") {
      result.outcome = outcome_of(face_match(engine, job.input, job.input2, {}));
    } else if (job.kind == "photo-check") {
      result.outcome = outcome_of(job.profile.empty()
                                      ? check_photo(engine, job.input, default_profile)
                                      : check_photo(engine, job.input, load_profile(job.profile)));
    } else if (job.kind == "doc-read") {
      result.outcome = outcome_of(read_document(engine, job.input, back));
    } else if (job.kind == "doc-check") {
      result.outcome = outcome_of(check_document(engine, job.input, back, job.applicant));
    } else if (job.kind == "verify-package") {
      result.outcome = outcome_of(verify_package(engine, job.input));
    } else if (job.kind == "cheque-read") {
      result.outcome = outcome_of(read_cheque(engine, job.input));
    } else if (job.kind == "micr-read") {
      result.outcome = outcome_of(read_micr(engine, job.input));
    } else {
      throw std::logic_error("unplanned kind " + job.kind);
    }
    result.ok = true;
  } catch (const kyc::Error& e) {
    result.error = {kyc::error_code_name(e.code()), e.what(),
                    e.code() == kyc::ErrorCode::internal ? kExitInternal : kExitInput};
  } catch (const std::exception& e) {
    result.error = {"internal", e.what(), kExitInternal};
  }
  result.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

std::string json_string(const std::string& text) {
  // Ids and messages come from file names and manifests: invalid UTF-8 is replaced, not fatal.
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string result_line(const Job& job, const JobResult& result) {
  std::string line = "{\"schema\":\"";
  line += kSchema;
  line += "\",\"schema_version\":" + std::to_string(kSchemaVersion);
  line += ",\"id\":" + json_string(job.id);
  if (job.line != 0) line += ",\"line\":" + std::to_string(job.line);
  line += ",\"kind\":" + (job.kind.empty() ? std::string("null") : json_string(job.kind));
  if (result.ok) {
    line += ",\"status\":\"ok\",\"exit_code\":" + std::to_string(result.outcome.exit_code);
    line += ",\"verdict\":" + json_string(result.outcome.verdict);
    line += ",\"report\":" + result.outcome.report;
    line += ",\"error\":null";
  } else {
    line += ",\"status\":\"error\",\"exit_code\":" + std::to_string(result.error.exit_code);
    line += ",\"verdict\":null,\"report\":null";
    line += ",\"error\":{\"code\":" + json_string(result.error.code) +
            ",\"message\":" + json_string(result.error.message) + "}";
  }
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", result.ms);
  line += ",\"ms\":";
  line += ms;
  line += "}\n";
  return line;
}

// --- output and resume ------------------------------------------------------------------------

struct Previous {
  /// Resume key -> exit_code of the line ("ok" lines: 0, whatever their verdict).
  std::map<std::string, int> done;
  bool dropped_partial_line = false;
};

/// What a line of ours starts with: a file that does not is not a results file.
std::string line_marker() {
  return std::string("{\"schema\":\"") + kSchema + "\"";
}

/// Records one complete results line in `previous`; false when it is not one of ours.
bool record_previous_line(const std::string& line, Previous& previous) {
  const nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
  if (!value.is_object()) return false;
  const auto field = [&](const char* key) -> const nlohmann::json* {
    const auto found = value.find(key);
    return found == value.end() ? nullptr : &*found;
  };
  const auto* schema = field("schema");
  const auto* id = field("id");
  const auto* status = field("status");
  if (schema == nullptr || *schema != kSchema || id == nullptr || !id->is_string() ||
      status == nullptr || !status->is_string()) {
    return false;
  }
  const auto* row = field("line");
  const std::size_t row_line =
      row != nullptr && row->is_number_unsigned() ? row->get<std::size_t>() : 0;
  std::string code;
  int exit_code = kExitMatch;
  if (*status == "error") {
    const auto* error = field("error");
    if (error != nullptr && error->is_object() && error->contains("code") &&
        (*error)["code"].is_string()) {
      code = (*error)["code"].get<std::string>();
    }
    const auto* recorded = field("exit_code");
    exit_code = recorded != nullptr && *recorded == kExitInternal ? kExitInternal : kExitInput;
  }
  previous.done[resume_key(id->get<std::string>(), row_line, code == kDuplicateId)] = exit_code;
  return true;
}

/// Reads an existing results file line by line (only the keys are kept): the jobs already done;
/// a truncated last line (a crash mid-write) is dropped by truncating the file to its last
/// complete line. Every complete line is checked before anything is truncated, and the first
/// bytes before any line is read whole, so a wrong --out (another file, a video) is refused
/// untouched and cheaply.
Previous read_previous(const std::string& path) {
  Previous previous;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return previous;
    throw kyc::Error(kyc::ErrorCode::io_error, "cannot open " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    throw kyc::Error(kyc::ErrorCode::invalid_argument, path + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw kyc::Error(kyc::ErrorCode::io_error, "cannot read " + path);
  auto refuse = [&](std::size_t line) {
    throw kyc::Error(kyc::ErrorCode::invalid_argument,
                     path + " line " + std::to_string(line) +
                         " is not a kyc.batch_result line: not resuming (use --restart to "
                         "overwrite, or another --out)");
  };
  const std::string marker = line_marker();
  auto starts_like_ours = [&](std::string_view text) {
    const std::size_t common = std::min(text.size(), marker.size());
    return text.substr(0, common) == std::string_view(marker).substr(0, common);
  };
  {
    std::string head(marker.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (!starts_like_ours(head)) refuse(1);
    in.clear();
    in.seekg(0);
  }

  std::uint64_t complete = 0;  // bytes up to the end of the last complete line
  std::size_t number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++number;
    if (in.eof()) {  // no newline after it: torn while written
      if (!starts_like_ours(line)) refuse(number);
      previous.dropped_partial_line = true;
      break;
    }
    if (!record_previous_line(line, previous)) refuse(number);
    complete += line.size() + 1;
  }
  if (in.bad()) throw kyc::Error(kyc::ErrorCode::io_error, "cannot read " + path);
  in.close();
  if (previous.dropped_partial_line && ::truncate(path.c_str(), static_cast<off_t>(complete)) != 0)
    throw kyc::Error(kyc::ErrorCode::io_error, "cannot truncate " + path);
  return previous;
}

/// One result line per write(2), under a mutex: lines never interleave, and a crash leaves at
/// most the last line truncated (which resume detects).
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  bool write(const std::string& line) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failure_ = std::strerror(errno);
        return false;
      }
      written += static_cast<std::size_t>(n);
    }
    return true;
  }
  std::string failure() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
  }

 private:
  int fd_;
  mutable std::mutex mutex_;
  std::string failure_;
};

// --- signals and progress ---------------------------------------------------------------------

// Lock-free, so async-signal-safe, and safe to read from the workers.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be lock-free");

extern "C" void on_stop_signal(int signal) {
  g_stop_signal = signal;
}

/// SIGINT/SIGTERM stop the batch cleanly; SA_RESETHAND makes a second one act as usual (kill),
/// for a user who does not want to wait for the running jobs.
void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

struct Counters {
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> ok{0};
  std::atomic<std::size_t> errors{0};
  std::atomic<std::size_t> internal_errors{0};
};

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  }
  return text;
}

std::string progress_line(std::size_t done, std::size_t total, std::size_t errors, double seconds) {
  constexpr int kWidth = 24;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char text[160];
  std::snprintf(
      text, sizeof text, "\r[%s] %zu/%zu %3.0f%%  %.1f jobs/s  ETA %s  errors %zu\x1b[K",
      bar.c_str(), done, total, fraction * 100, rate,
      rate > 0 ? format_duration(static_cast<double>(total - done) / rate).c_str() : "--:--",
      errors);
  return text;
}

void write_stderr(const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

int run_batch(const Options& options) {
  const auto started = Clock::now();
  // From the start: a signal while the engine loads stops the batch before its first job.
  install_signal_handlers();
  // Plan first: a bad manifest or folder fails before any engine is loaded or file written.
  struct stat st {};
  if (::stat(options.input.c_str(), &st) != 0)
    throw kyc::Error(kyc::ErrorCode::io_error, "cannot read " + options.input);
  const std::vector<Job> planned =
      S_ISDIR(st.st_mode) ? plan_folder(options) : plan_manifest(options);

  Previous previous;
  int out_fd = STDOUT_FILENO;
  if (!options.out.empty()) {
    if (!options.restart) previous = read_previous(options.out);
    // Results hold personal data: readable by the owner only.
    out_fd =
        ::open(options.out.c_str(),
               O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (options.restart ? O_TRUNC : 0), 0600);
    if (out_fd < 0) {
      throw kyc::Error(kyc::ErrorCode::io_error,
                       "cannot write " + options.out + ": " + std::strerror(errno));
    }
  }
  // Jobs already in the output are skipped; their lines still count for the exit code, so an
  // interrupted and resumed batch ends as an uninterrupted one would.
  std::vector<const Job*> todo;
  std::size_t skipped_errors = 0;
  std::size_t skipped_internal = 0;
  for (const Job& job : planned) {
    const bool duplicate = job.planned_error && job.planned_error->code == kDuplicateId;
    const auto found = previous.done.find(resume_key(job.id, job.line, duplicate));
    if (found == previous.done.end()) {
      todo.push_back(&job);
    } else if (found->second != kExitMatch) {
      ++skipped_errors;
      if (found->second == kExitInternal) ++skipped_internal;
    }
  }
  const std::size_t skipped = planned.size() - todo.size();

  const kyc::Config config = options.config_path.empty()
                                 ? kyc::Config{}
                                 : kyc::Config::from_json_file(options.config_path);
  const kyc::PhotoProfile default_profile = load_profile(options.profile);
  // Built only when there is work: a finished batch resumes instantly.
  std::optional<kyc::Engine> engine;
  if (std::any_of(todo.begin(), todo.end(), [](const Job* j) { return !j->planned_error; }))
    engine.emplace(config);

  LineWriter writer(out_fd);
  Counters counters;
  const auto work_started = Clock::now();  // the rate and ETA leave the engine's loading out
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> write_failed{false};

  // Workers take jobs one at a time from the plan (a queue that holds paths only): at most
  // --jobs inputs are read and in memory at once, each bounded by the library's limits.
  auto worker = [&] {
    for (;;) {
      if (stop || g_stop_signal != 0) return;
      const std::size_t index = next++;
      if (index >= todo.size()) return;
      const Job& job = *todo[index];
      JobResult result;
      std::string line;
      try {
        if (job.planned_error) {
          result.error = *job.planned_error;
        } else {
          result = run_job(*engine, job, default_profile);
        }
        line = result_line(job, result);
      } catch (const std::exception& e) {  // out of memory formatting the line: still a line
        result.ok = false;
        result.error = {"internal", e.what(), kExitInternal};
        line = "{\"schema\":\"" + std::string(kSchema) +
               "\",\"schema_version\":1,\"id\":" + json_string(job.id) +
               ",\"status\":\"error\",\"exit_code\":4,\"verdict\":null,\"report\":null,"
               "\"error\":{\"code\":\"internal\",\"message\":\"cannot format the result\"}}\n";
      }
      if (!writer.write(line)) {
        write_failed = true;
        stop = true;
        return;
      }
      if (result.ok) {
        ++counters.ok;
      } else {
        ++counters.errors;
        if (result.error.exit_code == kExitInternal) ++counters.internal_errors;
        if (options.fail_fast) stop = true;
      }
      ++counters.done;
    }
  };

  const bool show_progress =
      options.progress == ProgressMode::always ||
      (options.progress == ProgressMode::automatic && ::isatty(STDERR_FILENO) == 1);
  std::mutex progress_mutex;
  std::condition_variable progress_wake;
  bool finished = false;
  std::thread progress;
  if (show_progress) {
    progress = std::thread([&] {
      std::unique_lock<std::mutex> lock(progress_mutex);
      for (;;) {
        const double seconds = std::chrono::duration<double>(Clock::now() - work_started).count();
        write_stderr(progress_line(counters.done, todo.size(), counters.errors, seconds));
        if (finished) break;
        progress_wake.wait_for(lock, std::chrono::milliseconds(100));
      }
      write_stderr("\n");
    });
  }

  std::vector<std::thread> workers;
  const std::size_t thread_count =
      std::max<std::size_t>(1, std::min<std::size_t>(options.jobs, todo.size()));
  for (std::size_t t = 0; t < thread_count; ++t) workers.emplace_back(worker);
  for (auto& thread : workers) thread.join();
  if (show_progress) {
    {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      finished = true;
    }
    progress_wake.notify_all();
    progress.join();
  }
  if (out_fd != STDOUT_FILENO) ::close(out_fd);

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const bool interrupted = g_stop_signal != 0;
  const std::size_t not_started = todo.size() - counters.done;
  if (!options.quiet) {
    // Counts only: ids, paths and verdicts stay in the results.
    char text[512];
    std::snprintf(text, sizeof text,
                  "kyc batch: %zu jobs: %zu ok, %zu error, %zu not started; ran %zu, skipped %zu "
                  "(already in the output)%s; %.1f s%s\n",
                  planned.size(), counters.ok.load() + skipped - skipped_errors,
                  counters.errors.load() + skipped_errors, not_started, counters.done.load(),
                  skipped, previous.dropped_partial_line ? ", dropped a truncated last line" : "",
                  seconds, interrupted ? "; interrupted: rerun the same command to resume" : "");
    write_stderr(text);
  }
  if (write_failed) {
    write_stderr("kyc batch: error [io_error]: cannot write the results: " + writer.failure() +
                 "\n");
    return kExitInput;
  }
  if (interrupted) return kExitInterrupted;
  if (counters.internal_errors + skipped_internal > 0) return kExitInternal;
  if (counters.errors + skipped_errors > 0) return kExitInput;
  return kExitMatch;
}

}  // namespace

int batch_main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      batch_usage(std::cout);
      return kExitMatch;
    }
  }
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << "kyc batch: " << e.what() << "\n";
    batch_usage(std::cerr);
    return kExitUsage;
  }
  try {
    return run_batch(options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "kyc batch: " << e.what() << "\n";
    return kExitUsage;
  } catch (const kyc::Error& e) {
    std::cerr << "kyc batch: error [" << kyc::error_code_name(e.code()) << "]: " << e.what()
              << "\n";
    return e.code() == kyc::ErrorCode::internal ? kExitInternal : kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "kyc batch: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace kyc_cli
