# scopes_host_tool(<out-var> <target> <subdir> [TARGET_ARCH_OUTPUT])
#
# The command that runs <target>, a program of this build, at build time:
#   - a native build: the target itself;
#   - a cross build with CMAKE_CROSSCOMPILING_EMULATOR (qemu-user): the
#     target too (CMake runs an executable target named in a custom command
#     through the emulator);
#   - a cross build with SCOPES_HOST_TOOLS_DIR, a native build tree of this
#     project: <dir>/<subdir>/<target> (or <dir>/<target>), unless
#     TARGET_ARCH_OUTPUT says that what the program writes depends on the
#     architecture it runs on (a host program would describe the host);
#   - otherwise: empty, and the caller leaves out what needs it.
# A cross build never runs a program built for the target without an
# emulator.
function(scopes_host_tool out target subdir)
  cmake_parse_arguments(P "TARGET_ARCH_OUTPUT" "" "" ${ARGN})
  set(${out} "" PARENT_SCOPE)
  if(NOT CMAKE_CROSSCOMPILING OR CMAKE_CROSSCOMPILING_EMULATOR)
    set(${out} ${target} PARENT_SCOPE)
    return()
  endif()
  if(NOT SCOPES_HOST_TOOLS_DIR OR P_TARGET_ARCH_OUTPUT)
    return()
  endif()
  foreach(candidate ${SCOPES_HOST_TOOLS_DIR}/${subdir}/${target} ${SCOPES_HOST_TOOLS_DIR}/${target})
    if(EXISTS ${candidate} AND NOT IS_DIRECTORY ${candidate})
      set(${out} ${candidate} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "SCOPES_HOST_TOOLS_DIR=${SCOPES_HOST_TOOLS_DIR} has no ${subdir}/${target}: "
    "build it natively first (cmake --build <native-build> --target ${target})")
endfunction()
