// Cheque printed fields (docs/cheque-fields.md): the amount parsers against tables written from
// the forms cheque writers use, and read_printed_cheque_fields against synthetic cheques drawn
// here with OpenCV (the expected values are the ones drawn) and the specimen cheques under
// ../shared/data/docs/micr/cheques (values read off the specimens where unambiguous).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>
#include <vector>

#include "document/cheque/printed_fields.hpp"
#include "document/ocr/tesseract.hpp"
#include "kyc/amount_words.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::parse_amount_words;
using kyc::parse_courtesy_amount;
using kyc::detail::PrintedChequeFields;

// ---- parse_amount_words --------------------------------------------------------------------

struct WordsCase {
  const char* text;
  std::int64_t cents;  // -1: not an amount
};

TEST(AmountWords, Table) {
  const WordsCase cases[] = {
      {"Two hundred dollars and 00/100", 20000},
      {"TWO HUNDRED DOLLARS AND 00/100", 20000},
      {"One thousand two hundred thirty-four and 56/100 dollars", 123456},
      {"One thousand two hundred thirty four and 56/100 dollars", 123456},
      {"Fifty Dollars Only", 5000},
      {"twelve hundred", 120000},
      {"Twelve hundred and no/100", 120000},
      {"Seventy-five and xx/100", 7500},
      {"Seventy five & 25/100", 7525},
      {"One hundred & 00/100 dollars ***", 10000},
      {"Three hundred and 00/100 —————————", 30000},
      {"*** Nine hundred ninety-nine and 99/100 ***", 99999},
      {"---- Forty dollars ----", 4000},
      {"one", 100},
      {"Zero dollars and 50/100", 50},
      {"eleven", 1100},
      {"thirteen", 1300},
      {"fifteen", 1500},
      {"nineteen dollars", 1900},
      {"ninety", 9000},
      {"twenty-one", 2100},
      {"a hundred dollars", 10000},
      {"one hundred and five", 10500},
      {"one thousand", 100000},
      {"ten thousand five hundred", 1050000},
      {"one hundred thousand", 10000000},
      {"nine hundred ninety nine thousand nine hundred ninety nine", 99999900},
      {"two million", 200000000},
      {"one million two hundred thousand and 01/100", 120000001},
      {"Two hundred dollars and fifty cents", 20050},
      {"two hundred dollars and 5/100", 20005},
      {"two hundred dollars and 00 / 100", 20000},
      {"TWO HUNDRED DOLLARS AND OO/1OO", 20000},  // OCR: letter O for zero
      {"One Hundred Dollars and 55/ 100 DOLLARS", 10055},
      {"Fourty dollars", 4000},  // the common misspelling
      {"twenty five hundred", 250000},
      {"Sixty-Six and 66/100 US Dollars", 6666},
      // Not amounts.
      {"", -1},
      {"PAY TO THE ORDER OF", -1},
      {"RECIPIENT'S NAME", -1},
      {"two hundred apples", -1},
      {"twenty thirty", -1},
      {"one two", -1},
      {"hundred hundred", -1},
      {"one thousand one thousand", -1},
      {"one thousand million", -1},
      {"two hundred dollars and 150/100", -1},
      {"two hundred and 00/99", -1},
      {"dollars only", -1},
      {"200 dollars", -1},  // digits are the courtesy amount's business
      {"two hundred dollars and fifty cents and 00/100", -1},
      {"two hundred dollars five", -1},
      {"two hundred dollars and", -1},  // the cents are missing, not zero
      {"One Hundred Dollars &", -1},
      {"Fifty dollars and no/100 only", 5000},
      // Beyond the cap (one billion dollars).
      {"one thousand million dollars", -1},
      {"nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety "
       "nine and 99/100",
       99999999999},
      {"one thousand thousand", -1},
  };
  ASSERT_GE(std::size(cases), 40u);
  for (const auto& c : cases) {
    const auto got = parse_amount_words(c.text);
    if (c.cents < 0) {
      EXPECT_FALSE(got.has_value()) << c.text << " -> " << got.value_or(-1);
    } else {
      ASSERT_TRUE(got.has_value()) << c.text;
      EXPECT_EQ(*got, c.cents) << c.text;
    }
  }
  EXPECT_FALSE(parse_amount_words(std::string(600, 'a')).has_value());  // over the length cap
}

