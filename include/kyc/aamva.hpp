// kyc — AAMVA DL/ID barcode reading (the PDF417 on the back of North American licences).
//
// parse_aamva() turns the decoded barcode payload (AAMVA DL/ID Card Design Standard, versions
// 01–10 and pre-standard "AAMVA" files; also legacy magnetic-stripe track data) into an
// AamvaResult: the header, every raw element in order, and the normalised DocumentFields the
// consistency check compares. read_pdf417() finds PDF417 symbols in an image with zxing-cpp;
// read_aamva() is decode + parse.
//
// A payload that is not AAMVA, is truncated or is malformed is a *result* (valid == false and a
// stable reason code, see docs/aamva.md), never an exception. Real-world quirks that were
// tolerated (BOMs, stripped or substituted separators, CCYYMMDD dates in a US file, ...) are
// listed in `warnings`. Nothing here logs personal fields.
//
// Thread-safety: all functions are re-entrant; results are plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kyc/document.hpp"
#include "kyc/export.hpp"
#include "kyc/image.hpp"

namespace kyc {

/// Payloads larger than this are rejected (reason "too_large") before anything is parsed.
/// A PDF417 symbol holds at most ~1.1 KB of bytes; 64 KiB leaves room for concatenated symbols.
constexpr std::size_t kAamvaMaxPayloadBytes = 64u * 1024u;

/// A yes / no flag that a barcode may leave unset.
enum class AamvaFlag : std::uint8_t { unknown, no, yes };
KYC_API const char* aamva_flag_name(AamvaFlag flag) noexcept;  ///< "unknown", "no", "yes"

/// One data element: three-letter id ("DAQ") and its value exactly as encoded (padding kept;
/// separators removed).
struct AamvaElement {
  std::string id;
  std::string value;
};

/// One subfile ("DL", "ID", or a jurisdiction subfile "Z?"), with its elements in order.
struct AamvaSubfile {
  std::string type;
  int declared_offset = -1;  ///< from the header's subfile designator (-1: none)
  int declared_length = -1;
  std::vector<AamvaElement> elements;
};

/// The file header. Versions: 0 = pre-standard, 1 = DL/ID-2000, 2 = 2003, 3 = 2005, 4 = 2009,
/// 5 = 2010, 6 = 2011, 7 = 2012, 8 = 2013, 9 = 2016, 10 = 2020.
struct AamvaHeader {
  std::string file_type;          ///< "ANSI ", or the pre-standard "AAMVA" (quirk: "AMVA ")
  std::string iin;                ///< Issuer Identification Number, six digits ("636000")
  int aamva_version = -1;         ///< -1 when absent (magnetic stripe)
  int jurisdiction_version = -1;  ///< -1 when the version has no such field (00 / 01)
  int entry_count = 0;            ///< number of subfile designators declared
};

/// A jurisdiction from the AAMVA IIN list.
struct AamvaJurisdiction {
  const char* iin;           ///< "636000"
  const char* abbreviation;  ///< "VA"
  const char* name;          ///< "Virginia"
  const char* country;       ///< ICAO alpha-3 of the issuing country: "USA", "CAN", "MEX"
};

/// The jurisdiction that owns an IIN, or nullptr when the IIN is not on the AAMVA list.
KYC_API const AamvaJurisdiction* aamva_jurisdiction(std::string_view iin) noexcept;
/// The publication year of an AAMVA version (1 -> 2000 ... 10 -> 2020); 0 when unknown.
KYC_API int aamva_standard_year(int aamva_version) noexcept;

/// Where a PDF417 symbol was found: its four corners (top-left, top-right, bottom-right,
/// bottom-left of the symbol as read), in image pixels.
struct Pdf417Position {
  int x[4] = {0, 0, 0, 0};
  int y[4] = {0, 0, 0, 0};
};

/// A decoded PDF417 symbol.
struct Pdf417Symbol {
  std::vector<std::uint8_t> bytes;  ///< the payload bytes exactly as encoded
  std::string text;  ///< the content as UTF-8, character sets (ECI) applied by zxing-cpp
  Pdf417Position position;
  int orientation_degrees = 0;  ///< rotation of the symbol in the image (0, 90, 180, 270, ...)
};

/// The reading of an AAMVA barcode (or magnetic stripe).
struct KYC_API AamvaResult {
  /// True when the payload was recognised and a DL/ID subfile (or stripe) was parsed. Missing
  /// individual fields do not make a result invalid; they are simply empty.
  bool valid = false;
  /// Empty when valid, else a stable code: "empty", "too_large", "not_aamva", "truncated_header",
  /// "invalid_header", "no_dl_id_subfile", "invalid_magstripe"; from images also "no_barcode".
  std::string reason;
  std::string message;  ///< human-readable detail (never personal data)
  std::string format;   ///< "pdf417" or "magstripe" (empty when not recognised)

  AamvaHeader header;
  std::string jurisdiction_name;  ///< from the IIN ("Virginia"); empty for an unknown IIN
  std::vector<AamvaSubfile> subfiles;

