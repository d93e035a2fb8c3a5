#!/bin/sh
# How long the simulated cluster takes to list 5,000 objects and to reconcile 1,000 pods once
# (tests check only that it does; timings belong here), in a release build.
set -eu
cd "$(dirname "$0")/../.."
swift test -c release --filter ScaleTests 2>&1 | grep '^scale:'