TEST(CourtesyAmount, Table) {
  const WordsCase cases[] = {
      {"200.00", 20000},
      {"$1,234.56", 123456},
      {"$ 1,234.56", 123456},
      {"1234", 123400},
      {"**1,234.56**", 123456},
      {"1 234,56", 123456},  // European: space groups, comma decimal
      {"1.234,56", 123456},  // European: dot groups
      {"1,234", 123400},     // a separator followed by three digits groups thousands
      {"12.5", 1250},
      {".50", 50},
      {"200.-", 20000},
      {"$200 00/100", 20000},
      {"200 xx/100", 20000},
      {"USD 75.10", 7510},
      {"1,000,000.00", 100000000},
      {"999,999,999.99", 99999999999},
      // Not amounts.
      {"", -1},
      {"$", -1},
      {"abc", -1},
      {"12a.00", -1},
      {"1,23,456.00", -1},  // grouping must be by three
      {"1,234.567", -1},    // three decimals is a grouping that does not end the number
      {"1.234.5", -1},
      {"1,000,000,000.00", -1},  // the cap: one billion dollars
      {"200.00 00/100", -1},
      {"1,234 567", -1},  // mixed separators
  };
  for (const auto& c : cases) {
    const auto got = parse_courtesy_amount(c.text);
    if (c.cents < 0) {
      EXPECT_FALSE(got.has_value()) << c.text << " -> " << got.value_or(-1);
    } else {
      ASSERT_TRUE(got.has_value()) << c.text;
      EXPECT_EQ(*got, c.cents) << c.text;
    }
  }
}

// ---- synthetic cheques ---------------------------------------------------------------------

const kyc::detail::TesseractPool& eng() {
  static const kyc::detail::TesseractPool pool([] {
    kyc::detail::TesseractSettings s;
    s.tessdata_dir = kyc::detail::locate_tessdata_dir("eng", "");
    s.model = "eng";
    s.page_segmentation = 11;
    s.variables = {{"user_defined_dpi", "300"}};
    return s;
  }());
  return pool;
}

// A signed cheque is above this ink fraction, a blank signature area below
// (docs/cheque-fields.md: calibrated on the synthetic and specimen cheques).
constexpr double kSignedInk = 0.004;

const cv::Scalar kPaper(232, 240, 246);  // BGR: a light cream tint
const cv::Scalar kBlueInk(150, 40, 10);
const cv::Scalar kBlackInk(25, 25, 25);
const cv::Scalar kPrint(60, 60, 60);
constexpr int kMicrTop = 560;

struct Drawn {
  std::string courtesy = "1,234.56";
  std::string legal = "ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND 56/100";
  std::string date = "MARCH 15, 2024";
  std::string serial = "1042";
  bool signed_ = true;
  cv::Scalar courtesy_ink = kBlueInk;
  enum class Patch { none, courtesy, legal } patch = Patch::none;
};

void text(cv::Mat& m, const std::string& s, cv::Point at, double scale, const cv::Scalar& colour,
          int thickness = 2) {
  cv::putText(m, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv::LINE_AA);
}

