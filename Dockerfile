# The Linli server: one static binary with the migrations and the console embedded.

# The console (Vue): its types are generated from the API description, then built.
FROM node:20-bookworm-slim AS console
WORKDIR /src/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY docs/openapi.yaml /src/docs/openapi.yaml
COPY console ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY embed.go ./
COPY sql ./sql
COPY docs/openapi.yaml ./docs/openapi.yaml
COPY server ./server
COPY --from=console /src/console/dist ./console/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/linli ./server/cmd/linli

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 linli && mkdir -p /var/lib/linli/uploads && chown linli /var/lib/linli/uploads
COPY --from=build /out/linli /usr/local/bin/linli
USER linli
WORKDIR /var/lib/linli
ENV LINLI_HTTP_ADDR=:8080 LINLI_UPLOAD_DIR=/var/lib/linli/uploads
EXPOSE 8080
ENTRYPOINT ["linli"]
CMD ["serve"]
