# syntax=docker/dockerfile:1
# The OvopQuality service as a container image (see "Containers and Kubernetes" in the README):
#
#   docker build -t ovopquality:dev .
#
# The build stage publishes with deploy/publish.sh, which generates Wolverine's code beforehand, so
# a starting container compiles nothing. The runtime stage runs as the image's non-root user, on
# port 8080, and takes every setting from the environment.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src
# Packages first, in a layer of their own that changes only with the project file or the versions
# pinned in Directory.Packages.props (central package management).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/OvopQuality.Api/OvopQuality.Api.csproj src/OvopQuality.Api/
RUN dotnet restore src/OvopQuality.Api/OvopQuality.Api.csproj
COPY . .
RUN ./deploy/publish.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Owned by root: the service reads its code but cannot change it.
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
# The image's own non-root user (uid 1654, "app").
USER $APP_UID
# Neither curl nor wget is in the image (Ubuntu 24.04, the default of .NET 10's tags), but bash is:
# it asks /health/ready over /dev/tcp, and anything but a 200 is unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]
ENTRYPOINT ["dotnet", "OvopQuality.Api.dll"]
