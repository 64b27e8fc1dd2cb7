# Run by CTest (install_consumer) in script mode; the -D variables come from CMakeLists.txt.
#   1. cmake --install <build> --prefix <work>/prefix
#   2. configure, build and run consumer/ with -DCMAKE_PREFIX_PATH=<work>/prefix (find_package)
#   3. compile consumer/main.c with `pkg-config --cflags --libs kyc` and run it
cmake_minimum_required(VERSION 3.20)

foreach(var KYC_BUILD_DIR KYC_CONSUMER_DIR KYC_WORK_DIR KYC_LIBDIR KYC_CMAKEDIR KYC_PKGCONFIGDIR
            KYC_C_COMPILER KYC_CXX_COMPILER KYC_GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: ${var} is not set")
  endif()
endforeach()

function(run_step name)
  message(STATUS "install_consumer: ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install_consumer: ${name} failed (${result})\n"
                        "command: ${ARGN}\n${out}\n${err}")
  endif()
  if(out)
    message("${out}")
  endif()
endfunction()

set(prefix "${KYC_WORK_DIR}/prefix")
set(build "${KYC_WORK_DIR}/build")
file(REMOVE_RECURSE "${KYC_WORK_DIR}")
file(MAKE_DIRECTORY "${KYC_WORK_DIR}")

# 1. install
set(config_args)
if(KYC_CONFIG)
  set(config_args --config "${KYC_CONFIG}")
endif()
run_step("install into ${prefix}"
         "${CMAKE_COMMAND}" --install "${KYC_BUILD_DIR}" --prefix "${prefix}" ${config_args})
foreach(file "include/kyc/kyc.hpp" "include/kyc/version.hpp" "include/kyc/kyc.h"
             "${KYC_CMAKEDIR}/kycConfig.cmake" "${KYC_CMAKEDIR}/kycConfigVersion.cmake"
             "${KYC_PKGCONFIGDIR}/kyc.pc")
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "install_consumer: ${file} was not installed")
  endif()
endforeach()
file(GLOB private_headers "${prefix}/include/kyc/*.in" "${prefix}/include/kyc/detail*")
if(private_headers)
  message(FATAL_ERROR "install_consumer: unexpected files installed: ${private_headers}")
endif()

# The installed libraries must be found at run time without a system install.
set(library_path "${prefix}/${KYC_LIBDIR}")
if(DEFINED ENV{LD_LIBRARY_PATH} AND NOT "$ENV{LD_LIBRARY_PATH}" STREQUAL "")
  string(APPEND library_path ":$ENV{LD_LIBRARY_PATH}")
endif()
set(run_env "${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${library_path}"
            "DYLD_LIBRARY_PATH=${prefix}/${KYC_LIBDIR}")

# 2. find_package(kyc CONFIG) consumer (C++17 and C99)
set(generator_args -G "${KYC_GENERATOR}")
if(KYC_MAKE_PROGRAM)
  list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${KYC_MAKE_PROGRAM}")
endif()
run_step("configure consumer"
         "${CMAKE_COMMAND}" -S "${KYC_CONSUMER_DIR}" -B "${build}" ${generator_args}
         "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release
         "-DCMAKE_C_COMPILER=${KYC_C_COMPILER}" "-DCMAKE_CXX_COMPILER=${KYC_CXX_COMPILER}"
         # only the temporary prefix may satisfy find_package(kyc)
         -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
run_step("build consumer" "${CMAKE_COMMAND}" --build "${build}" --config Release)
foreach(exe kyc_consumer_cpp kyc_consumer_c)
  set(path "${build}/${exe}")
  if(NOT EXISTS "${path}" AND EXISTS "${build}/Release/${exe}")
    set(path "${build}/Release/${exe}")
  endif()
  run_step("run ${exe}" ${run_env} "${path}")
endforeach()

# 3. pkg-config consumer (C only: the flags must be all a C program needs)
if(NOT KYC_PKG_CONFIG)
  message(FATAL_ERROR "install_consumer: pkg-config not found; cannot check kyc.pc")
endif()
set(pc_args --cflags --libs)
if(NOT KYC_SHARED_LIB)
  list(APPEND pc_args --static)
endif()
function(pkg_config out)
  execute_process(
      COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${prefix}/${KYC_PKGCONFIGDIR}"
              "${KYC_PKG_CONFIG}" ${ARGN} kyc
      RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE err
      OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install_consumer: pkg-config ${ARGN} kyc failed: ${err}")
  endif()
  set(${out} "${output}" PARENT_SCOPE)
endfunction()
pkg_config(pc_flags ${pc_args})
message(STATUS "install_consumer: pkg-config ${pc_args} kyc: ${pc_flags}")
# kyc.pc is relocatable (${pcfiledir}): its includedir must resolve into the temporary prefix.
pkg_config(pc_includedir --variable=includedir)
file(REAL_PATH "${pc_includedir}" pc_includedir)
file(REAL_PATH "${prefix}/include" expected_includedir)
if(NOT pc_includedir STREQUAL expected_includedir)
  message(FATAL_ERROR "install_consumer: kyc.pc includedir is ${pc_includedir}, "
                      "expected ${expected_includedir}")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
set(c_exe "${KYC_WORK_DIR}/kyc_consumer_pkgconfig")
set(c_link)
if(NOT KYC_SHARED_LIB)
  set(c_link "-lstdc++")  # a static C++ library linked by the C driver
endif()
run_step("compile C consumer with pkg-config flags"
         "${KYC_C_COMPILER}" -std=c99 -Wall -Wextra -Wpedantic -Werror
         "${KYC_CONSUMER_DIR}/main.c" ${pc_flags} ${c_link} -o "${c_exe}")
run_step("run C consumer (pkg-config)" ${run_env} "${c_exe}")

message(STATUS "install_consumer: all steps passed")
