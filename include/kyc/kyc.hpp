// kyc — identity verification: face match with evidence.
//
//   #include <kyc/kyc.hpp>
//   kyc::Engine engine;  // or kyc::Engine(kyc::Config::from_json(R"({"face": {"jitters": 1}})"))
//   auto result = engine.face_match(kyc::ImageInput::from_path("id.jpg"),
//                                   kyc::ImageInput::from_path("selfie.jpg"));
//   std::cout << result.to_json(2);
#pragma once

#include "kyc/aamva.hpp"
#include "kyc/amount_words.hpp"
#include "kyc/applicant.hpp"
#include "kyc/cheque.hpp"
#include "kyc/config.hpp"
#include "kyc/consistency.hpp"
#include "kyc/document.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"
#include "kyc/models.hpp"
#include "kyc/onboarding.hpp"
#include "kyc/package.hpp"
#include "kyc/photo.hpp"
#include "kyc/mrz.hpp"
#include "kyc/ocr.hpp"
#include "kyc/results.hpp"
#include "kyc/verifier.hpp"
#include "kyc/version.hpp"
