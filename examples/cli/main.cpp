// kyc — command-line front end of the library.
//
//   kyc face-match SOURCE TARGET [--threshold D | --similarity S | --operating-point NAME]
//                  [--config FILE.json] [--json] [--pretty]
//   kyc detect IMAGE [--config FILE.json]
//   kyc photo-check PHOTO... [--profile icao|us|uk|schengen|FILE.json] [--annotate OUT.png|.jpg]
//                   [--config FILE.json] [--json] [--pretty]
//   kyc doc-read FRONT [BACK] [--config FILE.json] [--pretty]
//   kyc doc-check FRONT [BACK] --applicant FORM.csv|FORM.json [--config FILE.json] [--pretty]
//   kyc verify-package PACKAGE.zip [--config FILE.json] [--pretty]
//   kyc batch FOLDER|MANIFEST.csv [--out RESULTS.ndjson] [--jobs N] ... (batch.hpp)
//   kyc cheque-read IMAGE [--line] [--config FILE.json] [--pretty]
//   kyc version
//
// Exit codes: 0 match / compliant (or success), 1 no match / no face / non-compliant, 2 usage
// error, 3 input or config error, 4 internal error, 5 photo could not be assessed (batch: see
// batch.hpp and docs/cli.md).
#include <kyc/kyc.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "batch.hpp"
#include "commands.hpp"

