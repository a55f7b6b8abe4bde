#!/bin/sh
# refresh.sh regenerates world.geojson from the npm packages world-atlas (outlines) and
# i18n-iso-countries (ISO 3166-1 numeric → alpha-3 codes).
#
#   third_party/naturalearth/refresh.sh
#
# For each package pinned in VERSION it runs `npm pack <name>@<version>` into a temporary
# directory and checks the tarball's sha512 against the registry's dist.integrity and the value
# pinned in VERSION; it copies both licences and runs gen.go (decode TopoJSON, simplify, add the
# codes) on countries-50m.json and codes.json. Needs npm, openssl and go. Review the diff of
# world.geojson afterwards.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch NAME PREFIX: pack NAME at the version pinned as PREFIXversion=, check it against
# PREFIXintegrity= and the registry, and unpack it into $tmp/NAME.
fetch() {
	name=$1
	version=$(sed -n "s/^$2version=//p" "$here/VERSION")
	pinned=$(sed -n "s/^$2integrity=//p" "$here/VERSION")
	want=$(npm view "$name@$version" dist.integrity)
	if [ "$want" != "$pinned" ]; then
		echo "refresh.sh: registry integrity for $name@$version is $want, pinned is $pinned" >&2
		exit 1
	fi
	tgz=$(cd "$tmp" && npm pack --silent "$name@$version")
	got="sha512-$(openssl dgst -sha512 -binary "$tmp/$tgz" | base64 | tr -d '\n')"
	if [ "$got" != "$want" ]; then
		echo "refresh.sh: $name tarball sha512 $got does not match registry integrity $want" >&2
		exit 1
	fi
	mkdir "$tmp/$name"
	tar -xzf "$tmp/$tgz" -C "$tmp/$name"
}

fetch world-atlas ""
fetch i18n-iso-countries iso_
tolerance=$(sed -n 's/^tolerance=//p' "$here/VERSION")
cp "$tmp/world-atlas/package/LICENSE" "$here/LICENSE"
cp "$tmp/i18n-iso-countries/package/LICENSE" "$here/LICENSE.i18n-iso-countries"
(cd "$here" && go run gen.go -tolerance "$tolerance" "$tmp/world-atlas/package/countries-50m.json" \
	"$tmp/i18n-iso-countries/package/codes.json" >"$here/world.geojson.tmp")
mv "$here/world.geojson.tmp" "$here/world.geojson"
echo "refresh.sh: wrote $here/world.geojson"
