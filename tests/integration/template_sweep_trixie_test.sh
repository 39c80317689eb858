#!/usr/bin/env bash
# The template sweep (template_sweep_test.sh) on trixie, systemd 257: other
# parse rules (the seed 000 line is ignored in other words), PrivatePIDs=
# known. Measured: about 2 minutes, 3 runs at a time.
exec bash "$(dirname "$0")/template_sweep_test.sh" "$1" "$2" trixie
