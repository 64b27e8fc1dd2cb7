# Install rules and the CMake / pkg-config packages (included from the top-level CMakeLists.txt
# when KYC_INSTALL is ON).
#
#   <prefix>/include/kyc/*.hpp, kyc.h          public C++ headers and the C ABI header
#   <prefix>/<libdir>/libkyc.so.*              the library (C++ API and C ABI)
#   <prefix>/<libdir>/cmake/kyc/               kycConfig.cmake, kycConfigVersion.cmake, kycTargets*.cmake
#   <prefix>/<libdir>/pkgconfig/kyc.pc         for C and C++ callers without CMake
#
# Consumers: find_package(kyc CONFIG REQUIRED) + target_link_libraries(app PRIVATE kyc::kyc),
# or `pkg-config --cflags --libs kyc`. tests/install checks both against an installed tree.
include(CMakePackageConfigHelpers)

set(KYC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/kyc"
    CACHE STRING "Where kycConfig.cmake is installed, relative to the prefix")
set(KYC_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where kyc.pc is installed, relative to the prefix")

# src/CMakeLists.txt sets KYC_PUBLIC_HEADERS with PARENT_SCOPE, i.e. in the top-level scope that
# includes this file. Fail clearly rather than install a package without headers.
if(NOT KYC_PUBLIC_HEADERS)
  message(FATAL_ERROR "KYC_PUBLIC_HEADERS is empty: src/CMakeLists.txt must set it (PARENT_SCOPE) "
                      "before cmake/KycInstall.cmake is included")
endif()
set(KYC_C_HEADERS "${PROJECT_SOURCE_DIR}/bindings/c/include/kyc/kyc.h")

install(TARGETS kyc
        EXPORT kycTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT kyc_runtime
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT kyc_runtime
                NAMELINK_COMPONENT kyc_development
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT kyc_development
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES ${KYC_PUBLIC_HEADERS} ${KYC_C_HEADERS}
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/kyc" COMPONENT kyc_development)
install(EXPORT kycTargets
        NAMESPACE kyc::
        FILE kycTargets.cmake
        DESTINATION "${KYC_INSTALL_CMAKEDIR}"
        COMPONENT kyc_development)

# kycConfig.cmake. A shared libkyc links dlib, OpenCV, giflib and nlohmann_json PRIVATELY, so its
# consumers need none of them; a static libkyc carries them as link-only dependencies, which the
# config then finds (KYC_PACKAGE_STATIC switches that on).
if(KYC_BUILD_SHARED)
  set(KYC_PACKAGE_STATIC OFF)
else()
  set(KYC_PACKAGE_STATIC ON)
endif()
configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/kycConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/package/kycConfig.cmake"
    INSTALL_DESTINATION "${KYC_INSTALL_CMAKEDIR}")
# 0.x: SameMajorVersion treats every 0.y as compatible; the C ABI carries its own
# KYC_C_API_VERSION, checked at run time.
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/package/kycConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}"
    COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/package/kycConfig.cmake"
              "${PROJECT_BINARY_DIR}/package/kycConfigVersion.cmake"
        DESTINATION "${KYC_INSTALL_CMAKEDIR}"
        COMPONENT kyc_development)

# kyc.pc, relocatable: paths are relative to the .pc file's own directory (${pcfiledir}), so the
# tree works after `cmake --install --prefix <anywhere>` and inside wheels.
function(_kyc_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${KYC_INSTALL_PKGCONFIGDIR}")
  set(KYC_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _kyc_pc_up "/kyc-prefix/${KYC_INSTALL_PKGCONFIGDIR}" "/kyc-prefix")
  string(REGEX REPLACE "/$" "" _kyc_pc_up "${_kyc_pc_up}")
  set(KYC_PC_PREFIX "\${pcfiledir}/${_kyc_pc_up}")
endif()
_kyc_pc_path(KYC_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
_kyc_pc_path(KYC_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
# A shared libkyc needs no flags of its dependencies; a static one lists them for `pkg-config --static`.
set(KYC_PC_STATIC_DEPS "")
if(KYC_PACKAGE_STATIC)
  set(KYC_PC_STATIC_DEPS
      "Requires.private: opencv4 dlib-1 nlohmann_json\nLibs.private: -lgif -lstdc++ -lm -pthread\n")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/kyc.pc.in" "${PROJECT_BINARY_DIR}/package/kyc.pc"
               @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/package/kyc.pc"
        DESTINATION "${KYC_INSTALL_PKGCONFIGDIR}"
        COMPONENT kyc_development)
