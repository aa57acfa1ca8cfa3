# Install layout and the Debian package (CPack DEB), included once at the end of the top
# CMakeLists.txt, after every target exists.
#
#   bin/edc, bin/edc-gui, bin/edc-sim            (the ones this build has)
#   share/edc/recipes/*.toml                     example recipes
#   lib/udev/rules.d/99-edc.rules                stable names, dialout access, FTDI latency
#   share/applications/edc-gui.desktop, share/icons/hicolor/scalable/apps/edc.svg (with edc-gui)
#   share/man/man1/edc.1.gz edc-sim.1.gz [edc-gui.1.gz], share/man/man5/edc-recipe.5.gz
#   share/doc/edc/README.md (install, wiring and safety notes are README sections)
#
# `cpack -G DEB` (or `cmake --build B --target package`) builds edc_<version>_<arch>.deb under
# /usr. The udev folder is spelled lib/udev, not CMAKE_INSTALL_LIBDIR: udev reads
# /usr/lib/udev/rules.d, never a multiarch folder.
include(GNUInstallDirs)

if(EDC_FUZZ)
  return()
endif()

# app/cli, app/gui and drivers/sim also carry install rules beside add_executable; the
# second copy of a file is reported "Up-to-date" and skipped, so this list is the one to trust.
foreach(program edc edc-gui edc-sim)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

file(GLOB EDC_EXAMPLE_RECIPES ${PROJECT_SOURCE_DIR}/recipes/examples/*.toml)
install(FILES ${EDC_EXAMPLE_RECIPES} DESTINATION ${CMAKE_INSTALL_DATADIR}/edc/recipes)
install(FILES ${PROJECT_SOURCE_DIR}/udev/99-edc.rules DESTINATION lib/udev/rules.d)
if(TARGET edc-gui)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/edc-gui.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/edc.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Manual pages, compressed as Debian policy wants (gzip -n: no timestamp, reproducible).
find_program(EDC_GZIP gzip REQUIRED)
set(_man_pages edc.1 edc-sim.1 edc-recipe.5)
if(TARGET edc-gui)
  list(APPEND _man_pages edc-gui.1)
endif()
set(_man_outputs "")
foreach(page ${_man_pages})
  set(_src ${PROJECT_SOURCE_DIR}/docs/man/${page})
  set(_gz ${PROJECT_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${_gz}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
                     COMMAND ${EDC_GZIP} -9 -n -c ${_src} > ${_gz}
                     DEPENDS ${_src} VERBATIM)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" _section ${page})
  install(FILES ${_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${_section})
  list(APPEND _man_outputs ${_gz})
endforeach()
add_custom_target(edc_man_pages ALL DEPENDS ${_man_outputs})

# --- Debian package ---
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME edc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "controller for graded-alloy electrodeposition (galvanostat + syringe pump)")
set(CPACK_PACKAGE_CONTACT "edc maintainers <edc@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Plans, simulates and runs compositionally graded Bi/Sb film depositions on a Keithley\n"
    "2400/2450 galvanostat and a New Era or Harvard syringe pump, journaling every run in SQLite.\n"
    "Includes the edc command line, the edc-gui desktop application, the edc-sim instrument\n"
    "simulator, udev rules for the instruments' USB-serial adapters and example recipes.")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Debian 12 runtime packages of the shared libraries the programs link (ldd + dpkg -S;
# tests/install checks that every library the installed programs load is covered).
set(_depends "libc6 (>= 2.34)" "libgcc-s1 (>= 3.0)" "libstdc++6 (>= 12)"
             "libfmt9 (>= 9.1.0)" "libspdlog1.10 (>= 1:1.10.0)" "libsqlite3-0 (>= 3.35.0)"
             "libserialport0 (>= 0.1.1)" "libssl3 (>= 3.0.0)")
if(TARGET edc-gui)
  list(APPEND _depends "libqt6core6 (>= 6.4.2)" "libqt6gui6 (>= 6.4.2)" "libqt6widgets6 (>= 6.4.2)"
                       "libqt6charts6 (>= 6.4.2)")
endif()
list(JOIN _depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "udev")

# `cpack --config CPackSourceConfig.cmake`: the sources without build trees or git metadata.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\.git/" "/\\.cache/")

include(CPack)
