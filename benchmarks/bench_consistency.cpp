// Consistency check and applicant loading: per-call cost (synthetic data generated here).
#include <benchmark/benchmark.h>

#include <string>

#include "kyc/applicant.hpp"
#include "kyc/consistency.hpp"

namespace {

kyc::DocumentRead source(kyc::FieldSource s) {
  kyc::DocumentRead r;
  r.source = s;
  r.fields.surname = "MUELLER";
  r.fields.given_names = "JUERGEN KARL";
  r.fields.date_of_birth = "1974-08-12";
  r.fields.date_of_issue = "2020-04-16";
  r.fields.date_of_expiry = "2030-04-15";
  r.fields.document_number = "D23145890";
  r.fields.sex = "M";
  r.fields.address = {"123 N MAIN ST APT 4", "ARLINGTON", "VA", "222011234", "USA"};
  return r;
}

void BM_CheckConsistency(benchmark::State& state) {
  kyc::DocumentRead applicant = source(kyc::FieldSource::applicant);
  applicant.fields.surname = "Müller";
  applicant.fields.given_names = "Jürgen";
  applicant.fields.date_of_birth = "12/08/1974";
  applicant.fields.address = {"123 North Main Street, Apartment 4", "Arlington", "Virginia",
                              "22201", ""};
  kyc::DocumentRead mrz = source(kyc::FieldSource::mrz);
  mrz.fields.address = {};
  mrz.verified_fields = {"document_number", "date_of_birth", "date_of_expiry"};
  const std::vector<kyc::DocumentRead> reads = {mrz, source(kyc::FieldSource::viz),
                                                source(kyc::FieldSource::barcode)};
  kyc::ConsistencyOptions options;
  options.as_of = "2024-06-01";
  for (auto _ : state) {
    benchmark::DoNotOptimize(kyc::check_consistency(applicant, reads, options));
  }
}
BENCHMARK(BM_CheckConsistency);

void BM_LoadApplicantForm(benchmark::State& state) {
  const std::string csv =
      "first_name,last_name,date_of_birth,address,city,state,zip,licence_number\r\n"
      "Anna Maria,Eriksson,12 Aug 1974,\"123 Main St, Apt 4\",Arlington,VA,22201,T64182889\r\n";
  for (auto _ : state) benchmark::DoNotOptimize(kyc::load_applicant_csv(csv));
}
BENCHMARK(BM_LoadApplicantForm);

void BM_LoadManifest(benchmark::State& state) {
  std::string csv = "first_name,last_name,dob,licence,zip\n";
  for (int i = 0; i < state.range(0); ++i) {
    csv += "Given" + std::to_string(i) + ",Surname,1980-01-02,X" + std::to_string(i) + ",22201\n";
  }
  for (auto _ : state) benchmark::DoNotOptimize(kyc::load_applicants_csv(csv));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(csv.size()));
}
BENCHMARK(BM_LoadManifest)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
