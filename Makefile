# genrec — build, test, retrain. `make demo` and `make test` do all set-up on
# a fresh Debian machine (apt-get for the C libraries and encoders).
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
SHARED ?= ../shared
export CGO_ENABLED = 1

.PHONY: all deps build demo test vet model check-model bench clean

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

# Retrain the shipped model from the shared GTZAN table (deterministic).
model: build
	bin/genrec train --table $(SHARED)/data/gtzan/train.csv \
		--fma-tracks $(SHARED)/data/fma/tracks.csv -o models/genrec.json

# The committed model must be exactly what `make model` produces.
check-model: build
	@if [ -f $(SHARED)/data/gtzan/train.csv ]; then \
		tmp=$$(mktemp -d) && bin/genrec train --table $(SHARED)/data/gtzan/train.csv \
		  --fma-tracks $(SHARED)/data/fma/tracks.csv -o $$tmp/m.json 2>/dev/null && \
		cmp $$tmp/m.json models/genrec.json && echo "model: retrained model is byte-identical to models/genrec.json"; \
		rc=$$?; rm -rf $$tmp; exit $$rc; \
	else echo "skip model check: $(SHARED)/data/gtzan/train.csv not found"; fi

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

clean:
	rm -rf bin
