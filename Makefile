# kyc — the two commands:
#   make demo   installs dependencies, builds, and runs kyc on sample data: a face match, a
#               passport-photo check (with an annotated picture), a passport read, a cheque
#               read and a batch photo check of a folder
#   make test   installs dependencies, builds, and runs every test (C++, C, install, Python,
#               CLI batch, the local service, the AWS serverless example, fuzz smoke)
# Other targets: build, bench, calibrate, eval, python, format, clean.

BUILD      ?= build/release
JOBS       ?= 2
PYTHON     ?= python3
KYC_SHARED ?= $(abspath $(CURDIR)/../shared)
export KYC_SHARED
# The OCR-B MRZ model lives in the shared folder (its licence keeps it out of this repository).
KYC_TESSDATA_DIR ?= $(KYC_SHARED)/models/tessdata
export KYC_TESSDATA_DIR
export CMAKE_BUILD_PARALLEL_LEVEL = $(JOBS)

FACES := $(KYC_SHARED)/data/faces/face_recognition/examples

.PHONY: setup configure build demo test test-cpp test-python test-serverless python bench calibrate eval format clean

setup:
	@scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: setup $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(BUILD)/examples/cli/kyc face-match $(FACES)/biden.jpg $(FACES)/two_people.jpg --pretty
	$(BUILD)/examples/cli/kyc photo-check $(FACES)/obama.jpg --annotate $(BUILD)/obama-annotated.png || true
	@echo "annotated photo: $(BUILD)/obama-annotated.png"
	$(BUILD)/examples/cli/kyc doc-read $(KYC_SHARED)/data/docs/passporteye/tests/data/passport-td3.jpg --pretty
	$(BUILD)/examples/cli/kyc cheque-read $(KYC_SHARED)/data/docs/micr/cheques/sample_check_03.jpg --pretty || true
	$(BUILD)/examples/cli/kyc batch $(FACES) --jobs $(JOBS) --out $(BUILD)/faces.ndjson --restart
	@echo "batch results (one NDJSON line per photo): $(BUILD)/faces.ndjson"

test-cpp: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The Python package is built exactly as users get it: `pip install .` (incremental build dir).
python: setup
	$(PYTHON) -m pip install -q --no-build-isolation --disable-pip-version-check .

test-python: python
	$(PYTHON) -m pytest tests/python -q

# The AWS serverless example (examples/aws_serverless) against moto in server mode on loopback.
test-serverless: python
	$(PYTHON) -m pytest examples/aws_serverless/tests -q

# The fuzz targets run a few seconds each so that they stay buildable and sane (issue 7); longer
# runs: make fuzz FUZZ_SECONDS=300.
test: test-cpp test-python test-service test-serverless fuzz-smoke

# The local service (examples/service): its tests start the real service on loopback; `make
# service` runs it on SERVICE_PORT with a generated development key in SERVICE_DATA.
SERVICE_DATA ?= $(BUILD)/service-data
SERVICE_PORT ?= 8080
.PHONY: service test-service test-serverless
test-service: python
	cd examples/service && $(PYTHON) -m pytest tests -q

service: python
	@mkdir -p $(SERVICE_DATA) && chmod 700 $(SERVICE_DATA)
	@test -s $(SERVICE_DATA)/dev.keys || (umask 077 && $(PYTHON) -c "import base64,os; \
	  print('dev1:' + base64.b64encode(os.urandom(32)).decode())" > $(SERVICE_DATA)/dev.keys)
	@echo "API key of client 'dev' (shown once): $$(cd examples/service && \
	  $(PYTHON) -m kyc_service create-key --client dev --data $(abspath $(SERVICE_DATA)))"
	cd examples/service && KYC_SERVICE_KEY_FILE=$(abspath $(SERVICE_DATA))/dev.keys \
	  KYC_SERVICE_ENGINE_CONFIG='{"document": {"tessdata_dir": "$(KYC_TESSDATA_DIR)"}}' \
	  $(PYTHON) -m kyc_service serve --host 127.0.0.1 --port $(SERVICE_PORT) --data $(abspath $(SERVICE_DATA))

