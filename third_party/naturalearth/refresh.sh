#!/bin/sh
# refresh.sh regenerates neasia.geojson from the npm package world-atlas.
#
#   third_party/naturalearth/refresh.sh
#
# It runs `npm pack world-atlas@<version in VERSION>` into a temporary directory, checks the
# tarball's sha512 against the registry's dist.integrity and the value pinned in VERSION, copies
# LICENSE, and runs gen.go (decode TopoJSON, clip to the box, simplify) on countries-50m.json.
# Needs npm, openssl and go. Review the diff of neasia.geojson afterwards.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^version=//p' "$here/VERSION")
pinned=$(sed -n 's/^integrity=//p' "$here/VERSION")

want=$(npm view "world-atlas@$version" dist.integrity)
if [ "$want" != "$pinned" ]; then
	echo "refresh.sh: registry integrity for world-atlas@$version is $want, pinned is $pinned" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "world-atlas@$version" >/dev/null)
tgz="$tmp/world-atlas-$version.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 | tr -d '\n')"
if [ "$got" != "$want" ]; then
	echo "refresh.sh: tarball sha512 $got does not match registry integrity $want" >&2
	exit 1
fi
tar -xzf "$tgz" -C "$tmp"
cp "$tmp/package/LICENSE" "$here/LICENSE"
(cd "$here" && go run gen.go "$tmp/package/countries-50m.json" >"$here/neasia.geojson.tmp")
mv "$here/neasia.geojson.tmp" "$here/neasia.geojson"
echo "refresh.sh: wrote $here/neasia.geojson"
