# The web pages' image: npm installs the French State design system (DSFR) in a Node stage, since the SDK image has
# no Node; the SDK publishes the pages with it; the ASP.NET runtime runs them as the image's unprivileged user.
#   docker build -f deploy/docker/Web.Dockerfile .
ARG DOTNET_VERSION=10.0
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /web
COPY services/Web/Platform.Web/package.json services/Web/Platform.Web/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/ shared/
COPY services/Web/ services/Web/
# The API clients are generated at build time from the committed OpenAPI documents.
COPY docs/openapi/ docs/openapi/
# With node_modules in place, the project's NpmAssets target copies the bundle under wwwroot/lib without running npm.
COPY --from=assets /web/node_modules services/Web/Platform.Web/node_modules
RUN dotnet publish services/Web/Platform.Web -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
ENV ASPNETCORE_URLS=http://+:8080
WORKDIR /app
COPY --from=build /app ./
# The image's unprivileged user (uid 1654): the pages never run as root.
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/Platform.Web.dll"]
