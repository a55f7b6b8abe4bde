#!/bin/sh
# refresh.sh re-vendors the HiGHS WebAssembly build from the npm package "highs".
#
#   third_party/highs/refresh.sh            # re-fetch the pinned version and check it
#   third_party/highs/refresh.sh 1.16.0     # move to another version (then review the diff)
#
# It runs `npm pack` into a temporary directory, checks the tarball's sha512 against the
# registry's dist.integrity (and, when no version is given, against the value pinned in
# VERSION), copies build/highs.wasm, build/highs.js and LICENSE here, rewrites VERSION and
# runs `go generate ./lp/highs`, which parses highs.js into lp/highs/exports_gen.go (the map
# from HiGHS C API names to the minified wasm export names). Needs npm, openssl and go.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinned_version=$(sed -n 's/^version=//p' "$here/VERSION")
pinned_integrity=$(sed -n 's/^integrity=//p' "$here/VERSION")
version=${1:-$pinned_version}

want=$(npm view "highs@$version" dist.integrity)
if [ "$version" = "$pinned_version" ] && [ "$want" != "$pinned_integrity" ]; then
	echo "refresh.sh: registry integrity for highs@$version is $want, pinned is $pinned_integrity" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "highs@$version" >/dev/null)
tgz="$tmp/highs-$version.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 | tr -d '\n')"
if [ "$got" != "$want" ]; then
	echo "refresh.sh: tarball sha512 $got does not match registry integrity $want" >&2
	exit 1
fi
tar -xzf "$tgz" -C "$tmp"

cp "$tmp/package/build/highs.wasm" "$here/highs.wasm"
cp "$tmp/package/build/highs.js" "$here/highs.js"
chmod 644 "$here/highs.wasm" "$here/highs.js"
cp "$tmp/package/LICENSE" "$here/LICENSE"
highs_version=$(sed -n 's/^highs=//p' "$here/VERSION")
if [ "$version" != "$pinned_version" ]; then
	highs_version=unknown # fill in from the self-check (TestHiGHSVersion prints it)
fi
cat >"$here/VERSION" <<EOV
package=highs
version=$version
highs=$highs_version
integrity=$want
tarball=$(npm view "highs@$version" dist.tarball)
EOV

cd "$root" && go generate ./lp/highs
echo "refresh.sh: vendored highs@$version ($want)"
