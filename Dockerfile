# One image for the four PeerPrep services and the provisioning step; docker-compose.yml picks by command.
# Nothing is built natively at install (the services' SQLite is Node's built-in node:sqlite).
FROM node:24-bookworm
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY asyncapi.yaml tsconfig.json ./
COPY generated generated
COPY runtime runtime
COPY services services
COPY provision provision
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
EXPOSE 3000
# The same launcher as `npm run service -- <name>`, without npm in between (signals reach node).
ENTRYPOINT ["node", "--import", "tsx", "services/run.ts"]