  /// The normalised fields (source: barcode). Dates ISO "YYYY-MM-DD"; sex "M"/"F"/"X";
  /// document_type "DL"/"ID"; issuing_country "USA"/"CAN"; issuing_region the IIN's
  /// jurisdiction ("VA"), else the address state; address.postal_code "22201-1234"/"E5K 1Y3".
  DocumentFields fields;

  // Name parts (fields.given_names = first + " " + middle). A DCT element (2003/2005 "given
  // names", no first/middle split defined) goes whole into first_name.
  std::string first_name;
  std::string middle_name;
  std::string name_suffix;  ///< DCU / DAE / 4th part of DAA ("JR", "3RD")
  // Truncation flags DDE (family), DDF (first), DDG (middle): "T" yes, "N" no, else unknown.
  AamvaFlag family_name_truncated = AamvaFlag::unknown;
  AamvaFlag first_name_truncated = AamvaFlag::unknown;
  AamvaFlag middle_name_truncated = AamvaFlag::unknown;

  // Address lines (fields.address.street joins them with a space).
  std::string street_line_1;  ///< DAG (DAL when DAG is empty)
  std::string street_line_2;  ///< DAH ("NONE" and a repeat of the city line are dropped)

  // Physical description.
  int height_inches = 0;        ///< when encoded in inches ("068 in", "5-09", v01 "509")
  int height_cm = 0;            ///< when encoded in centimetres ("175 cm", DAV)
  std::string height_as_given;  ///< the raw value, trimmed
  int weight_lb = 0;            ///< DAW
  int weight_kg = 0;            ///< DAX
  int weight_range = -1;        ///< DCE 0..9 (-1: absent); see aamva_weight_range_lb
  std::string eye_color;        ///< DAY decoded ("Brown"); the code when unknown
  std::string hair_color;       ///< DAZ decoded ("Blond")
  std::string ethnicity;        ///< DCL decoded ("White")
  std::string place_of_birth;   ///< DCI

  // Licence data.
  std::string vehicle_class;             ///< DCA (v01: DAR); "NONE" -> empty
  std::string restriction_codes;         ///< DCB (v01: DAS)
  std::string endorsement_codes;         ///< DCD (v01: DAT)
  std::string document_discriminator;    ///< DCF
  std::string inventory_control_number;  ///< DCK
  std::string revision_date;             ///< DDB, ISO
  std::string compliance_type;  ///< DDA decoded: "fully_compliant", "materially_compliant",
                                ///< "non_compliant"
  std::string under_18_until;   ///< DDH, ISO
  std::string under_19_until;   ///< DDI, ISO
  std::string under_21_until;   ///< DDJ, ISO
  AamvaFlag organ_donor = AamvaFlag::unknown;              ///< DDK (v01: DBH)
  AamvaFlag veteran = AamvaFlag::unknown;                  ///< DDL
  AamvaFlag temporary_lawful_status = AamvaFlag::unknown;  ///< DDD

  bool has_position = false;  ///< set by read_aamva: where the symbol was
  Pdf417Position position;

  /// Quirks tolerated, as stable codes ("bom_stripped", "header_separators_nonstandard",
  /// "no_element_separators", "date_format_fallback:DBB", ...). See docs/aamva.md.
  std::vector<std::string> warnings;

  /// The first DL/ID element with this id, or nullptr.
  const AamvaElement* element(std::string_view id) const;
  /// The elements of the jurisdiction subfile(s) ("Z?"), in order.
  std::vector<AamvaElement> jurisdiction_elements() const;

  /// What the consistency check consumes: source barcode, fields, truncated_fields from
  /// DDE/DDF/DDG ("surname", "given_names").
  DocumentRead to_document_read() const;
  /// {"schema": "kyc.aamva", "schema_version": 1, ...}; indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// The weight range of DCE code 0..9 in pounds, e.g. 2 -> {101, 130}; {0, 0} when out of range
/// (range 9 is "321 and over": {321, 0}).
struct AamvaWeightRange {
  int min_lb = 0;
  int max_lb = 0;
};
KYC_API AamvaWeightRange aamva_weight_range_lb(int code) noexcept;

/// Parses an AAMVA payload (PDF417 text or magnetic-stripe tracks). Never throws for bad data;
/// throws Error(invalid_argument) only for a null pointer with a non-zero size.
KYC_API AamvaResult parse_aamva(const std::uint8_t* data, std::size_t size);
inline AamvaResult parse_aamva(std::string_view payload) {
  return parse_aamva(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
}

/// Options for PDF417 detection.
struct Pdf417Options {
  bool try_rotate = true;  ///< also look for symbols rotated by 90/270 degrees
  bool try_harder = true;  ///< spend more time on poor images
  int max_symbols = 8;     ///< stop after this many symbols (1..255)
};

/// Every PDF417 symbol zxing-cpp finds in the image, in reading order. An empty vector means
/// no symbol was found. Throws Error(invalid_argument) for an empty view.
KYC_API std::vector<Pdf417Symbol> read_pdf417(const ImageView& image,
                                              const Pdf417Options& options = {});

/// Decodes the image and parses the first PDF417 symbol that is AAMVA. No symbol: valid false,
/// reason "no_barcode"; symbols but none AAMVA: reason "not_aamva" (position of the first).
KYC_API AamvaResult read_aamva(const ImageView& image, const Pdf417Options& options = {});

}  // namespace kyc