cv::Mat draw_cheque(const Drawn& d) {
  cv::Mat m(660, 1500, CV_8UC3, kPaper);
  cv::rectangle(m, {8, 8}, {1491, 651}, kPrint, 2);
  text(m, "JOHN Q SAMPLE", {60, 70}, 0.8, kPrint);
  text(m, "1 MAIN STREET", {60, 100}, 0.6, kPrint, 1);
  text(m, d.serial, {1340, 70}, 1.0, kPrint, 2);
  // Date.
  text(m, "DATE", {950, 150}, 0.8, kPrint);
  text(m, d.date, {1060, 148}, 0.9, kBlueInk);
  cv::line(m, {1040, 160}, {1440, 160}, kPrint, 2);
  // Payee.
  text(m, "PAY TO THE", {60, 260}, 0.8, kPrint);
  text(m, "ORDER OF", {60, 295}, 0.8, kPrint);
  text(m, "JANE PUBLIC", {300, 290}, 1.0, kBlueInk);
  cv::line(m, {240, 302}, {1010, 302}, kPrint, 2);
  // Courtesy amount.
  text(m, "$", {1040, 290}, 1.4, kPrint, 3);
  cv::rectangle(m, {1085, 240}, {1440, 305}, kPrint, 2);
  text(m, d.courtesy, {1110, 288}, 1.1, d.courtesy_ink);
  // Legal amount.
  double legal_scale = 0.9;  // long amounts are written smaller to fit the line
  int baseline = 0;
  while (legal_scale > 0.5 &&
         cv::getTextSize(d.legal, cv::FONT_HERSHEY_SIMPLEX, legal_scale, 2, &baseline).width >
             1150) {
    legal_scale -= 0.05;
  }
  text(m, d.legal, {60, 385}, legal_scale, kBlueInk);
  cv::line(m, {50, 398}, {1250, 398}, kPrint, 2);
  text(m, "DOLLARS", {1270, 395}, 0.8, kPrint);
  // Memo and signature.
  text(m, "MEMO", {60, 500}, 0.7, kPrint);
  cv::line(m, {140, 505}, {700, 505}, kPrint, 2);
  cv::line(m, {900, 510}, {1440, 510}, kPrint, 2);
  if (d.signed_) {
    std::vector<cv::Point> scribble;
    for (int x = 940; x <= 1350; x += 4) {
      scribble.emplace_back(x, 480 + static_cast<int>(22 * std::sin(x / 13.0)) +
                                   static_cast<int>(8 * std::sin(x / 41.0)));
    }
    cv::polylines(m, scribble, false, kBlueInk, 3, cv::LINE_AA);
  }
  // An altered field: a pasted patch of other paper over part of it, rewritten in another ink.
  // The new text is drawn whole on a copy and only the patch is pasted back, so the unchanged
  // rest of the field stays the original writing.
  auto paste = [&](const cv::Rect& patch, const cv::Scalar& paper, const std::string& new_text,
                   cv::Point at, double scale) {
    cv::Mat copy = m.clone();
    copy(patch).setTo(paper);
    text(copy, new_text, at, scale, kBlackInk);
    copy(patch).copyTo(m(patch));
  };
  if (d.patch == Drawn::Patch::courtesy) {  // "1,234.56" raised to "9,234.56"
    paste({1100, 250, 48, 46}, cv::Scalar(250, 250, 250), "9,234.56", {1110, 288}, 1.1);
  } else if (d.patch == Drawn::Patch::legal) {  // "ONE THOUSAND" becomes "NINE THOUSAND"
    paste({52, 352, 120, 42}, cv::Scalar(250, 250, 250), "NINE THOUSAND", {60, 385}, 0.9);
  }
  // A MICR-like band (not read here).
  text(m, "A021000021A 123456789C 1042", {150, 620}, 1.2, kBlackInk, 3);
  // Paper is not flat: a left-to-right shade of 6 levels, sensor noise, JPEG at quality 85.
  cv::Mat shaded;
  m.convertTo(shaded, CV_16SC3);
  for (int x = 0; x < shaded.cols; ++x) {
    shaded.col(x) += cv::Scalar::all(x * 6 / shaded.cols - 3);
  }
  cv::Mat noise(m.size(), CV_16SC3);
  cv::RNG rng(20261121);
  rng.fill(noise, cv::RNG::NORMAL, 0, 2.0);
  shaded += noise;
  shaded.convertTo(m, CV_8UC3);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", m, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
  return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

PrintedChequeFields read(const cv::Mat& m, int micr_top = kMicrTop) {
  if (const char* dir = std::getenv("KYC_CHEQUE_DUMP_DIR")) {  // to look at what was drawn
    static int n = 0;
    cv::imwrite(std::string(dir) + "/cheque_" + std::to_string(n++) + ".png", m);
  }
  const kyc::ImageView view(m.data, m.cols, m.rows,
                            m.channels() == 1 ? kyc::PixelFormat::gray : kyc::PixelFormat::bgr,
                            static_cast<std::ptrdiff_t>(m.step));
  return kyc::detail::read_printed_cheque_fields(view, micr_top, eng());
}

const kyc::detail::RegionStatistics* region(const PrintedChequeFields& f, const std::string& n) {
  for (const auto& r : f.regions) {
    if (r.name == n) return &r;
  }
  return nullptr;
}

TEST(ChequeFields, SyntheticCleanSigned) {
  const auto f = read(draw_cheque({}));
  EXPECT_TRUE(f.courtesy_amount.found);
  EXPECT_EQ(f.courtesy_cents.value_or(-1), 123456);
  EXPECT_TRUE(f.legal_amount.found);
  EXPECT_EQ(f.legal_cents.value_or(-1), 123456);
  EXPECT_TRUE(f.date.found);
  EXPECT_EQ(f.date_iso, "2024-03-15");
  EXPECT_TRUE(f.serial.found);
  EXPECT_EQ(f.serial.text, "1042");
  EXPECT_GT(f.signature_ink, kSignedInk);
  // The courtesy box lies where it was drawn (x 1085..1440, y 240..305).
  EXPECT_GE(f.courtesy_amount.region.x, 1085);
  EXPECT_LE(f.courtesy_amount.region.x + f.courtesy_amount.region.width, 1440);
  // The legal amount was written on y 360..390 from x 60; the signature line is at y 510
  // (x 900..1440) and the signature was drawn on y 450..510 above it.
  EXPECT_NEAR(f.legal_amount.region.y + f.legal_amount.region.height / 2, 375, 15);
  EXPECT_NEAR(f.legal_amount.region.x, 60, 10);
  EXPECT_LE(f.signature_region.y + f.signature_region.height, 510);
  EXPECT_LE(f.signature_region.y, 450);
  EXPECT_GE(f.signature_region.x, 880);
  ASSERT_EQ(f.regions.size(), 3u);
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << r.name << " " << r.reason;
}

TEST(ChequeFields, SyntheticBlankSignatureAndMismatch) {
  Drawn d;
  d.signed_ = false;
  d.courtesy = "250.00";
  d.legal = "TWO HUNDRED AND 00/100";
  d.date = "JULY 4, 2023";
  d.serial = "877";
  const auto f = read(draw_cheque(d));
  EXPECT_EQ(f.courtesy_cents.value_or(-1), 25000);
  EXPECT_EQ(f.legal_cents.value_or(-1), 20000);
  EXPECT_EQ(f.date_iso, "2023-07-04");
  EXPECT_EQ(f.serial.text, "877");
  EXPECT_GE(f.signature_ink, 0.0);
  EXPECT_LT(f.signature_ink, kSignedInk);
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << r.name << " " << r.reason;
}

TEST(ChequeFields, SyntheticPastedPatchOnCourtesyAmountIsFlagged) {
  Drawn d;
  d.patch = Drawn::Patch::courtesy;
  const auto f = read(draw_cheque(d));
  const auto* courtesy = region(f, "courtesy_amount");
  ASSERT_NE(courtesy, nullptr);
  EXPECT_TRUE(courtesy->suspicious);
  EXPECT_EQ(courtesy->reason, "background_inconsistent");
  EXPECT_FALSE(region(f, "payee")->suspicious);
}

TEST(ChequeFields, SyntheticPastedPatchOnLegalAmountIsFlagged) {
  Drawn d;
  d.patch = Drawn::Patch::legal;
  const auto f = read(draw_cheque(d));
  const auto* legal = region(f, "legal_amount");
  ASSERT_NE(legal, nullptr);
  EXPECT_TRUE(legal->suspicious);
  EXPECT_EQ(legal->reason, "background_inconsistent");
  EXPECT_FALSE(region(f, "payee")->suspicious);
}

TEST(ChequeFields, SyntheticOtherInkOnCourtesyAmountIsFlagged) {
  Drawn d;
  d.courtesy_ink = kBlackInk;  // the other fields are written in blue
  const auto f = read(draw_cheque(d));
  EXPECT_EQ(f.courtesy_cents.value_or(-1), 123456);
  const auto* courtesy = region(f, "courtesy_amount");
  ASSERT_NE(courtesy, nullptr);
  EXPECT_TRUE(courtesy->suspicious);
  EXPECT_EQ(courtesy->reason, "ink_inconsistent");
  EXPECT_FALSE(region(f, "legal_amount")->suspicious);
  EXPECT_FALSE(region(f, "payee")->suspicious);
}

// The legal amount as a cheque writer spells it (the test's own drawing input; a wrong spelling
// here would make the reader's result differ from the drawn cents, not agree with it).
std::string words_below_thousand(int n) {
  static const char* kOnes[] = {"",        "ONE",     "TWO",       "THREE",    "FOUR",
                                "FIVE",    "SIX",     "SEVEN",     "EIGHT",    "NINE",
                                "TEN",     "ELEVEN",  "TWELVE",    "THIRTEEN", "FOURTEEN",
                                "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN"};
  static const char* kTens[] = {"",      "",      "TWENTY",  "THIRTY", "FORTY",
                                "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY"};
  std::string out;
  if (n >= 100) {
    out = std::string(kOnes[n / 100]) + " HUNDRED";
    n %= 100;
  }
  if (n >= 20) {
    out += (out.empty() ? "" : " ") + std::string(kTens[n / 10]);
    if (n % 10 != 0) out += std::string("-") + kOnes[n % 10];
  } else if (n > 0) {
    out += (out.empty() ? "" : " ") + std::string(kOnes[n]);
  }
  return out;
}

std::string legal_words(int dollars, int cents) {
  std::string out;
  if (dollars >= 1000) out = words_below_thousand(dollars / 1000) + " THOUSAND";
  if (dollars % 1000 != 0) out += (out.empty() ? "" : " ") + words_below_thousand(dollars % 1000);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, " AND %02d/100", cents);
  return out + fraction;
}

