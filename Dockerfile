# The IrcStream gateway: `docker build -t ircstream .` then `docker run -p 8080:8080 ircstream`.
# docker-compose.yml runs it next to an IRC server for a demo.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restore layer is reused until a package or project reference changes.
COPY global.json IrcStream.sln Directory.Build.props Directory.Packages.props ./
COPY IrcStream.Domain/IrcStream.Domain.csproj IrcStream.Domain/
COPY IrcStream.Api/IrcStream.Api.csproj IrcStream.Api/
# The web client's bundler, which the Api's project file imports (build/ClientBundle.targets).
COPY build/ClientBundle.targets build/ClientBundler.cs build/
RUN dotnet restore IrcStream.Api
COPY IrcStream.Domain/ IrcStream.Domain/
COPY IrcStream.Api/ IrcStream.Api/
RUN dotnet publish IrcStream.Api -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The image's unprivileged "app" user; 8080 needs no privilege to bind.
USER $APP_UID
# The image has no curl or wget, and the gateway is its only content, so the probe is bash itself:
# /dev/tcp opens the socket and the status line is read back. It asks the first port of ASPNETCORE_HTTP_PORTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "port=${ASPNETCORE_HTTP_PORTS:-8080}; port=${port%%[;,]*}; exec 3<>/dev/tcp/127.0.0.1/$port || exit 1; printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3; IFS= read -r -t 4 status <&3; [[ $status == 'HTTP/1.1 200 '* ]]"]
ENTRYPOINT ["dotnet", "IrcStream.Api.dll"]
