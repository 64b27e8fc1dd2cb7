// Test support: a ZIP archive built in memory with libzip's writer (deflate), for tests that need
// a KYC package; tests of hostile archives build theirs byte by byte (package_test.cpp).
#pragma once

#include <zip.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kyc_test {

inline std::vector<std::uint8_t> make_zip(
    const std::vector<std::pair<std::string, std::vector<std::uint8_t>>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  for (const auto& [name, content] : files) {
    zip_source_t* src = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (zip_file_add(archive, name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) zip_source_free(src);
  }
  std::vector<std::uint8_t> out;
  if (zip_close(archive) == 0 && zip_source_open(buffer) == 0) {
    zip_source_seek(buffer, 0, SEEK_END);
    out.resize(static_cast<std::size_t>(zip_source_tell(buffer)));
    zip_source_seek(buffer, 0, SEEK_SET);
    zip_source_read(buffer, out.data(), out.size());
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

}  // namespace kyc_test
