#include <map>
#include <mutex>

#include "engine/registry.hpp"
#include "kyc/error.hpp"
#include "kyc/face.hpp"

namespace kyc {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, FaceAnalyzerFactory> analyzers;
  std::map<std::string, FaceComparerFactory> comparers;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, [] {
    detail::register_builtin_backends();
    detail::register_aws_backends();
  });
}

template <typename Map>
typename Map::mapped_type find(Map& map, const std::string& kind, const std::string& name) {
  const auto it = map.find(name);
  if (it != map.end()) return it->second;
  std::string known;
  for (const auto& entry : map) known += (known.empty() ? "" : ", ") + entry.first;
  throw Error(ErrorCode::backend_unavailable,
              kind + " '" + name + "' is not available in this build (available: " + known + ")");
}

}  // namespace

void register_face_analyzer(const std::string& name, FaceAnalyzerFactory factory) {
  if (name.empty() || !factory) throw Error(ErrorCode::invalid_argument, "registry: empty entry");
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().analyzers[name] = std::move(factory);
}

void register_face_comparer(const std::string& name, FaceComparerFactory factory) {
  if (name.empty() || !factory) throw Error(ErrorCode::invalid_argument, "registry: empty entry");
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().comparers[name] = std::move(factory);
}

std::vector<std::string> available_backends() {
  ensure_builtins();
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto& entry : registry().analyzers) names.push_back("face_analyzer:" + entry.first);
  for (const auto& entry : registry().comparers) names.push_back("face_comparer:" + entry.first);
  return names;
}

namespace detail {

// Built-ins never replace what an application registered under the same name before first use.
void register_builtin_face_analyzer(const std::string& name, FaceAnalyzerFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().analyzers.emplace(name, std::move(factory));
}

void register_builtin_face_comparer(const std::string& name, FaceComparerFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().comparers.emplace(name, std::move(factory));
}

FaceAnalyzerFactory find_face_analyzer(const std::string& name) {
  ensure_builtins();
  std::lock_guard<std::mutex> lock(registry().mutex);
  return find(registry().analyzers, "face analyzer", name);
}

FaceComparerFactory find_face_comparer(const std::string& name) {
  ensure_builtins();
  std::lock_guard<std::mutex> lock(registry().mutex);
  return find(registry().comparers, "face comparer", name);
}

}  // namespace detail
}  // namespace kyc
