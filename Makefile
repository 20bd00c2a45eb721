# The gateway's commands. `make run` and `make test` are the two a new user needs.
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: run build build-production explorer test deps bench-deps unit conformance conformance-redis fuzz bench instructions lint soak

run: ## the gateway on 127.0.0.1:8080 with its embedded defaults
	@test -x bin/gateway || echo "make run: compiling the gateway into bin/gateway (a first build takes a minute or two)..."
	@$(GO) build -o bin/gateway ./cmd/gateway
	./bin/gateway $(ARGS)

build: ## bin/gateway, one self-contained binary (copy it anywhere)
	$(GO) build -o bin/gateway ./cmd/gateway

build-production: ## bin/gateway without the demo inventory linked in (its defaults publish nothing: give -config)
	$(GO) build -tags nodemo -o bin/gateway ./cmd/gateway

# Swagger UI for the portal's API explorer: a third party's build, fetched
# from npm (not kept in the repository), served by the gateway itself.
SWAGGER_UI_VERSION := 5.35.0

explorer: ## install Swagger UI (npm) for the portal's API explorer; set portal.explorer_assets to the folder printed
	npm install --prefix build/explorer --no-audit --no-fund --loglevel=error swagger-ui-dist@$(SWAGGER_UI_VERSION)
	@echo "portal: {explorer_assets: $(CURDIR)/build/explorer/node_modules/swagger-ui-dist}"

deps: ## install the Debian packages the tests drive (slapd, Python clients)
	./scripts/install-test-deps.sh

ARTIFACTS := $(CURDIR)/test-output

test: deps lint ## every test: unit, slapd, conformance, browser, and a short fuzz run
	mkdir -p $(ARTIFACTS)
	$(GO) test -race -count=1 -artifacts -outputdir $(ARTIFACTS) ./...
	$(MAKE) conformance-redis
	$(MAKE) fuzz

conformance-redis: ## the XML-RPC and SOAP suites again, each gateway on a Redis of its own
	GATEWAY_TEST_STORE=redis $(GO) test -count=1 ./conformance/xmlrpc ./conformance/soap

conformance: deps ## the real-client and browser suites against the built binary (screenshots in test-output/)
	mkdir -p $(ARTIFACTS)
	$(GO) test -count=1 -v -artifacts -outputdir $(ARTIFACTS) ./conformance/...

# Budgets are counts of executions, about 30 s each on 2 cores, not durations:
# with a duration, Go 1.26's fuzz coordinator can fail a target with "context
# deadline exceeded" at the deadline and no failing input (golang/go#75804,
# fixed in Go 1.27). FUZZTIME=45s (or 1000000x) overrides every budget.
FUZZ_XMLRPC ?= 300000x
FUZZ_SOAP ?= 250000x
FUZZ_FORM ?= 170000x
FUZZ_WSDL ?= 60000x
FUZZ_SCANNER ?= 900000x
FUZZ_ENCODED ?= 200000x
FUZZ_JSON ?= 100000x
FUZZ_PLAIN_XMLRPC ?= 400000x
FUZZ_PLAIN_SCANNER ?= 1000000x
FUZZ_PLAIN_SOAP ?= 300000x
FUZZ_WALKED_SOAP ?= 300000x
FUZZFLAGS = -run '^$$' -fuzzminimizetime 2s
fuzz: ## each fuzz target for its budget
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzDecodeCall$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_XMLRPC)) ./adapters/xmlrpc
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzPlainCallMatchesScanner$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_PLAIN_XMLRPC)) ./adapters/xmlrpc
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzPlainMatchesStep$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_PLAIN_SCANNER)) ./adapters/xmltext
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzPlainRequestMatchesDecoder$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_PLAIN_SOAP)) ./adapters/soap
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzWalkedResponseIsEncoded$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_WALKED_SOAP)) ./adapters/soap
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzDecodeEnvelope$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_SOAP)) ./adapters/soap
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzDecodeForm$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_FORM)) ./adapters/portal
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzLoad$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_WSDL)) ./wsdl
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzScannerMatchesEncodingXML$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_SCANNER)) ./adapters/xmltext
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzDecodeEncoded$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_ENCODED)) ./adapters/soap
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzDecodeBody$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_JSON)) ./adapters/jsonapi
	$(GO) test $(FUZZFLAGS) -fuzz '^FuzzReaderMatchesEncodingJSON$$' -fuzztime $(or $(FUZZTIME),$(FUZZ_JSON)) ./adapters/jsonapi

bench-deps:
	./scripts/install-test-deps.sh bench

instructions: bench-deps ## the gateway's own instructions per call (callgrind), of the revisions in REVS (default: the working tree)
	./scripts/instructions.sh $(REVS)

bench: bench-deps ## wrk against the gateway, its peers and the net/http ceiling, profiles, codecs (benchstat); core benchmarks; 1-3 nodes on Redis
	$(GO) run ./bench
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./gateway
	$(GO) test -run '^$$' -bench HostileShapes -benchtime 5x ./internal/linear
	$(GO) test -run '^$$' -bench Nodes -benchtime 20000x ./conformance/cluster

soak: ## 1,000,000 XML-RPC and SOAP calls from 64 connections (CI runs 100,000 inside make test)
	SOAK_CALLS=1000000 $(GO) test -count=1 -v -timeout 20m -run TestSoak ./conformance/soak

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
