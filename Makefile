# NC Studio. Two commands matter: `make run` and `make test`.
# Both install missing Debian packages first (scripts/deps.sh; needs root or sudo).

SHELL       := bash
export PATH := /usr/local/go/bin:$(PATH)
export CGO_ENABLED := 1
# The version comes from `git describe` below; skipping Go's VCS stamping keeps
# builds working in clones owned by another user (CI, containers).
export GOFLAGS := $(strip $(filter-out -buildvcs=%,$(GOFLAGS)) -buildvcs=false)

BIN       := bin/ncstudio
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 10m
TESTFLAGS ?= -timeout 30m
# Screen for tests without a display (the GUI tests screenshot it).
XVFB      := xvfb-run -a -s "-screen 0 1280x800x24"

.DEFAULT_GOAL := help
.PHONY: help deps build run test vet bench fuzz clean ptx check-ptx build-cuda

help: ## list the targets
	@echo "NC Studio — make targets:"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 20
	@echo "Variables: FUZZTIME (fuzz, default $(FUZZTIME)), TESTFLAGS (test, default '$(TESTFLAGS)')."

deps: ## install missing Debian packages and check Go (quiet when all is present)
	@bash scripts/deps.sh

build: deps ## build bin/ncstudio (and bin/ncdialog, its native file chooser)
	go build -ldflags '$(LDFLAGS)' -o $(BIN) ./app/ncstudio
	go build -o bin/ncdialog ./app/ncdialog

run: build ## open the studio window (needs a display)
	./$(BIN)

vet: deps ## go vet ./...
	go vet ./...

test: deps vet ## vet, then go test ./... (under Xvfb when there is no DISPLAY)
	@if [ -n "$${DISPLAY:-}" ]; then \
		echo "go test $(TESTFLAGS) ./...  (DISPLAY=$$DISPLAY)"; \
		go test $(TESTFLAGS) ./...; \
	else \
		echo "go test $(TESTFLAGS) ./...  (under xvfb-run, no DISPLAY set)"; \
		LANG=C.UTF-8 $(XVFB) go test $(TESTFLAGS) ./...; \
	fi

bench: build ## benchmarks (bin/ncstudio bench cpu, sandbox, play, decode, train)
	./$(BIN) bench cpu
	./$(BIN) bench sandbox
	./$(BIN) bench play
	./$(BIN) bench decode
	./$(BIN) bench train

fuzz: deps ## fuzz the parsers of outside files (checkpoints, traces, desktop specs, loss logs, action files, asciinema casts, GUIWorld CSV and computer-use logs), FUZZTIME each (default 10m)
	go test -run '^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) -timeout 0 ./engine/ckpt/
	@# Small minimisation time: new inputs are shrunk for up to a minute each otherwise.
	go test -run '^$$' -fuzz=FuzzRead -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/importer/asciinema/
	go test -run '^$$' -fuzz=FuzzReadCSV -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/importer/guiworld/
	go test -run '^$$' -fuzz=FuzzReadActionLog -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/importer/guiworld/
	for f in FuzzOpen FuzzReadEvents FuzzReadChunks; do \
		go test -run '^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/trace/ || exit 1; \
	done
	go test -run '^$$' -fuzz=FuzzParseSpec -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/sandbox/
	go test -run '^$$' -fuzz=FuzzReadLossLog -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/train/
	go test -run '^$$' -fuzz=FuzzRead -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s -timeout 0 ./engine/action/

# The CUDA kernels: PTX for compute_80 (Ampere and later JIT-compile it), from
# Debian's nvidia-cuda-toolkit (CUDA 11.8; scripts/deps-cuda.sh installs it).
# The PTX is committed so that building needs no CUDA toolkit.
PTX     := engine/cuda/kernels/ncstudio.ptx
NVCC    ?= nvcc
PTXFLAGS := -ptx -arch=compute_80 -O3

ptx: ## compile the CUDA kernels to engine/cuda/kernels/ncstudio.ptx (needs nvcc)
	@bash scripts/deps-cuda.sh
	$(NVCC) $(PTXFLAGS) -o $(PTX) engine/cuda/kernels/ncstudio.cu

check-ptx: ## fail when the committed PTX is not what `make ptx` makes
	@bash scripts/deps-cuda.sh
	@tmp=$$(mktemp --suffix=.ptx) && $(NVCC) $(PTXFLAGS) -o $$tmp engine/cuda/kernels/ncstudio.cu && \
	if cmp -s $$tmp $(PTX); then echo "check-ptx: $(PTX) is up to date"; rm -f $$tmp; \
	else echo "check-ptx: $(PTX) differs from the kernels' sources: run 'make ptx' and commit it"; diff $$tmp $(PTX) | head -20; rm -f $$tmp; exit 1; fi

build-cuda: deps ## build bin/ncworker-cuda, the CUDA worker (needs only the NVIDIA driver to run)
	go vet -tags cuda ./...
	go build -tags cuda -ldflags '$(LDFLAGS)' -o bin/ncworker-cuda ./app/ncworker

clean: ## remove bin/
	rm -rf bin
