# genrec container image: docs/cluster.md shows how to build and run it.
#
#   docker build -t genrec:dev --build-arg VERSION=$(git describe --tags --always) .
#   docker run --rm -v "$PWD/music:/music:ro" genrec:dev predict --format jsonl /music
#
# The build stage compiles genrec with cgo against FFmpeg's libraries; the
# runtime stage holds the binary (the shipped model is embedded in it) and
# the shared libraries only. Nothing is downloaded at run time.

ARG GO_VERSION=1.24
ARG DEBIAN=bookworm

FROM golang:${GO_VERSION}-${DEBIAN} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libavformat-dev libavcodec-dev libswresample-dev libavutil-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
RUN CGO_ENABLED=1 go build -trimpath \
      -ldflags "${VERSION:+-X main.version=${VERSION}}" \
      -o /out/genrec ./cmd/genrec \
 && /out/genrec version

FROM debian:${DEBIAN}-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libavformat59 libavcodec59 libswresample4 libavutil57 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin genrec
COPY --from=build /out/genrec /usr/local/bin/genrec
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["genrec"]
CMD ["help"]
