# FeatureKit — two commands for a new user:
#   make run    install what is missing, build in release, run the main job (featurekit bench --quick)
#   make test   install what is missing, build and run the whole test suite
# Other targets: make cmake (CMake + ctest build), make bench (full benchmark), make alloc-gate, make check-limits
# (independent C cross-checks of the bandwidth and dgemm figures), make clean.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# System packages the build needs (Debian/Ubuntu names). OpenBLAS's Debian package does not carry
# the LAPACKE C interface, hence liblapacke-dev. libfast-float-dev: the header-only number parser behind
# the CSV reader (Sources/CFastFloat).
APT_PACKAGES := libopenblas-dev liblapacke-dev libfast-float-dev
CMAKE_PACKAGES := cmake ninja-build

# OpenBLAS picks its kernels from the CPU at load time, and Debian's 0.3.21 misdetects recent CPUs
# (it falls back to the generic "Prescott" kernels, ~5x slower dgemm here). A machine that sets
# OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) keeps its values: they are passed through untouched.
# Only when OPENBLAS_CORETYPE is unset do we choose from the CPU flags. (0.3.21 does not read
# OPENBLAS_L2_SIZE, which newer OpenBLAS builds such as numpy's do; we leave it alone.)
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
  CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
  ifneq ($(filter avx512f,$(CPU_FLAGS)),)
    export OPENBLAS_CORETYPE := SkylakeX
  else ifneq ($(filter avx2,$(CPU_FLAGS)),)
    export OPENBLAS_CORETYPE := Haswell
  endif
endif

# Release builds target this machine's CPU (AVX-512 here): the library itself carries no unsafe
# flags, so it stays usable as a versioned dependency; the flags are given on the final build's
# command line instead (see ../shared/RECIPES.md, "Making Swift loops fast"). Such a binary is for
# this machine only: on a CPU without the same instructions it stops with SIGILL.
ifeq ($(shell uname -m),x86_64)
  NATIVE_FLAGS := -Xswiftc -target-cpu -Xswiftc native -Xcc -march=native
endif
RELEASE := swift build -c release $(NATIVE_FLAGS)
FEATUREKIT := .build/release/featurekit

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps deps-cmake build release run test cmake bench bench-predict-memory check-limits alloc-gate reference clean bench-logistic-1thread

help:
	@sed -n '1,6p' Makefile | sed 's/^# \{0,1\}//'

# Installs the Debian packages that `dpkg -s` does not report as installed ("Status: install ok
# installed"); nothing is installed when all are present. Uses sudo only when not root.
define apt_ensure
	@missing=""; for p in $(1); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_ensure,$(APT_PACKAGES))

deps-cmake: deps
	$(call apt_ensure,$(CMAKE_PACKAGES))

build: deps
	swift build

release: deps
	$(RELEASE) --product featurekit

run: release
	$(FEATUREKIT) bench --quick

test: deps
	swift build --build-tests
	swift test --skip-build

cmake: deps-cmake
	cmake -G Ninja -B build
	cmake --build build
	ctest --test-dir build --output-on-failure

# The full side-by-side run: FeatureKit and its peers (numpy, scikit-learn, ... in a pinned virtual
# environment that Benchmarks/peers/setup.sh creates on first use), alternating run by run.
# Rewrites the generated section of BENCHMARKS.md and the chart BENCHMARKS.svg.
bench: release
	mkdir -p build
	$(FEATUREKIT) bench --peers --out build/bench.json --chart BENCHMARKS.svg --markdown BENCHMARKS.md \
	  | tee build/bench.txt

# The logistic fits of issue 5 at ONE thread (make bench runs at all cores): FeatureKit's and
# scikit-learn's L-BFGS and Newton on the well-posed problems (1,000,000 x 32 and 100,000 x 256),
# alternating run by run, next to the 1-thread read limit; the peer is held to 1 thread too
# (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and threadpoolctl). BENCHMARKS.md quotes this file.
bench-logistic-1thread: release
	mkdir -p build
	$(FEATUREKIT) bench --threads 1 --peers --only memory.read --only "LogisticRegression.fit well-posed" \
	  --out build/bench-logistic-1thread.json | tee build/bench-logistic-1thread.txt

# Independent cross-checks of the limits: a STREAM-style C program (gcc, OpenMP) and a plain C
# call of OpenBLAS's dgemm, run next to featurekit bench's own figures for the same shapes.
check-limits: release
	mkdir -p build
	gcc -O3 -march=native -ffast-math -fopenmp Benchmarks/limits/stream.c -o build/stream
	gcc -O2 Benchmarks/limits/dgemm.c -o build/dgemm -lopenblas
	OMP_NUM_THREADS=1 build/stream 268435456 7
	OMP_NUM_THREADS=2 build/stream 268435456 7
	build/dgemm 4096 5 1
	build/dgemm 4096 5 2
	$(FEATUREKIT) bench --only memory --only blas.dgemm

# The steady-state allocation gate: package-benchmark malloc counts of the hot paths against the
# stored thresholds in Benchmarks/Thresholds (never wall time). Run in CI.
alloc-gate: deps
	bash Benchmarks/check-allocations.sh

# Streaming predict on a 5 GB CSV: peak resident memory and time next to just reading the file.
# Writes ~10 GB into a temporary folder (removed after); not run in CI.
bench-predict-memory: release
	bash Benchmarks/predict-memory.sh 5

# Regenerates the golden files in data/ with the pinned scikit-learn (creates data/reference/.venv).
# Every data/reference/make_*.py script writes its own golden file(s); make_reference.py also writes data/*.csv.
reference:
	python="$$(data/reference/setup.sh)" && for script in data/reference/make_*.py; do \
	  echo "== $$script"; "$$python" "$$script" || exit 1; done
	python3 data/nist/verify.py

clean:
	rm -rf .build build