namespace {

// The shared pieces (commands.hpp) under the names this file has always used.
using kyc_cli::ends_with;
using kyc_cli::kExitInput;
using kyc_cli::kExitInternal;
using kyc_cli::kExitMatch;
using kyc_cli::kExitNoMatch;
using kyc_cli::kExitUnable;
using kyc_cli::kExitUsage;

void usage(std::ostream& out) {
  out << "usage:\n"
         "  kyc face-match SOURCE TARGET [--threshold D | --similarity S |\n"
         "                 --operating-point default|fmr1e-2|fmr1e-3|fmr1e-4]\n"
         "                 [--config FILE.json] [--json] [--pretty]\n"
         "  kyc detect IMAGE [--config FILE.json]\n"
         "  kyc photo-check PHOTO... [--profile icao|us|uk|schengen|FILE.json]\n"
         "                  [--annotate OUT.png|OUT.jpg] [--config FILE.json] [--json] [--pretty]\n"
         "  kyc doc-read FRONT [BACK] [--config FILE.json] [--pretty]\n"
         "  kyc doc-check FRONT [BACK] --applicant FORM.csv|FORM.json [--config FILE.json]\n"
         "                [--pretty]\n"
         "  kyc verify-package PACKAGE.zip [--config FILE.json] [--pretty]\n"
         "  kyc batch FOLDER|MANIFEST.csv [options]   (kyc batch --help)\n"
         "  kyc cheque-read IMAGE [--line] [--config FILE.json] [--pretty]\n"
         "                (--line: IMAGE is the MICR line alone; exit 0 clean, 1 suspicious,\n"
         "                 5 unable to assess)\n"
         "  kyc version\n"
         "exit codes: 0 match/compliant/success, 1 no match, no face or non-compliant, 2 usage,\n"
         "            3 bad input/config, 4 internal error, 5 photo could not be assessed\n"
         "            (batch: 0 all jobs ran, 3 some jobs failed, 4 internal, 130 interrupted)\n";
}

struct Args {
  std::vector<std::string> positional;
  std::optional<double> threshold;
  std::optional<double> similarity;
  std::optional<std::string> operating_point;
  std::string config_path;
  std::string profile = "icao";
  std::string annotate_path;
  std::string applicant_path;
  bool json = false;
  bool pretty = false;
  bool micr_line = false;  // cheque-read --line
};

double parse_number(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size())
    throw std::invalid_argument(flag + " expects a number, got '" + text + "'");
  return value;
}

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--threshold") {
      args.threshold = parse_number(a, value());
    } else if (a == "--similarity") {
      args.similarity = parse_number(a, value());
    } else if (a == "--operating-point") {
      args.operating_point = value();
    } else if (a == "--profile") {
      args.profile = value();
    } else if (a == "--annotate") {
      args.annotate_path = value();
    } else if (a == "--applicant") {
      args.applicant_path = value();
    } else if (a == "--config") {
      args.config_path = value();
    } else if (a == "--line") {
      args.micr_line = true;
    } else if (a == "--json") {
      args.json = true;
    } else if (a == "--pretty") {
      args.json = args.pretty = true;
    } else if (a.rfind("--", 0) == 0) {
      throw std::invalid_argument("unknown option " + a);
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

kyc::Config load_config(const Args& args) {
  return args.config_path.empty() ? kyc::Config{} : kyc::Config::from_json_file(args.config_path);
}

int face_match(const Args& args) {
  if (args.positional.size() != 2)
    throw std::invalid_argument("face-match needs SOURCE and TARGET");
  const kyc::Engine engine(load_config(args));
  kyc::FaceMatchOptions options;
  options.distance_threshold = args.threshold;
  options.similarity_threshold = args.similarity;
  options.operating_point = args.operating_point;
  const kyc::FaceMatchResult result =
      kyc_cli::face_match(engine, args.positional[0], args.positional[1], options);
  const kyc_cli::Outcome outcome = kyc_cli::outcome_of(result, args.pretty ? 2 : -1);
  if (args.json) {
    std::cout << outcome.report << "\n";
  } else {
    std::cout << kyc::face_match_status_name(result.status);
    if (result.status == kyc::FaceMatchStatus::match ||
        result.status == kyc::FaceMatchStatus::no_match) {
      const auto& best = result.matches.empty() ? result.unmatched.front() : result.matches.front();
      std::cout << "  similarity " << best.similarity << "  distance " << best.distance
                << "  (threshold " << result.decision.distance_threshold << ", operating point "
                << result.decision.operating_point << ")";
    }
    std::cout << "  [" << result.timings.total_ms << " ms]\n";
  }
  return outcome.exit_code;
}

int detect(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("detect needs IMAGE");
  const kyc::Engine engine(load_config(args));
  const auto faces = engine.detect_faces(kyc::ImageInput::from_path(args.positional[0]));
  std::cout << kyc::faces_to_json(faces, args.pretty ? 2 : -1) << "\n";
  return faces.empty() ? kExitNoMatch : kExitMatch;
}

/// FRONT [BACK] from the positional arguments.
std::pair<std::string, std::optional<std::string>> document_sides(const Args& args) {
  const std::size_t sides = args.positional.size();
  if (sides < 1 || sides > 2) throw std::invalid_argument("give FRONT and optionally BACK");
  if (sides == 1) return {args.positional[0], std::nullopt};
  return {args.positional[0], args.positional[1]};
}

int doc_read(const Args& args) {
  const kyc::Engine engine(load_config(args));
  const auto [front, back] = document_sides(args);
  const kyc_cli::Outcome outcome =
      kyc_cli::outcome_of(kyc_cli::read_document(engine, front, back), args.pretty ? 2 : -1);
  std::cout << outcome.report << "\n";
  return outcome.exit_code;
}

int doc_check(const Args& args) {
  if (args.applicant_path.empty()) throw std::invalid_argument("doc-check needs --applicant FORM");
  const kyc::Engine engine(load_config(args));
  const auto [front, back] = document_sides(args);
  const kyc_cli::Outcome outcome =
      kyc_cli::outcome_of(kyc_cli::check_document(engine, front, back, args.applicant_path));
  std::cout << outcome.report << "\n";
  return outcome.exit_code;
}

int cheque_read(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("cheque-read needs one IMAGE");
  const kyc::Engine engine(load_config(args));
  const int indent = args.pretty ? 2 : -1;
  const kyc_cli::Outcome outcome =
      args.micr_line ? kyc_cli::outcome_of(kyc_cli::read_micr(engine, args.positional[0]), indent)
                     : kyc_cli::outcome_of(kyc_cli::read_cheque(engine, args.positional[0]), indent);
  std::cout << outcome.report << "\n";
  return outcome.exit_code;
}

int verify_package(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("verify-package needs PACKAGE.zip");
  const kyc::Engine engine(load_config(args));
  const kyc_cli::Outcome outcome = kyc_cli::outcome_of(
      kyc_cli::verify_package(engine, args.positional[0]), args.pretty ? 2 : -1);
  std::cout << outcome.report << "\n";
  return outcome.exit_code;
}

int photo_check(const Args& args) {
  if (args.positional.empty()) throw std::invalid_argument("photo-check needs PHOTO");
  if (!args.annotate_path.empty() && args.positional.size() != 1) {
    throw std::invalid_argument("--annotate takes one PHOTO");
  }
  const kyc::Engine engine(load_config(args));
  const kyc::PhotoProfile profile = kyc_cli::load_profile(args.profile);
  int worst = kExitMatch;
  for (const auto& path : args.positional) {
    // Read once: the same pixels are checked and annotated.
    std::vector<std::uint8_t> bytes;
    const kyc::PhotoCheckResult result =
        kyc_cli::check_photo(engine, path, profile, args.annotate_path.empty() ? nullptr : &bytes);
    const kyc_cli::Outcome outcome = kyc_cli::outcome_of(result, args.pretty ? 2 : -1);
    if (args.json) {
      std::cout << outcome.report << "\n";
    } else {
      std::cout << path << ": " << kyc::photo_verdict_name(result.verdict) << " (profile "
                << result.profile << ", " << result.timings.total_ms << " ms)\n";
      for (const auto& r : result.rules) {
        std::cout << "  " << kyc::rule_status_name(r.status) << "  " << r.id;
        if (r.status != kyc::RuleStatus::unable_to_assess)
          std::cout << " = " << r.value << " " << r.unit;
        if (!r.message.empty()) std::cout << "\n      " << r.message;
        std::cout << "\n";
      }
    }
    if (!args.annotate_path.empty()) {
      const kyc::Image image =
          engine.decode(kyc::ImageInput::from_bytes(bytes.data(), bytes.size()));
      const auto format =
          ends_with(args.annotate_path, ".jpg") || ends_with(args.annotate_path, ".jpeg")
              ? kyc::AnnotationFormat::jpeg
              : kyc::AnnotationFormat::png;
      const auto encoded = kyc::annotate_photo(image.view(), result, profile, format);
      std::ofstream out(args.annotate_path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(encoded.data()),
                static_cast<std::streamsize>(encoded.size()));
      if (!out) throw kyc::Error(kyc::ErrorCode::io_error, "cannot write " + args.annotate_path);
    }
    const int code = outcome.exit_code;
    if (code == kExitNoMatch || worst == kExitMatch) worst = code;
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS chooses its kernels when it is loaded; on CPUs it does not recognise it falls back to
  // slow ones. Restart once with the hint in the environment (see
  // kyc::recommended_openblas_coretype).
  // Tesseract's OpenMP threads inside each OCR call compete with kyc's own per-call handles
  // (2.4x slower MRZ reads on 2 cores); OpenMP reads its limit when it is loaded, hence also
  // before the restart.
  bool restart = false;
  if (std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    restart = true;
  }
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    if (const char* core = kyc::recommended_openblas_coretype()) {
      ::setenv("OPENBLAS_CORETYPE", core, 1);
      restart = true;
    }
  }
  if (restart) ::execv("/proc/self/exe", argv);  // only returns on failure: carry on
  if (argc < 2) {
    usage(std::cerr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  try {
    if (command == "version" || command == "--version") {
      std::cout << kyc::build_info() << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      usage(std::cout);
      return 0;
    }
    if (command == "batch") return kyc_cli::batch_main(argc - 2, argv + 2);
    const Args args = parse(argc, argv);
    if (command == "face-match") return face_match(args);
    if (command == "detect") return detect(args);
    if (command == "photo-check") return photo_check(args);
    if (command == "doc-read") return doc_read(args);
    if (command == "doc-check") return doc_check(args);
    if (command == "verify-package") return verify_package(args);
    if (command == "cheque-read") return cheque_read(args);
    throw std::invalid_argument("unknown command '" + command + "'");
  } catch (const std::invalid_argument& e) {
    std::cerr << "kyc: " << e.what() << "\n";
    usage(std::cerr);
    return kExitUsage;
  } catch (const kyc::Error& e) {
    std::cerr << "kyc: error [" << kyc::error_code_name(e.code()) << "]: " << e.what() << "\n";
    return e.code() == kyc::ErrorCode::internal ? kExitInternal : kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "kyc: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
