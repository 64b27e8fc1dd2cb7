#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "kyc/config.hpp"
#include "kyc/error.hpp"
#include "kyc/models.hpp"

namespace kyc {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string join(const std::string& dir, const std::string& file) {
  if (dir.empty() || dir.back() == '/') return dir + file;
  return dir + "/" + file;
}

// Runs the interpreter with a fixed script (no user input reaches the shell) and reads one line.
std::string ask_python() {
  const char* python = std::getenv("KYC_PYTHON");
  std::string interpreter = (python != nullptr && *python != '\0') ? python : "python3";
  for (char c : interpreter) {
    // Refuse anything that is not a plain path, so the environment cannot inject shell syntax.
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
          c == '-')) {
      return {};
    }
  }
  // -I (isolated mode): neither the working directory nor PYTHON* variables can put a planted
  // face_recognition_models package first on sys.path.
  const std::string command =
      interpreter +
      " -I -c \"import importlib.util,os;s=importlib.util.find_spec('face_recognition_models');"
      "print(os.path.join(os.path.dirname(s.origin),'models') if s and s.origin else '')\" "
      "2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::array<char, 4096> buffer{};
  std::string out;
  if (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    out = buffer.data();
  }
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return is_dir(out) ? out : std::string();
}

}  // namespace

std::string face_recognition_models_dir() {
  static std::once_flag once;
  static std::string dir;
  std::call_once(once, [] { dir = ask_python(); });
  return dir;
}

ModelLocator::ModelLocator(const Config& config) {
  if (!config.model_dir.empty()) dirs_.push_back({"config model_dir", config.model_dir});
  if (const char* env = std::getenv("KYC_MODEL_DIR"); env != nullptr && *env != '\0') {
    dirs_.push_back({"KYC_MODEL_DIR", env});
  }
  // Without an explicit directory the interpreter is asked only if a file is not found earlier
  // (an empty path marks that lazy entry).
  dirs_.push_back({"face_recognition_models", config.packaged_model_dir});
  dirs_.push_back({"libdlib-data", "/usr/share/dlib"});
}

std::string ModelLocator::locate(const std::string& file_name) const {
  std::string searched;
  for (const auto& dir : dirs_) {
    const std::string base = dir.path.empty() ? face_recognition_models_dir() : dir.path;
    if (base.empty()) {
      searched += "\n  - (" + dir.origin + ": package not installed)";
      continue;
    }
    const std::string path = join(base, file_name);
    if (is_file(path)) return path;
    searched += "\n  - " + base + " (" + dir.origin + ")";
  }
  throw Error(
      ErrorCode::model_not_found,
      "model '" + file_name + "' not found. Searched:" + searched +
          "\nInstall it with `pip install face_recognition_models` (dlib models, CC0/public "
          "domain except the 68-point predictor), `apt-get install libdlib-data` (68-point "
          "predictor), or put the file in a directory named by KYC_MODEL_DIR or "
          "config \"model_dir\".");
}

}  // namespace kyc
