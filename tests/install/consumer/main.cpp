// Consumer of an installed kyc (C++17): version, decoding, errors across the library boundary,
// and an Engine when the face models are installed.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <kyc/kyc.hpp>

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "kyc_consumer_cpp: FAILED: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  if (std::strcmp(kyc::version(), KYC_VERSION_STRING) != 0) {
    return fail("kyc::version() differs from KYC_VERSION_STRING");
  }
  std::printf("kyc %s\n", kyc::version());

  // A 3x2 binary PGM, decoded in memory.
  const char header[] = "P5\n3 2\n255\n";
  std::vector<std::uint8_t> pgm(header, header + sizeof header - 1);
  for (std::uint8_t v : {0, 40, 80, 120, 160, 200}) pgm.push_back(v);
  const kyc::Image image = kyc::decode_image(pgm.data(), pgm.size());
  if (image.width() != 3 || image.height() != 2) return fail("decode_image dimensions");

  // kyc::Error thrown inside libkyc must be catchable here (exported type information).
  const std::uint8_t garbage[] = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  try {
    (void)kyc::decode_image(garbage, sizeof garbage);
    return fail("decode_image accepted garbage");
  } catch (const kyc::Error& e) {
    std::printf("garbage rejected: %s (%s)\n", kyc::error_code_name(e.code()), e.what());
  }

  try {
    const kyc::Engine engine;
    const kyc::Image decoded = engine.decode(kyc::ImageInput::from_bytes(pgm.data(), pgm.size()));
    if (decoded.width() != 3) return fail("Engine::decode dimensions");
    const std::vector<kyc::Face> faces = engine.detect_faces(decoded);
    std::printf("engine ready (%s), %zu faces in a 3x2 image\n",
                engine.face_analyzer().name().c_str(), faces.size());
  } catch (const kyc::Error& e) {
    if (e.code() != kyc::ErrorCode::model_not_found) throw;
    std::printf("engine not created, models not installed: %s\n", e.what());
  }
  std::printf("kyc_consumer_cpp: OK\n");
  return 0;
}