std::string courtesy_digits(int dollars, int cents) {
  char buf[32];
  if (dollars >= 1000) {
    std::snprintf(buf, sizeof buf, "%d,%03d.%02d", dollars / 1000, dollars % 1000, cents);
  } else {
    std::snprintf(buf, sizeof buf, "%d.%02d", dollars, cents);
  }
  return buf;
}

// A set of cheques with amounts, dates and serials drawn from a seeded generator: every field
// read must equal what was drawn on at least 90 % of them (the measured figure is printed and
// recorded in docs/cheque-fields.md).
TEST(ChequeFields, SyntheticSetAccuracy) {
  static const char* kMonths[] = {"JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                                  "MAY",       "JUNE",     "JULY",     "AUGUST",
                                  "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"};
  cv::RNG rng(8);
  constexpr int kCheques = 24;
  int courtesy_ok = 0, legal_ok = 0, date_ok = 0, serial_ok = 0, signature_ok = 0;
  for (int i = 0; i < kCheques; ++i) {
    const int dollars = i % 4 == 0 ? rng.uniform(1, 100) : rng.uniform(1, 100000);
    const int cents = rng.uniform(0, 100);
    const int year = rng.uniform(2019, 2027), month = rng.uniform(1, 13), day = rng.uniform(13, 29);
    Drawn d;
    d.courtesy = courtesy_digits(dollars, cents);
    d.legal = legal_words(dollars, cents);
    char date[40];
    if (i % 2 == 0) {
      std::snprintf(date, sizeof date, "%s %d, %d", kMonths[month - 1], day, year);
    } else {
      std::snprintf(date, sizeof date, "%02d/%02d/%d", month, day, year);  // US order
    }
    d.date = date;
    d.serial = std::to_string(rng.uniform(101, 99999));
    d.signed_ = i % 3 != 0;
    const auto f = read(draw_cheque(d));
    const std::int64_t expected = std::int64_t{dollars} * 100 + cents;
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
    courtesy_ok += f.courtesy_cents == expected;
    legal_ok += f.legal_cents == expected;
    date_ok += f.date_iso == iso;
    serial_ok += f.serial.text == d.serial;
    signature_ok += (f.signature_ink > kSignedInk) == d.signed_;
    for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << i << " " << r.name;
  }
  std::printf("synthetic set of %d: courtesy %d, legal %d, date %d, serial %d, signature %d\n",
              kCheques, courtesy_ok, legal_ok, date_ok, serial_ok, signature_ok);
  const int needed = kCheques * 9 / 10;
  EXPECT_GE(courtesy_ok, needed);
  EXPECT_GE(legal_ok, needed);
  EXPECT_GE(date_ok, needed);
  EXPECT_GE(serial_ok, needed);
  EXPECT_EQ(signature_ok, kCheques);
}

