// Cheque printed fields (stub: the first commit fixes the interface; fields are not read yet).
#include "document/cheque/printed_fields.hpp"

namespace kyc::detail {

PrintedChequeFields read_printed_cheque_fields(const ImageView& /*cheque*/, int /*micr_band_top*/,
                                               const TesseractPool& /*eng*/) {
  return {};
}

}  // namespace kyc::detail
