#!/usr/bin/env bash
# Vendor the NL Design System (Utrecht) CSS into visitplanner/static/vendor/utrecht/.
#
#   component-library.css  <- @utrecht/component-library-css (EUPL-1.2)
#   theme.css              <- @nl-design-system-unstable/voorbeeld-design-tokens
#                             (EUPL-1.2), the NL Design System open example
#                             theme; custom properties on `.voorbeeld-theme`.
#
# @utrecht/design-tokens is deliberately NOT used: it is proprietary
# ("All rights reserved", Gemeente Utrecht) and must not be shipped.
#
# Fetches pinned versions from the npm registry with `npm pack` (no CDN),
# extracts them in a temporary directory and copies the built CSS and the
# licence texts. Idempotent: the vendored files are removed and rewritten.
#
# Usage: scripts/vendor-css.sh
set -euo pipefail

COMPONENT_LIBRARY_CSS_VERSION="9.0.4"
THEME_VERSION="7.4.1"

CL_PKG="@utrecht/component-library-css"
THEME_PKG="@nl-design-system-unstable/voorbeeld-design-tokens"

# Files inside each package to vendor (paths relative to the package root).
CL_CSS="dist/index.css"   # no minified build is shipped; this is the main CSS
THEME_CSS="dist/theme.css" # custom properties on .voorbeeld-theme (dist/variables.css is the :root variant)
THEME_CLASS="voorbeeld-theme"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${REPO_ROOT}/visitplanner/static/vendor/utrecht"

command -v npm >/dev/null || { echo "error: npm not found" >&2; exit 1; }
command -v node >/dev/null || { echo "error: node not found" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

echo "Fetching ${CL_PKG}@${COMPONENT_LIBRARY_CSS_VERSION} and ${THEME_PKG}@${THEME_VERSION} ..."
(
  cd "${WORK}"
  npm pack --silent \
    "${CL_PKG}@${COMPONENT_LIBRARY_CSS_VERSION}" \
    "${THEME_PKG}@${THEME_VERSION}" >/dev/null
)

extract() { # <tarball> <dir>
  mkdir -p "$2"
  tar -xzf "$1" -C "$2"
}
extract "${WORK}/utrecht-component-library-css-${COMPONENT_LIBRARY_CSS_VERSION}.tgz" "${WORK}/cl"
extract "${WORK}/nl-design-system-unstable-voorbeeld-design-tokens-${THEME_VERSION}.tgz" "${WORK}/theme"
CL_DIR="${WORK}/cl/package"
THEME_DIR="${WORK}/theme/package"

pkg_field() { # <package dir> <field>
  node -e 'const p=require(process.argv[1]+"/package.json"); const v=p[process.argv[2]]; process.stdout.write(v==null?"":String(v));' "$1" "$2"
}

# Sanity check: the tarballs contain what we pinned.
for pair in "${CL_DIR}|${CL_PKG}|${COMPONENT_LIBRARY_CSS_VERSION}" "${THEME_DIR}|${THEME_PKG}|${THEME_VERSION}"; do
  IFS='|' read -r dir name version <<<"${pair}"
  got="$(pkg_field "${dir}" name)@$(pkg_field "${dir}" version)"
  if [[ "${got}" != "${name}@${version}" ]]; then
    echo "error: expected ${name}@${version}, tarball contains ${got}" >&2
    exit 1
  fi
done

for f in "${CL_DIR}/${CL_CSS}" "${THEME_DIR}/${THEME_CSS}"; do
  [[ -s "${f}" ]] || { echo "error: missing or empty ${f#"${WORK}"/}" >&2; exit 1; }
done

# Licence check: only ship openly licensed packages.
for dir in "${CL_DIR}" "${THEME_DIR}"; do
  lic="$(pkg_field "${dir}" license)"
  if [[ "${lic}" != "EUPL-1.2" ]]; then
    echo "error: $(pkg_field "${dir}" name) has licence '${lic}', expected EUPL-1.2" >&2
    exit 1
  fi
done

# The theme file must define the theme class and Utrecht component tokens.
grep -q "^\.${THEME_CLASS} {" "${THEME_DIR}/${THEME_CSS}" \
  || { echo "error: ${THEME_CSS} does not define .${THEME_CLASS}" >&2; exit 1; }
grep -q -- '--utrecht-' "${THEME_DIR}/${THEME_CSS}" \
  || { echo "error: ${THEME_CSS} defines no --utrecht-* properties" >&2; exit 1; }

# Write a package's licence text to <out>; fall back to package.json metadata.
write_license() { # <package dir> <out>
  local dir="$1" out="$2" lic
  lic="$(find "${dir}" -maxdepth 1 -type f \( -iname 'license*' -o -iname 'licence*' \) | sort | head -n 1)"
  if [[ -n "${lic}" ]]; then
    cp "${lic}" "${out}"
  else
    {
      echo "No LICENSE file is shipped in this package."
      echo "Package: $(pkg_field "${dir}" name)"
      echo "Version: $(pkg_field "${dir}" version)"
      echo "package.json license field: $(pkg_field "${dir}" license)"
    } >"${out}"
  fi
}

# Idempotent: remove previously vendored files, then rewrite them.
# (design-tokens.css / LICENSE-design-tokens.txt are leftovers of the former,
# proprietary @utrecht/design-tokens; they are removed and never recreated.)
mkdir -p "${DEST}"
rm -f \
  "${DEST}/component-library.css" \
  "${DEST}/theme.css" \
  "${DEST}/design-tokens.css" \
  "${DEST}/LICENSE-component-library-css.txt" \
  "${DEST}/LICENSE-voorbeeld-design-tokens.txt" \
  "${DEST}/LICENSE-design-tokens.txt" \
  "${DEST}/VERSIONS.txt"

cp "${CL_DIR}/${CL_CSS}" "${DEST}/component-library.css"
cp "${THEME_DIR}/${THEME_CSS}" "${DEST}/theme.css"
write_license "${CL_DIR}" "${DEST}/LICENSE-component-library-css.txt"
write_license "${THEME_DIR}" "${DEST}/LICENSE-voorbeeld-design-tokens.txt"

{
  echo "# Vendored by scripts/vendor-css.sh from the npm registry (npm pack)."
  echo "# Date vendored (UTC): $(date -u +%Y-%m-%d)"
  echo "#"
  echo "# package | version | licence (package.json) | source file -> vendored file"
  echo "$(pkg_field "${CL_DIR}" name) | $(pkg_field "${CL_DIR}" version) | $(pkg_field "${CL_DIR}" license) | ${CL_CSS} -> component-library.css"
  echo "$(pkg_field "${THEME_DIR}" name) | $(pkg_field "${THEME_DIR}" version) | $(pkg_field "${THEME_DIR}" license) | ${THEME_CSS} -> theme.css (class .${THEME_CLASS})"
} >"${DEST}/VERSIONS.txt"

echo "Vendored into ${DEST#"${REPO_ROOT}"/}:"
ls -l "${DEST}"