// ---- specimen cheques ----------------------------------------------------------------------

cv::Mat load(const std::string& path) {
  return cv::imread(path, cv::IMREAD_COLOR);
}

// template_check_01.jpg (1387x579): read off the specimen - "$ 200.00" in the box, "TWO HUNDRED
// DOLLARS AND 00/100" on the legal line, "5673" top right, date "JANUARY 1, 20XX" (not a date).
// Its MICR glyphs start at y ~ 497, so the band is given as starting at 485.
TEST(ChequeFields, TemplateSpecimen) {
  KYC_SHARED_FILE(path, "data/docs/micr/cheques/template_check_01.jpg");
  const auto f = read(load(path), 485);
  EXPECT_EQ(f.courtesy_cents.value_or(-1), 20000);
  EXPECT_EQ(f.legal_cents.value_or(-1), 20000);
  EXPECT_EQ(f.serial.text, "5673");
  EXPECT_EQ(f.date_iso, "");  // "20XX" is not a year
  // "YOUR SIGNATURE HERE" is printed above the signature line.
  EXPECT_GT(f.signature_ink, kSignedInk);
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << r.name << " " << r.reason;
}

// sample_check_03.jpg (1025x421): a blank specimen - serial "186" top right, no amounts, no date.
// Its courtesy box has a printed tint of its own, which must not count as an alteration.
TEST(ChequeFields, BlankSampleSpecimen) {
  KYC_SHARED_FILE(path, "data/docs/micr/cheques/sample_check_03.jpg");
  const auto f = read(load(path), 375);
  EXPECT_EQ(f.serial.text, "186");
  EXPECT_FALSE(f.courtesy_amount.found);
  EXPECT_FALSE(f.legal_amount.found);
  EXPECT_FALSE(f.date.found);
  EXPECT_FALSE(f.courtesy_cents.has_value());
  EXPECT_FALSE(f.legal_cents.has_value());
  EXPECT_EQ(f.date_iso, "");
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << r.name << " " << r.reason;
}

