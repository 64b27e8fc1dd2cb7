# kyc — the two commands:
#   make demo   installs dependencies, builds, and runs kyc on sample data: a face match, a
#               passport-photo check (with an annotated picture) and a passport read
#   make test   installs dependencies, builds, and runs every test (C++, C, install, Python)
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

.PHONY: setup configure build demo test test-cpp test-python python bench calibrate eval format clean

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

test-cpp: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The Python package is built exactly as users get it: `pip install .` (incremental build dir).
python: setup
	$(PYTHON) -m pip install -q --no-build-isolation --disable-pip-version-check .

test-python: python
	$(PYTHON) -m pytest tests/python -q

test: test-cpp test-python

bench: build
	$(BUILD)/benchmarks/kyc_bench_face --benchmark_min_time=2
	$(BUILD)/benchmarks/kyc_bench_photo --benchmark_min_time=2
	OMP_THREAD_LIMIT=1 $(BUILD)/benchmarks/kyc_bench_document
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
