// kyc — command-line front end of the library.
//
//   kyc face-match SOURCE TARGET [--threshold D | --similarity S | --operating-point NAME]
//                  [--config FILE.json] [--json] [--pretty]
//   kyc detect IMAGE [--config FILE.json]
//   kyc version
//
// Exit codes: 0 match (or success), 1 no match / no face, 2 usage error, 3 input or config
// error, 4 internal error.
#include <kyc/kyc.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr int kExitMatch = 0;
constexpr int kExitNoMatch = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInput = 3;
constexpr int kExitInternal = 4;

void usage(std::ostream& out) {
  out << "usage:\n"
         "  kyc face-match SOURCE TARGET [--threshold D | --similarity S |\n"
         "                 --operating-point default|fmr1e-2|fmr1e-3|fmr1e-4]\n"
         "                 [--config FILE.json] [--json] [--pretty]\n"
         "  kyc detect IMAGE [--config FILE.json]\n"
         "  kyc version\n"
         "exit codes: 0 match/success, 1 no match or no face, 2 usage, 3 bad input/config, "
         "4 internal error\n";
}

struct Args {
  std::vector<std::string> positional;
  std::optional<double> threshold;
  std::optional<double> similarity;
  std::optional<std::string> operating_point;
  std::string config_path;
  bool json = false;
  bool pretty = false;
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
    } else if (a == "--config") {
      args.config_path = value();
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
      engine.face_match(kyc::ImageInput::from_path(args.positional[0]),
                        kyc::ImageInput::from_path(args.positional[1]), options);
  if (args.json) {
    std::cout << result.to_json(args.pretty ? 2 : -1) << "\n";
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
  return result.is_match() ? kExitMatch : kExitNoMatch;
}

int detect(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("detect needs IMAGE");
  const kyc::Engine engine(load_config(args));
  const auto faces = engine.detect_faces(kyc::ImageInput::from_path(args.positional[0]));
  std::cout << kyc::faces_to_json(faces, args.pretty ? 2 : -1) << "\n";
  return faces.empty() ? kExitNoMatch : kExitMatch;
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS chooses its kernels when it is loaded; on CPUs it does not recognise it falls back to
  // slow ones. Restart once with the hint in the environment (see
  // kyc::recommended_openblas_coretype).
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    if (const char* core = kyc::recommended_openblas_coretype()) {
      ::setenv("OPENBLAS_CORETYPE", core, 1);
      ::execv("/proc/self/exe", argv);  // only returns on failure: carry on with slow kernels
    }
  }
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
    const Args args = parse(argc, argv);
    if (command == "face-match") return face_match(args);
    if (command == "detect") return detect(args);
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
