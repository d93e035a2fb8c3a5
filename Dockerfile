# The `release` binary in a small image, for the drift CronJob (templates/drift-cronjob).
#   docker build -t ghcr.io/example/release:0.1.0 .
# The build stage needs the same Swift as development (6.3); override SWIFT_IMAGE to pin another.
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev libgit2-dev libssl-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first: the dependency fetch is cached until Package.swift changes (Package.resolved
# is not in git).
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
# The Swift runtime is linked in, so the runtime image needs only the C libraries.
RUN swift build -c release --product release --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/release" /out/release

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates libcurl4 libgit2-1.5 libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/release /usr/local/bin/release
# The CronJob runs as this user with a read-only root file system; /tmp is an emptyDir.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/release"]
