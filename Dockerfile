# The Reactive service as a container: the dashboard's chart library from npm, build with the SDK, run on the ASP.NET
# runtime.
FROM node:22-bookworm-slim AS npm
WORKDIR /src
COPY package.json package-lock.json ./
# The service needs only the dependencies (uplot); the tests' node tools are devDependencies.
RUN npm ci --omit=dev --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json NodePackages.targets package.json package-lock.json ./
COPY --from=npm /src/node_modules/ node_modules/
COPY src/ src/
RUN dotnet publish src/Reactive.Host/Reactive.Host.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Inside a container the service must listen beyond loopback for the published port to reach it;
# compose publishes it on the host's 127.0.0.1 only.
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    Reactive__StateDirectory=/var/lib/reactive
RUN mkdir -p /var/lib/reactive && chown app /var/lib/reactive
VOLUME /var/lib/reactive
EXPOSE 5080
USER app
ENTRYPOINT ["dotnet", "reactive.dll"]
