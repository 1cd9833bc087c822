# Finds nvcc, cuDNN 9 and cuBLAS and builds the cuda backend library, or explains why not.
# cuDNN/cuBLAS are searched in CUDNN_ROOT/CUDNN_HOME/CUBLAS_ROOT, the CUDA toolkit, the system
# folders, and the layout of the Python wheels nvidia-cudnn-cu13 / nvidia-cublas
# (<site>/nvidia/cudnn, <site>/nvidia/cu13), which ship no unversioned .so links.

function(nutshell_cuda_unavailable why)
  if(NUTSHELL_CUDA STREQUAL "ON")
    message(FATAL_ERROR "nutshell: NUTSHELL_CUDA=ON but ${why}")
  endif()
  set(NUTSHELL_CUDA_STATUS "not built: ${why}" PARENT_SCOPE)
endfunction()

# NUTSHELL_CUDA=EMULATE compiles the same backend as plain C++ against the real headers and runs
# it on the cpu (Note [cuda emulation] in emu/ns_emu.h): no nvcc, no GPU, no cuDNN libraries.
set(_ns_emulate OFF)
if(NUTSHELL_CUDA STREQUAL "EMULATE")
  set(_ns_emulate ON)
endif()
if(NOT _ns_emulate)
  include(CheckLanguage)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    if(DEFINED ENV{NUTSHELL_CUDA_ARCHS} AND NOT "$ENV{NUTSHELL_CUDA_ARCHS}" STREQUAL "")
      set(CMAKE_CUDA_ARCHITECTURES "$ENV{NUTSHELL_CUDA_ARCHS}")
    else()
      # sm_80 and sm_90 as machine code, plus PTX for 90 so newer GPUs JIT it.
      set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
    endif()
  endif()
  check_language(CUDA)
  if(NOT CMAKE_CUDA_COMPILER)
    nutshell_cuda_unavailable("nvcc was not found (put it on PATH or set CUDACXX)")
    return()
  endif()
  enable_language(CUDA)
endif()
find_package(CUDAToolkit REQUIRED)

# Candidate prefixes, most specific first.
set(_ns_roots)
foreach(var CUDNN_ROOT CUDNN_HOME CUBLAS_ROOT CUDA_HOME CUDA_PATH NUTSHELL_NVIDIA_PY)
  if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "")
    list(APPEND _ns_roots "$ENV{${var}}")
  endif()
