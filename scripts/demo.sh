#!/usr/bin/env bash
# Builds dist/swamp and runs the main job on the default datastore (the repo's own .swamp/ folder)
# in a throwaway repo: init, three versions of a record, reads them back, queries, shows status.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
bun build.ts
swamp="$PWD/dist/swamp"
repo=$(mktemp -d "${TMPDIR:-/tmp}/swamp-demo.XXXXXX")
echo "== demo repo: $repo"
cd "$repo"
"$swamp" repo init
for n in 1 2 3; do
  "$swamp" data put vpc main --model-type aws::ec2::vpc --value "{\"cidr\":\"10.$n.0.0/16\",\"n\":$n}" --tag env=prod
done
"$swamp" data put vpc notes --value "text notes" --kind data
"$swamp" data versions vpc main
"$swamp" data list vpc
"$swamp" data query 'modelName == "vpc" && attributes.n >= 2'
"$swamp" data get vpc main --json --no-content
"$swamp" datastore status --once
echo "== done: the repo stays at $repo (remove it with: rm -rf $repo)"
