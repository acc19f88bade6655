# piiguard container image: build with Rust 1.95 on Debian bookworm, run on bookworm-slim as a
# non-root user with core dumps off (a core dump of a scanner holds the data it scanned).
#   docker build -t piiguard .
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev pkg-config make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY data data
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin piiguard && strip target/release/piiguard

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin piiguard
COPY --from=build /src/target/release/piiguard /usr/local/bin/piiguard
COPY policy.example.toml piiguard.example.toml /etc/piiguard/
USER 10001:10001
EXPOSE 9464
# `ulimit -c 0`: no core dumps, whatever the runtime's default. Mount the configuration at
# /etc/piiguard/piiguard.toml (docker-compose.yml and deploy/k8s/ do); the example files beside it
# document every key.
ENTRYPOINT ["/bin/sh", "-c", "ulimit -c 0 && exec /usr/local/bin/piiguard \"$@\"", "piiguard"]
CMD ["run", "--config", "/etc/piiguard/piiguard.toml"]
