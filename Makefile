# The two commands a newcomer needs (see README.md): `make demo` and `make test`.
# Both install the Debian packages the build and tests need, then build.

DEB_PACKAGES := cmake g++ make pkg-config libsimdjson-dev libcli11-dev libfmt-dev libyaml-dev zlib1g-dev \
                libssl-dev libcurl4-openssl-dev libpugixml-dev \
                libgtest-dev python3 python3-jsonschema
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
JOBS ?= $(shell nproc)
ATREST := build/release/src/atrest

.PHONY: deps node-deps build build-asan demo test test-release test-asan bench fuzz clean

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  $(SUDO) apt-get install -y $$missing || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; }; \
	fi

build: deps
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release -j $(JOBS)

build-asan: deps
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DATREST_SANITIZE=ON
	cmake --build build/asan -j $(JOBS)

# The main job on the bundled examples. atrest exits 1 because the examples contain failures.
demo: build
	@echo "== atrest scan examples/snapshots   (aws CLI describe-* output and an AWS Config snapshot)"
	@$(ATREST) scan examples/snapshots; echo "(exit code $$? — see README: 1 means something failed)"
	@echo; echo "== atrest scan examples/cloudformation   (templates, findings at file:line)"
	@$(ATREST) scan examples/cloudformation; echo "(exit code $$?)"
	@echo; echo "== the same templates with Env=dev (--cfn-params examples/cloudformation/data-tier.params.json)"
	@$(ATREST) scan examples/cloudformation/data-tier.yaml --cfn-params examples/cloudformation/data-tier.params.json --quiet; \
	  echo "(exit code $$?)"
	@echo; echo "== atrest scan examples/terraform   (a configuration with tfvars, a local module, for_each; findings at file:line)"
	@$(ATREST) scan examples/terraform; echo "(exit code $$?)"
	@echo; echo "== the same configuration with --var env=prod"
	@$(ATREST) scan examples/terraform --var env=prod --quiet; echo "(exit code $$?)"
	@echo; echo "== atrest scan --aws   (a live scan of a local AWS emulator: moto seeded with a demo account)"
	@python3 examples/live/scan_emulator.py $(ATREST); echo "(exit code $$?)"
	@echo; echo "== atrest scan examples --compliance pci-dss-4.0   (only PCI DSS 4.0 checks, with a per-requirement summary)"
	@$(ATREST) scan examples --compliance pci-dss-4.0 --quiet; echo "(exit code $$?)"
	@echo; echo "== atrest explain dax-encryption-at-rest"
	@$(ATREST) explain dax-encryption-at-rest | head -40
	@$(ATREST) scan examples --format json --output build/demo-report.json --quiet; \
	  echo "JSON report of everything written to build/demo-report.json (exit code $$?)"

# The hcl_differential test compares the HCL parser with HashiCorp's own, which comes from npm
# (tests/terraform/package-lock.json). Without node/npm (or the registry) that test is skipped.
node-deps:
	@command -v npm >/dev/null 2>&1 || $(SUDO) apt-get install -y nodejs npm >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update >/dev/null 2>&1 && $(SUDO) apt-get install -y nodejs npm >/dev/null 2>&1; } || true
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm unavailable: hcl_differential will be skipped"; \
	elif [ ! tests/terraform/node_modules/.package-lock.json -nt tests/terraform/package-lock.json ]; then \
	  (cd tests/terraform && npm ci --no-audit --no-fund) || echo "npm ci failed: hcl_differential will be skipped"; \
	fi

test-release: build node-deps
	cd build/release && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan node-deps
	cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test: test-release test-asan

bench: build
	bench/run.sh --atrest $(ATREST)

# Coverage-guided fuzzing of the readers (snapshots, templates, live API answers, HCL; clang + libFuzzer):
# FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	$(SUDO) apt-get install -y clang libclang-rt-14-dev >/dev/null 2>&1 || true
	CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DATREST_FUZZ=ON
	cmake --build build/fuzz -j $(JOBS) --target snapshot_fuzzer template_fuzzer api_answer_fuzzer hcl_fuzzer \
	  terraform_fuzzer policy_fuzzer config_fuzzer inputs_fuzzer
	sh fuzz/seeds.sh build/fuzz
	for t in snapshot_fuzzer:corpus template_fuzzer:templates api_answer_fuzzer:answers hcl_fuzzer:hcl \
	         terraform_fuzzer:terraform policy_fuzzer:policies config_fuzzer:configs inputs_fuzzer:inputs; do \
	  build/fuzz/fuzz/$${t%%:*} -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    build/fuzz/$${t#*:} || exit 1; \
	done

clean:
	rm -rf build
