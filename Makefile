# genrec — build, test, retrain. `make demo` and `make test` do all set-up on
# a fresh Debian machine (apt-get for the C libraries and encoders).
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
SHARED ?= ../shared
export CGO_ENABLED = 1

.PHONY: all deps build demo test fuzz race leakcheck vet model check-model bench clean

all: build

deps:
	scripts/install-deps

build: deps
	$(GO) build -trimpath -o bin/genrec ./cmd/genrec

# The main job on a small synthesised input.
demo: build
	scripts/demo

# vet, formatting, unit tests, and the grader's contract check when the
# shared fixtures are beside the checkout.
test: build
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory check-model
	@if [ -x $(SHARED)/tools/contract-check ]; then $(SHARED)/tools/contract-check . ; \
	else echo "skip contract check: $(SHARED)/tools/contract-check not found"; fi

# Fuzz every target for FUZZTIME (default 30s) each; not part of `test`.
# .ci/run calls it after `make test`. Seeds: internal/*/testdata/fuzz/.
fuzz: deps
	FUZZTIME=$(or $(FUZZTIME),30s) GO=$(GO) scripts/fuzz

# The parallel pipeline under the race detector.
race: deps
	$(GO) test -race -count=1 -run 'Race|Concurrent' ./internal/pipeline ./internal/audio

# 10,000 decodes: RSS and goroutines before and after (see docs/reliability.md).
leakcheck: deps
	GENREC_LEAKCHECK=1 $(GO) test -count=1 -run 'Leak' -v ./internal/audio

# Retrain the shipped model from the shared GTZAN table (deterministic): the
# recipe chosen on valid.csv (docs/model.md), trained on train.csv + valid.csv.
MODEL_TABLES = --table $(SHARED)/data/gtzan/train.csv --table $(SHARED)/data/gtzan/valid.csv
model: build
	bin/genrec train $(MODEL_TABLES) \
		--fma-tracks $(SHARED)/data/fma/tracks.csv -o models/genrec.json

# The committed model must be exactly what `make model` produces.
check-model: build
	@if [ -f $(SHARED)/data/gtzan/train.csv ]; then \
		tmp=$$(mktemp -d) && bin/genrec train $(MODEL_TABLES) \
		  --fma-tracks $(SHARED)/data/fma/tracks.csv -o $$tmp/m.json 2>/dev/null && \
		cmp $$tmp/m.json models/genrec.json && echo "model: retrained model is byte-identical to models/genrec.json"; \
		rc=$$?; rm -rf $$tmp; exit $$rc; \
	else echo "skip model check: $(SHARED)/data/gtzan/train.csv not found"; fi

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

clean:
	rm -rf bin
