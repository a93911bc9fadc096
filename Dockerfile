# salint in a container: the KRM function image for kustomize and kpt
# (its default command is `fn`), and a CI image (`docker run IMAGE lint .`).
#   docker build -t salint --build-arg VERSION=$(git describe --always --dirty) .
# The Go version must match go.mod's (a test checks it).
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/salint ./cmd/salint

# A static binary needs no libc; distroless/static has CA certificates,
# /etc/passwd and nothing else. kustomize and kpt run container functions
# without network and as an unprivileged user, which nonroot matches.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/salint /usr/local/bin/salint
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/salint"]
CMD ["fn"]
