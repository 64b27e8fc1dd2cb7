// ICAO 9303 part 3 codes for issuing states and nationalities: ISO 3166-1 alpha-3 (generated
// from Debian's iso-codes iso_3166-1.json) plus the codes ICAO adds for Germany, the British
// nationality classes, the United Nations, stateless persons and refugees, the EU and
// organisations that issue travel documents.
#include <algorithm>
#include <array>
#include <string_view>

#include "kyc/mrz.hpp"

namespace kyc {
namespace {

// Sorted, for binary search.
constexpr std::array<std::string_view, 249> kIso3166Alpha3 = {
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
};

// ICAO 9303 part 3, 5: codes that are not ISO 3166-1 alpha-3.
constexpr std::array<std::string_view, 26> kIcaoSpecialCodes = {
    "D",                                // Germany
    "EUE",                              // European Union laissez-passer
    "GBD", "GBN", "GBO", "GBP", "GBS",  // British nationality classes
    "RKS",                              // Kosovo
    "UNA", "UNK", "UNO",                // United Nations
    "XBA", "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO",  // organisations
    "XXA", "XXB", "XXC", "XXX",  // stateless, refugees, unspecified
};

}  // namespace

bool is_icao_country_code(std::string_view code) noexcept {
  if (code == "UTO") return true;  // the specimen state "Utopia"; callers flag it
  if (std::binary_search(kIso3166Alpha3.begin(), kIso3166Alpha3.end(), code)) return true;
  return std::find(kIcaoSpecialCodes.begin(), kIcaoSpecialCodes.end(), code) !=
         kIcaoSpecialCodes.end();
}

}  // namespace kyc
