# scopes_install_pkgconfig(<template.pc.in>)
#
# Installs <template> (without .in) into <libdir>/pkgconfig with the prefix
# of the *install*, not of the configure: `cmake --install build --prefix P`
# and DESTDIR installs then get a .pc file whose prefix is P. The template
# may use @CMAKE_INSTALL_PREFIX@, @SCOPES_PC_LIBDIR@, @SCOPES_PC_INCLUDEDIR@
# (both "${prefix}/..." unless the install dirs are absolute) and any
# variable of the calling scope such as @PROJECT_VERSION@.
function(scopes_install_pkgconfig template)
  get_filename_component(name ${template} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  if(IS_ABSOLUTE ${CMAKE_INSTALL_LIBDIR})
    set(SCOPES_PC_LIBDIR ${CMAKE_INSTALL_LIBDIR})
    set(dest ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  else()
    set(SCOPES_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(dest "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  endif()
  if(IS_ABSOLUTE ${CMAKE_INSTALL_INCLUDEDIR})
    set(SCOPES_PC_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
  else()
    set(SCOPES_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  endif()
  # First pass now: everything but the prefix, which is left as a
  # placeholder for the second pass at install time.
  set(CMAKE_INSTALL_PREFIX "@CMAKE_INSTALL_PREFIX@")
  configure_file(${template} ${CMAKE_CURRENT_BINARY_DIR}/${name}.stage @ONLY)
  install(CODE "
    set(_pc \"\$ENV{DESTDIR}${dest}/${name}\")
    message(STATUS \"Installing: \${_pc}\")
    configure_file(\"${CMAKE_CURRENT_BINARY_DIR}/${name}.stage\" \"\${_pc}\" @ONLY)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${_pc}\")
  ")
endfunction()