bench: build
	$(BUILD)/benchmarks/kyc_bench_face --benchmark_min_time=2
	$(BUILD)/benchmarks/kyc_bench_photo --benchmark_min_time=2
	OMP_THREAD_LIMIT=1 $(BUILD)/benchmarks/kyc_bench_document
	OMP_THREAD_LIMIT=1 $(BUILD)/benchmarks/kyc_bench_cheque
	$(BUILD)/benchmarks/kyc_bench_aamva
	$(BUILD)/benchmarks/kyc_bench_consistency
	$(PYTHON) benchmarks/bench_python.py

calibrate: build
	$(BUILD)/tools/kyc_calibrate_faces --protocol view1-train
	$(BUILD)/tools/kyc_calibrate_faces --protocol view1-test

# Accuracy and speed on the shared data (docs/evaluation.md); reports in $(BUILD)/eval.
# Curves need matplotlib (pip install '.[eval]'); peers side by side with
# EVAL_FACE_PEER="--peer face_recognition" EVAL_MRZ_PEER="--peer passporteye".
EVAL_FACE_PEER ?=
EVAL_MRZ_PEER ?=
eval: python
	$(PYTHON) -m kyc.eval faces --pairs $(KYC_SHARED)/data/faces/lfw/pairs.tsv \
	  --root $(KYC_SHARED)/data/faces/lfw/images --cross-impostors --out $(BUILD)/eval/faces $(EVAL_FACE_PEER)
	$(PYTHON) -m kyc.eval mrz --images $(KYC_SHARED)/data/docs/passporteye \
	  --expected $(KYC_SHARED)/data/docs/passporteye/expected.json --expected-root $(KYC_SHARED)/data/docs \
	  --out $(BUILD)/eval/mrz $(EVAL_MRZ_PEER)
	$(PYTHON) -m kyc.eval photo --labels $(KYC_SHARED)/data/faces/tables/yale_conditions.tsv \
	  --root $(KYC_SHARED)/data/faces --out $(BUILD)/eval/photo

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp' '*.h' '*.c')

clean:
	rm -rf build

# --- reliability (docs/reliability.md) -------------------------------------------------------
# fuzz: every libFuzzer target for FUZZ_SECONDS each (clang, build/fuzz); fuzz-smoke (part of
# `make test`): a few seconds each, so the targets stay buildable and sane.
# check-sanitizers: the C++ and C test suites under ASan+UBSan (build/asan), then the
# concurrency stress test under TSan (build/tsan).
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_aamva fuzz_applicant fuzz_c_abi fuzz_cheque_text fuzz_config_json fuzz_decode_image \
                fuzz_mrz fuzz_package fuzz_photo_profile_json
ASAN_BUILD   ?= build/asan
TSAN_BUILD   ?= build/tsan

.PHONY: fuzz fuzz-build fuzz-smoke check-sanitizers check-asan check-tsan

fuzz-build: setup
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DKYC_FUZZ=ON \
	  -DKYC_BUILD_TESTS=OFF -DKYC_BUILD_BENCHMARKS=OFF -DKYC_BUILD_CLI=OFF -DKYC_INSTALL=OFF
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(FUZZ_TARGETS)

# Each target runs on a scratch copy of its committed seeds (tests/fuzz/corpus/<target>), so
# the repository only ever holds the hand-made seeds; crashes land in $(FUZZ_BUILD)/crashes.
fuzz: fuzz-build
	@tests/fuzz/run_fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

check-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Release -DKYC_SANITIZE=address,undefined \
	  -DKYC_BUILD_BENCHMARKS=OFF -DKYC_BUILD_CLI=OFF -DKYC_INSTALL=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS)

check-tsan:
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Release -DKYC_SANITIZE=thread \
	  -DKYC_BUILD_BENCHMARKS=OFF -DKYC_BUILD_CLI=OFF -DKYC_INSTALL=OFF
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target kyc_stress_tests
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/stress/tsan.supp halt_on_error=1 second_deadlock_stack=1 print_suppressions=1" \
	  OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1 \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -L stress

check-sanitizers: check-asan check-tsan
