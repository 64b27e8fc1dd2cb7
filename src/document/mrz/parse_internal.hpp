// Internal: the MRZ text parser shared by parse_mrz and MrzReader.
#pragma once

#include <string>
#include <vector>

#include "kyc/mrz.hpp"

namespace kyc::detail {

MrzResult parse_lines(std::vector<std::string> lines, const MrzParseOptions& options);

}  // namespace kyc::detail
