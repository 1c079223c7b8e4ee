# mesh-sandbox in a container: build on the official Swift image, run on Debian slim.
#   docker build -t mesh-sandbox .
#   docker run --rm -p 4566:4566 -v mesh-sandbox-data:/data mesh-sandbox
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product mesh-sandbox --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/mesh-sandbox" /out/mesh-sandbox

FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsqlite3-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/mesh-sandbox /usr/local/bin/mesh-sandbox
COPY fixtures /opt/mesh-sandbox/fixtures
VOLUME /data
EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=2s CMD curl -fsS http://127.0.0.1:4566/_sandbox/health || exit 1
ENTRYPOINT ["mesh-sandbox"]
# 0.0.0.0 inside the container; `sandbox` lets other compose services verify https://sandbox:4566.
CMD ["serve", "--host", "0.0.0.0", "--data-dir", "/data", "--tls-name", "sandbox"]
