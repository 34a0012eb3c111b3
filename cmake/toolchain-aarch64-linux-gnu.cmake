# Cross build for 64-bit Arm Linux with Debian's cross compiler and the
# target's libraries installed multiarch (as root, on Debian 12):
#   apt-get install gcc-aarch64-linux-gnu
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libseccomp-dev:arm64 libunwind-dev:arm64   # libpng-dev:arm64 zlib1g-dev:arm64 for the examples
# then
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#         -DSCOPES_HOST_TOOLS_DIR=<a native build tree>
# Nothing built for the target runs at build time: the example images come
# from the native tree's pngmake; scopes-promises(7), which describes the
# architecture it is generated on, needs an emulator (apt-get install
# qemu-user, then add -DCMAKE_CROSSCOMPILING_EMULATOR=qemu-aarch64) and is
# left out without one.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SCOPES_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${SCOPES_CROSS_TRIPLE}-gcc)
set(CMAKE_AR ${SCOPES_CROSS_TRIPLE}-ar CACHE FILEPATH "Archiver")
set(CMAKE_RANLIB ${SCOPES_CROSS_TRIPLE}-ranlib CACHE FILEPATH "Ranlib")

# Debian's multiarch layout: the target's libraries and headers are in
# /usr/lib/aarch64-linux-gnu and /usr/include/aarch64-linux-gnu of this
# machine (the cross compiler searches those itself), the cross C library
# in /usr/aarch64-linux-gnu. Never the build machine's own libraries.
set(CMAKE_FIND_ROOT_PATH /usr/${SCOPES_CROSS_TRIPLE} /)
set(CMAKE_LIBRARY_ARCHITECTURE ${SCOPES_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: the target's .pc files only (libseccomp, libunwind, libdw)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${SCOPES_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
