// Internal: the two halves of read_package (safe extraction, content identification).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kyc/package.hpp"

namespace kyc::package_detail {

/// Extracts every regular file (libzip, fully in memory) after the safety checks; fills name,
/// bytes and compressed_bytes of each entry, and warnings for skipped entries.
Package extract(const std::uint8_t* data, std::size_t size, const PackageLimits& limits);

/// Fills detected_type and the content cues (width, height, has_pdf417). Throws
/// PackageError(nested_archive) when an entry is itself an archive.
void identify_content(PackageEntry& entry, const PackageLimits& limits,
                      std::vector<std::string>& warnings);

/// A name made safe to put in a message: control bytes and invalid UTF-8 as \xNN, quotes
/// escaped, at most ~80 bytes.
std::string printable_name(std::string_view name);

}  // namespace kyc::package_detail