// wikimedia_sample_check.png (708x310): Canadian layout, serial "243" top right, "$ 100.55" in a
// white box on a tinted page; nothing on it is altered.
TEST(ChequeFields, WikimediaSpecimen) {
  KYC_SHARED_FILE(path, "data/docs/micr/cheques/wikimedia_sample_check.png");
  const auto f = read(load(path), 255);
  EXPECT_EQ(f.serial.text, "243");
  EXPECT_EQ(f.courtesy_cents.value_or(-1), 10055);
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious) << r.name << " " << r.reason;
}

// Tesseract prints diagnostics to stderr unless told otherwise ("Detected 26 diacritics" from a
// sparse-text pass over this cheque's handwriting); a library linked into a service must leave
// its host's stderr alone.
TEST(ChequeFields, OcrWritesNothingToStderr) {
  KYC_SHARED_FILE(path, "data/docs/micr/cheques/wikimedia_sample_check.png");
  cv::Mat gray = cv::imread(path, cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(gray.empty());
  cv::resize(gray, gray, cv::Size(), 1600.0 / gray.cols, 1600.0 / gray.cols, cv::INTER_CUBIC);
  testing::internal::CaptureStderr();
  const auto lines =
      eng().recognise(gray.data, gray.cols, gray.rows, static_cast<int>(gray.step), 11);
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_GT(lines.size(), 5u);
  EXPECT_EQ(printed, "");
}

// ---- bad input and threads -----------------------------------------------------------------

void expect_nothing_found(const PrintedChequeFields& f) {
  EXPECT_FALSE(f.courtesy_amount.found);
  EXPECT_FALSE(f.legal_amount.found);
  EXPECT_FALSE(f.date.found);
  EXPECT_FALSE(f.serial.found);
  EXPECT_FALSE(f.courtesy_cents.has_value());
  EXPECT_FALSE(f.legal_cents.has_value());
  EXPECT_EQ(f.date_iso, "");
  for (const auto& r : f.regions) EXPECT_FALSE(r.suspicious);
}

TEST(ChequeFields, BadInput) {
  const cv::Mat tiny(10, 10, CV_8UC3, cv::Scalar(255, 255, 255));
  expect_nothing_found(read(tiny, 8));
  const cv::Mat blank(660, 1500, CV_8UC3, cv::Scalar(255, 255, 255));
  const auto b = read(blank);
  expect_nothing_found(b);
  EXPECT_LT(b.signature_ink, kSignedInk);
  const cv::Mat gray(660, 1500, CV_8UC1, cv::Scalar(128));
  expect_nothing_found(read(gray));
  const cv::Mat cheque = draw_cheque({});
  for (int top : {-5, 0, 100, 661, 100000}) {
    SCOPED_TRACE(top);
    expect_nothing_found(read(cheque, top));
  }
  const kyc::ImageView empty;
  expect_nothing_found(kyc::detail::read_printed_cheque_fields(empty, 100, eng()));
}

TEST(ChequeFields, ConcurrentCallsAgree) {
  const cv::Mat cheque = draw_cheque({});
  const auto expected = read(cheque);
  std::vector<PrintedChequeFields> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { got[t] = read(cheque); });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) {
    EXPECT_EQ(g.courtesy_amount.text, expected.courtesy_amount.text);
    EXPECT_EQ(g.courtesy_cents, expected.courtesy_cents);
    EXPECT_EQ(g.legal_amount.text, expected.legal_amount.text);
    EXPECT_EQ(g.legal_cents, expected.legal_cents);
    EXPECT_EQ(g.date_iso, expected.date_iso);
    EXPECT_EQ(g.serial.text, expected.serial.text);
    EXPECT_EQ(g.signature_ink, expected.signature_ink);
    ASSERT_EQ(g.regions.size(), expected.regions.size());
    for (std::size_t i = 0; i < g.regions.size(); ++i) {
      EXPECT_EQ(g.regions[i].background_delta, expected.regions[i].background_delta);
      EXPECT_EQ(g.regions[i].ink_delta, expected.regions[i].ink_delta);
      EXPECT_EQ(g.regions[i].suspicious, expected.regions[i].suspicious);
    }
  }
}

}  // namespace
