// kyc — model location.
//
// Models are located, never downloaded. Search order for a file name:
//   1. Config::model_dir (explicit path)
//   2. $KYC_MODEL_DIR
//   3. the models of the PyPI package face_recognition_models (Config::packaged_model_dir, or the
//      directory reported by the Python interpreter $KYC_PYTHON / python3)
//   4. Debian's libdlib-data: /usr/share/dlib
// A file that is in none of them is an Error(model_not_found) naming the file, every place
// searched, and how to install it.
//
// Thread-safety: a ModelLocator is immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "kyc/export.hpp"

namespace kyc {

struct Config;

class KYC_API ModelLocator {
 public:
  explicit ModelLocator(const Config& config);
  /// Full path of `file_name`, or throws Error(model_not_found).
  std::string locate(const std::string& file_name) const;
  /// The directories searched, in order, each with where it came from ("config", "KYC_MODEL_DIR",
  /// "face_recognition_models", "libdlib-data"). An empty face_recognition_models path means the
  /// Python interpreter is asked (isolated mode, once per process) only when a file is not found
  /// in the directories before it.
  struct SearchDir {
    std::string origin;
    std::string path;
  };
  const std::vector<SearchDir>& search_dirs() const noexcept { return dirs_; }

 private:
  std::vector<SearchDir> dirs_;
};

/// The models directory of the installed face_recognition_models package, found by asking the
/// Python interpreter ($KYC_PYTHON, else python3) in isolated mode (-I: the working directory and
/// PYTHON* variables cannot redirect it). Empty when there is no such package. Cached per process.
KYC_API std::string face_recognition_models_dir();

}  // namespace kyc
