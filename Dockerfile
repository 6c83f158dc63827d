# The images of docker-compose.yml, one multi-stage file, one target each:
#   docker build .                            the Reactive service (the last stage, the default target)
#   docker build --target wallet-simulator .  the course's wallet API
#   docker build --target kinesalite .        Kinesis on a node image, kinesalite from the project's package-lock.json
# Each app is built with the SDK and runs on the ASP.NET runtime as the image's non-root user `app`. The runtime image
# has no curl or wget: each HEALTHCHECK is the app's own `health` command (an HTTP GET of its /healthz, exit 0 or 1).
# No Docker engine runs in the project's CI: these images are not built there (docs/DEPLOYMENT.md).

# The dashboard's chart library from npm (the service needs only the dependencies, uplot; the tests' node tools are
# devDependencies).
FROM node:20-bookworm-slim AS npm
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS source
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json NodePackages.targets package.json package-lock.json ./
COPY --from=npm /src/node_modules/ node_modules/
COPY src/ src/

FROM source AS build-reactive
RUN dotnet publish src/Reactive.Host/Reactive.Host.csproj -c Release -o /app --nologo

FROM source AS build-wallet-simulator
RUN dotnet publish src/Reactive.WalletSimulator/Reactive.WalletSimulator.csproj -c Release -o /app --nologo

FROM node:20-bookworm-slim AS kinesalite
WORKDIR /opt/kinesalite
# npm ci installs exactly the versions the tests run (package-lock.json), on the node major they run on.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tests/kinesis/kinesalite.js ./
USER node
EXPOSE 4567
# Inside its container kinesalite listens on every interface of the container's own network; compose publishes the
# port on the host's 127.0.0.1 only. Streams live in memory: a restart starts empty.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["node", "-e", "require('http').get('http://127.0.0.1:4567/', () => process.exit(0)).on('error', () => process.exit(1))"]
ENTRYPOINT ["node", "kinesalite.js", "--port", "4567", "--host", "0.0.0.0"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS wallet-simulator
WORKDIR /app
COPY --from=build-wallet-simulator /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:5090 \
    Simulator__StatePath=/var/lib/wallet-simulator/wallet-simulator.db
RUN mkdir -p /var/lib/wallet-simulator && chown app /var/lib/wallet-simulator
VOLUME /var/lib/wallet-simulator
EXPOSE 5090
USER app
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "Reactive.WalletSimulator.dll", "health", "--url", "http://127.0.0.1:5090/healthz"]
ENTRYPOINT ["dotnet", "Reactive.WalletSimulator.dll"]

# The Reactive service as a container: build with the SDK, run on the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS reactive
WORKDIR /app
COPY --from=build-reactive /app ./
# Inside a container the service must listen beyond loopback for the published port to reach it;
# compose publishes it on the host's 127.0.0.1 only. Two malloc arenas (docs/DEPLOYMENT.md, "Memory over weeks").
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    Reactive__StateDirectory=/var/lib/reactive \
    MALLOC_ARENA_MAX=2
RUN mkdir -p /var/lib/reactive && chown app /var/lib/reactive
VOLUME /var/lib/reactive
EXPOSE 5080
USER app
# /healthz answers 200 when every enabled pipeline runs, 503 while one is degraded or restarting.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
    CMD ["dotnet", "reactive.dll", "health", "--url", "http://127.0.0.1:5080/healthz"]
ENTRYPOINT ["dotnet", "reactive.dll"]
