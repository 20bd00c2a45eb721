# The gateway's commands. `make run` and `make test` are the two a new user needs.
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: run build test deps bench-deps unit conformance conformance-redis fuzz bench lint soak

run: ## the gateway on 127.0.0.1:8080 with its embedded defaults
	$(GO) run ./cmd/gateway

build:
	$(GO) build -o bin/gateway ./cmd/gateway

deps: ## install the Debian packages the tests drive (slapd, Python clients)
	./scripts/install-test-deps.sh

ARTIFACTS := $(CURDIR)/test-output

test: deps lint ## every test: unit, slapd, conformance, browser, and a short fuzz run
	mkdir -p $(ARTIFACTS)
	$(GO) test -race -count=1 -artifacts -outputdir $(ARTIFACTS) ./...
	$(MAKE) conformance-redis
	$(MAKE) fuzz FUZZTIME=30s

conformance-redis: ## the XML-RPC and SOAP suites again, each gateway on a Redis of its own
	GATEWAY_TEST_STORE=redis $(GO) test -count=1 ./conformance/xmlrpc ./conformance/soap

conformance: deps ## the real-client and browser suites against the built binary (screenshots in test-output/)
	mkdir -p $(ARTIFACTS)
	$(GO) test -count=1 -v -artifacts -outputdir $(ARTIFACTS) ./conformance/...

FUZZTIME ?= 30s
fuzz: ## each fuzz target for FUZZTIME
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCall$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./adapters/xmlrpc
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEnvelope$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./adapters/soap
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeForm$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./adapters/portal
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./wsdl
	$(GO) test -run '^$$' -fuzz '^FuzzScannerMatchesEncodingXML$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./adapters/xmltext

bench-deps:
	./scripts/install-test-deps.sh bench

bench: bench-deps ## wrk against the gateway, its peers and the net/http ceiling, profiles, codecs (benchstat); core benchmarks; 1-3 nodes on Redis
	$(GO) run ./bench
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./gateway
	$(GO) test -run '^$$' -bench Nodes -benchtime 20000x ./conformance/cluster

soak: ## 1,000,000 XML-RPC and SOAP calls from 64 connections (CI runs 100,000 inside make test)
	SOAK_CALLS=1000000 $(GO) test -count=1 -v -timeout 20m -run TestSoak ./conformance/soak

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
