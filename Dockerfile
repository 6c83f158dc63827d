# The Reactive service as a container: build with the SDK, run on the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
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