endforeach()
# Python wheels: a pip --target folder in the repo (.deps/nvidia-py), then the interpreters' sites.
list(APPEND _ns_roots "${CMAKE_CURRENT_SOURCE_DIR}/../.deps/nvidia-py")
find_program(_ns_python NAMES python3 python)
if(_ns_python)
  execute_process(COMMAND ${_ns_python} -c "import site,sys; print(';'.join(site.getsitepackages()+[site.getusersitepackages()]))"
                  OUTPUT_VARIABLE _ns_sites OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  list(APPEND _ns_roots ${_ns_sites})
endif()
list(APPEND _ns_roots ${CUDAToolkit_LIBRARY_ROOT} /usr/local/cuda /usr /usr/local)

set(_ns_hint_inc)
set(_ns_hint_lib)
foreach(root IN LISTS _ns_roots)
  foreach(sub "" "nvidia/cudnn" "nvidia/cu13" "nvidia/cublas" "nvidia/cu12")
    list(APPEND _ns_hint_inc "${root}/${sub}/include")
    list(APPEND _ns_hint_lib "${root}/${sub}/lib" "${root}/${sub}/lib64" "${root}/${sub}/lib/x86_64-linux-gnu")
  endforeach()
endforeach()
list(APPEND _ns_hint_inc ${CUDAToolkit_INCLUDE_DIRS} /usr/include/x86_64-linux-gnu)
list(APPEND _ns_hint_lib ${CUDAToolkit_LIBRARY_DIR} /usr/lib/x86_64-linux-gnu)

# Each library is looked for first beside the headers found (a wheel's include/ and lib/), then
# folder by folder in the order above (NAMES_PER_DIR): CMake's default, name by name across every
# folder, would take an unversioned libcublas.so from /usr/local/cuda before the wheel's
# libcublas.so.13 (the wheels ship versioned names only), pairing one cuBLAS's headers with
# another's library.
find_path(CUDNN_INCLUDE_DIR cudnn_version.h HINTS ${_ns_hint_inc} NO_DEFAULT_PATH)
find_path(CUBLAS_INCLUDE_DIR cublas_v2.h HINTS ${_ns_hint_inc} NO_DEFAULT_PATH)
set(_ns_cudnn_lib_hints "${CUDNN_INCLUDE_DIR}/../lib" "${CUDNN_INCLUDE_DIR}/../lib64" ${_ns_hint_lib})
set(_ns_cublas_lib_hints "${CUBLAS_INCLUDE_DIR}/../lib" "${CUBLAS_INCLUDE_DIR}/../lib64" ${_ns_hint_lib})
find_library(CUDNN_LIBRARY NAMES libcudnn.so.9 cudnn NAMES_PER_DIR HINTS ${_ns_cudnn_lib_hints} NO_DEFAULT_PATH)
find_library(CUBLAS_LIBRARY NAMES libcublas.so.13 libcublas.so.12 cublas NAMES_PER_DIR HINTS ${_ns_cublas_lib_hints} NO_DEFAULT_PATH)
find_library(CUBLASLT_LIBRARY NAMES libcublasLt.so.13 libcublasLt.so.12 cublasLt NAMES_PER_DIR HINTS ${_ns_cublas_lib_hints} NO_DEFAULT_PATH)

if(_ns_emulate)
  if(NOT CUDNN_INCLUDE_DIR OR NOT CUBLAS_INCLUDE_DIR)
    message(FATAL_ERROR "nutshell: NUTSHELL_CUDA=EMULATE needs the cuDNN and cuBLAS headers (pip install nvidia-cudnn-cu13 nvidia-cublas)")
  endif()
  include(NutshellCudaEmu)
  return()
endif()
if(NOT CUDNN_INCLUDE_DIR OR NOT CUDNN_LIBRARY)
  nutshell_cuda_unavailable("cuDNN 9 was not found (set CUDNN_ROOT, or pip install nvidia-cudnn-cu13)")
  return()
endif()
if(NOT CUBLAS_INCLUDE_DIR OR NOT CUBLAS_LIBRARY OR NOT CUBLASLT_LIBRARY)
  nutshell_cuda_unavailable("cuBLAS was not found (set CUBLAS_ROOT, or pip install nvidia-cublas)")
  return()
endif()

file(STRINGS "${CUDNN_INCLUDE_DIR}/cudnn_version.h" _ns_cudnn_ver REGEX "#define CUDNN_(MAJOR|MINOR|PATCHLEVEL) +[0-9]+")
string(REGEX REPLACE ".*CUDNN_MAJOR +([0-9]+).*CUDNN_MINOR +([0-9]+).*CUDNN_PATCHLEVEL +([0-9]+).*" "\\1.\\2.\\3" NUTSHELL_CUDNN_VERSION "${_ns_cudnn_ver}")
if(NOT NUTSHELL_CUDNN_VERSION MATCHES "^9\\.")
  nutshell_cuda_unavailable("cuDNN ${NUTSHELL_CUDNN_VERSION} at ${CUDNN_INCLUDE_DIR} is not cuDNN 9")
  return()
endif()
file(STRINGS "${CUBLAS_INCLUDE_DIR}/cublas_api.h" _ns_cublas_ver REGEX "#define CUBLAS_VER_(MAJOR|MINOR|PATCH) +[0-9]+")
string(REGEX REPLACE ".*CUBLAS_VER_MAJOR +([0-9]+).*CUBLAS_VER_MINOR +([0-9]+).*CUBLAS_VER_PATCH +([0-9]+).*" "\\1.\\2.\\3" NUTSHELL_CUBLAS_VERSION "${_ns_cublas_ver}")
set(NUTSHELL_CUDA_VERSION "${CUDAToolkit_VERSION}")
string(REPLACE ";" "," NUTSHELL_CUDA_ARCHS_STR "${CMAKE_CUDA_ARCHITECTURES}")

file(GLOB NUTSHELL_CUDA_SOURCES CONFIGURE_DEPENDS src/cuda/*.cc src/cuda/*.cu)
add_library(nutshell_cuda SHARED ${NUTSHELL_CUDA_SOURCES} ${NUTSHELL_CORE_SOURCES} src/gen/cuda_kernels.gen.cc)
target_include_directories(nutshell_cuda PRIVATE ${CUDNN_INCLUDE_DIR} ${CUBLAS_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
target_link_libraries(nutshell_cuda PRIVATE CUDA::cudart_static ${CUDNN_LIBRARY} ${CUBLAS_LIBRARY} ${CUBLASLT_LIBRARY})
set_target_properties(nutshell_cuda PROPERTIES
  CUDA_SEPARABLE_COMPILATION OFF
  LIBRARY_OUTPUT_DIRECTORY "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}"
  INSTALL_RPATH_USE_LINK_PATH ON)
# The wheels' libraries find each other by RUNPATH; ours finds them where they were at build time.
get_filename_component(_ns_cudnn_dir "${CUDNN_LIBRARY}" DIRECTORY)
get_filename_component(_ns_cublas_dir "${CUBLAS_LIBRARY}" DIRECTORY)
set_property(TARGET nutshell_cuda APPEND PROPERTY BUILD_RPATH "${_ns_cudnn_dir}" "${_ns_cublas_dir}")
target_compile_options(nutshell_cuda PRIVATE
  $<$<COMPILE_LANGUAGE:CXX>:-O3 -Wall -Wno-unused-parameter>
  $<$<COMPILE_LANGUAGE:CUDA>:-O3 --expt-relaxed-constexpr>)
# A declared cuda kernel that no file defines must fail the link, not the dlopen on a GPU machine.
target_link_options(nutshell_cuda PRIVATE -Wl,-z,defs)
add_dependencies(nutshell nutshell_cuda)
set(NUTSHELL_CUDA_COMPILED 1)
set(NUTSHELL_CUDA_STATUS "built (CUDA ${NUTSHELL_CUDA_VERSION}, cuDNN ${NUTSHELL_CUDNN_VERSION} at ${CUDNN_LIBRARY}, cuBLAS ${NUTSHELL_CUBLAS_VERSION}, archs ${CMAKE_CUDA_ARCHITECTURES})")
