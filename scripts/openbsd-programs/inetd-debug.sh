# SPDX-License-Identifier: MIT
# openbsd-inetd in debug mode (-d): the inetd scenario (inetd.sh) with the
# flag a person debugging a configuration uses. In debug mode inetd sets
# SO_DEBUG on each TCP listening socket, after its pledge ("... inet ..."):
# OpenBSD's "inet" allows every SOL_SOCKET option but SO_RTABLE, libscopes
# allows no SO_DEBUG. Sourced by scripts/openbsd-programs.sh.
. "$(dirname "${BASH_SOURCE[0]}")/inetd.sh"
INETD_FLAGS=-d
DESCRIPTION="inetd(8) as in the inetd scenario, in debug mode (-d: SO_DEBUG on each TCP listening socket, after the pledge)."
