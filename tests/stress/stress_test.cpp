// Concurrency stress (issue 7, docs/reliability.md): 8 threads share one Engine and interleave
// face_match, detect_faces, check_photo, parse_mrz, parse_aamva and read_package on real photos
// and a package built here; every result must equal the single-threaded result of the same
// call. Built and run under ThreadSanitizer by `make check-tsan`; also part of the normal suite
// (label "stress"). KYC_STRESS_ROUNDS sets the rounds per thread (default 2).
#include <gtest/gtest.h>
#include <zip.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kyc/aamva.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "kyc/mrz.hpp"
#include "kyc/package.hpp"
#include "support/shared_data.hpp"
#include "support/zip_writer.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr int kThreads = 8;

int rounds() {
  const char* env = std::getenv("KYC_STRESS_ROUNDS");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : 2;
}

// A report without its timings (which differ run to run): the comparable part of a result.
std::string without_timings(const std::string& json) {
  std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end();) {
        const std::string key = it.key();
        // "timings", "timings_ms", a rule's "ms", "decode_ms", "latency_ms", ...
        const bool timing = key == "ms" || key.rfind("timing", 0) == 0 ||
                            (key.size() > 3 && key.compare(key.size() - 3, 3, "_ms") == 0);
        if (timing) {
          it = j.erase(it);
        } else {
          strip(it.value());
          ++it;
        }
      }
    } else if (j.is_array()) {
      for (auto& item : j) strip(item);
    }
  };
  nlohmann::json j = nlohmann::json::parse(json);
  strip(j);
  return j.dump();
}

using kyc_test::make_zip;

// ICAO Doc 9303 part 4 specimen (input text, not an expected value).
const char* const kMrz =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n";

std::string aamva_payload() {
  const std::string body =
      "DLDAQT16700185\nDCSSAMPLE\nDACPAT\nDADQ\nDBB07041980\nDBA01312030\nDBD01312022\n"
      "DBC2\nDAG1 MAIN ST\nDAISPRINGFIELD\nDAJVA\nDAK222010000  \nDCGUSA\r";
  char designator[16];
  std::snprintf(designator, sizeof designator, "DL%04d%04zu", 31, body.size());
  return std::string("@\n\x1e\rANSI 636000100001") + designator + body;
}

TEST(Stress, EightThreadsSharingOneEngineMatchSingleThreaded) {
  KYC_FACE(obama, "face_recognition/examples/obama.jpg");
  KYC_FACE(obama2, "face_recognition/examples/obama2.jpg");
  KYC_FACE(biden, "face_recognition/examples/biden.jpg");
  KYC_FACE(two_people, "face_recognition/examples/two_people.jpg");
  const Bytes obama_bytes = kyc_test::read_file(obama);
  const Bytes obama2_bytes = kyc_test::read_file(obama2);
  const Bytes biden_bytes = kyc_test::read_file(biden);
  const Bytes two_bytes = kyc_test::read_file(two_people);
  const std::string form = "first_name,last_name,date_of_birth\nPat,Sample,1980-07-04\n";
  const Bytes package = make_zip({{"applicant.csv", Bytes(form.begin(), form.end())},
                                  {"selfie.jpg", obama_bytes},
                                  {"passport.jpg", obama2_bytes}});
  ASSERT_FALSE(package.empty());
  const std::string aamva = aamva_payload();

  std::optional<kyc::Engine> engine;
  try {
    engine.emplace();
  } catch (const kyc::Error& e) {
    if (kyc_test::in_ci()) FAIL() << "face models missing in CI: " << e.what();
    GTEST_SKIP() << "face models not installed: " << e.what();
  }
  auto bytes = [](const Bytes& b) { return kyc::ImageInput::from_bytes(b.data(), b.size()); };

  // The mixed work: each task returns its comparable report.
  const std::vector<std::pair<std::string, std::function<std::string()>>> tasks = {
      {"face_match obama/obama2",
       [&] { return engine->face_match(bytes(obama_bytes), bytes(obama2_bytes)).to_json(); }},
      {"face_match biden/two_people",
       [&] { return engine->face_match(bytes(biden_bytes), bytes(two_bytes)).to_json(); }},
      {"detect_faces two_people",
       [&] { return kyc::faces_to_json(engine->detect_faces(bytes(two_bytes))); }},
      {"check_photo obama icao",
       [&] { return engine->check_photo(bytes(obama_bytes), "icao").to_json(); }},
      {"parse_mrz", [&] { return kyc::parse_mrz(std::string_view(kMrz)).to_json(); }},
      {"parse_aamva", [&] { return kyc::parse_aamva(aamva).to_json(); }},
      {"read_package", [&] { return kyc::read_package(package.data(), package.size()).to_json(); }},
  };

  std::vector<std::string> expected;
  for (const auto& [name, task] : tasks) expected.push_back(without_timings(task()));
  // The single-threaded results are meaningful (faces found, MRZ and AAMVA valid).
  EXPECT_NE(expected[0].find("\"decision\""), std::string::npos);
  EXPECT_NE(expected[2].find("\"box\""), std::string::npos) << expected[2];
  EXPECT_NE(expected[4].find("\"valid\":true"), std::string::npos);
  EXPECT_NE(expected[5].find("\"valid\":true"), std::string::npos);

  const int per_thread = rounds();
  std::atomic<int> done{0};
  std::mutex failures_mutex;
  std::map<std::string, int> failures;  // task -> mismatches or exceptions
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < per_thread; ++round) {
        for (std::size_t k = 0; k < tasks.size(); ++k) {
          // Each thread starts at a different task so that every kind of work overlaps.
          const std::size_t i = (k + static_cast<std::size_t>(t)) % tasks.size();
          std::string got;
          try {
            got = without_timings(tasks[i].second());
          } catch (const std::exception& e) {
            got = std::string("exception: ") + e.what();
          }
          if (got != expected[i]) {
            std::lock_guard<std::mutex> lock(failures_mutex);
            ++failures[tasks[i].first];
          }
          ++done;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads * per_thread * static_cast<int>(tasks.size()));
  for (const auto& [name, count] : failures) {
    ADD_FAILURE() << name << ": " << count << " concurrent results differ from single-threaded";
  }
  std::printf("stress: %d threads x %d rounds x %zu tasks = %d calls, %zu kinds differing\n",
              kThreads, per_thread, tasks.size(), done.load(), failures.size());
}

}  // namespace
