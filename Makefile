# The two commands: `make run` and `make test`. Both start MariaDB and Redis when they are not
# answering (scripts/services.sh), installing them on Debian when missing.
SHELL := /bin/bash
GO ?= go
# The Go packages: not ./..., which would reach into miniprogram/node_modules.
PKGS := . ./server/...
export LINLI_WECHAT_FAKE ?= 1
export LINLI_MYSQL_DSN ?= linli:linli@tcp(127.0.0.1:3306)/linli
export LINLI_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test services vet staticcheck go-test mp-test mp-render mp-deps build fmt bench-canteen bench-reports bench-uploads bench-history \
	console console-deps console-test browser

run: services console
	$(GO) run ./server/cmd/linli serve --demo

test: services vet go-test mp-test mp-render console-test

services:
	@bash scripts/services.sh

build:
	CGO_ENABLED=0 $(GO) build -o bin/linli ./server/cmd/linli

vet:
	@test -z "$$(gofmt -l server embed.go)" || { echo "gofmt would change:"; gofmt -l server embed.go; exit 1; }
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

go-test:
	$(GO) test -race -count=1 $(PKGS)

mp-deps:
	@cd miniprogram && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

mp-test: mp-deps
	cd miniprogram && npm run --silent npm:assemble && npx jest --ci && npx eslint .

# The ageing-friendly check (docs/decisions.md): the main pages rendered with TDesign's real
# components, in normal and care mode, measured in headless Chromium; screenshots in
# miniprogram/.shots/.
mp-render: mp-deps browser
	cd miniprogram && npm run --silent npm:assemble && npx jest --ci --config jest.render.config.js

fmt:
	gofmt -w server embed.go

# The staff console (console/): its build is embedded in the binary, so it is built first.
console-deps:
	@cd console && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

console: console-deps
	cd console && npm run --silent build

browser:
	@bash scripts/browser.sh

# Type check (the API types generated from docs/openapi.yaml), unit tests, the build, then the
# browser tests against a real `linli serve` built with it.
console-test: console-deps browser
	cd console && npm run --silent typecheck && npx vitest run && npm run --silent build
	$(MAKE) --no-print-directory build
	cd console && LINLI_BIN=../bin/linli npx playwright test

# The canteen burst (docs/performance.md): N users book one slot of C seats at once through the
# real HTTP server, MariaDB and Redis. BENCH_FLAGS="-users 1000 -seats 100 -rounds 10 -v".
bench-canteen: services
	$(GO) run ./server/cmd/bench-canteen $(BENCH_FLAGS)

# Submit → grid worker's push latency at a steady rate (docs/performance.md).
# BENCH_FLAGS="-rate 20 -seconds 15".
bench-reports: services
	$(GO) run ./server/cmd/bench-reports $(BENCH_FLAGS)

# The server's peak memory while N uploads arrive at once, the probe's 7000×7000 16-bit PNGs
# first (docs/performance.md). BENCH_FLAGS="-n 10".
bench-uploads: services
	$(GO) run ./server/cmd/bench-uploads $(BENCH_FLAGS)

# What two years of history cost: the burst, every everyday list and the sweeps, with empty tables
# and with the history seeded (docs/performance.md). BENCH_FLAGS="-scale 1 -v".
bench-history: services
	$(GO) run ./server/cmd/bench-history $(BENCH_FLAGS)
