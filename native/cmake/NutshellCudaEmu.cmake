# The cuda backend built for the cuda emulator (NUTSHELL_CUDA=EMULATE; Note [cuda emulation] in
# emu/ns_emu.h): the same host sources, the kernels rewritten as C++ by emu/cu2cc.py, the CUDA
# runtime from emu/runtime.cc, cuDNN from emu/dnn.cc and emu/rnn.cc, cuBLAS from emu/libs.cc, and
# weak stubs (gen_stubs.py) for whatever else the sources name. Included by NutshellCuda.cmake
# once the headers are found; a test build, never shipped.
enable_language(C)
find_package(Threads REQUIRED)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(_ns_emu "${CMAKE_CURRENT_SOURCE_DIR}/emu")
set(_ns_emu_out "${CMAKE_CURRENT_BINARY_DIR}/emu")

file(GLOB _ns_cu CONFIGURE_DEPENDS src/cuda/*.cu)
file(GLOB _ns_cuh CONFIGURE_DEPENDS src/cuda/*.cuh)
file(GLOB _ns_host CONFIGURE_DEPENDS src/cuda/*.cc src/cuda/*.h)
set(_ns_kernels)
foreach(f IN LISTS _ns_cu)
  get_filename_component(n "${f}" NAME)
  list(APPEND _ns_kernels "${_ns_emu_out}/kernels/${n}.cc")
endforeach()
set(_ns_kernel_headers)
foreach(f IN LISTS _ns_cuh)
  get_filename_component(n "${f}" NAME)
  list(APPEND _ns_kernel_headers "${_ns_emu_out}/kernels/${n}")
endforeach()
add_custom_command(
  OUTPUT ${_ns_kernels} ${_ns_kernel_headers}
  COMMAND ${Python3_EXECUTABLE} "${_ns_emu}/cu2cc.py" "${CMAKE_CURRENT_SOURCE_DIR}/src/cuda" "${_ns_emu_out}/kernels"
  DEPENDS ${_ns_cu} ${_ns_cuh} "${_ns_emu}/cu2cc.py"
  COMMENT "cuda emulator: rewriting the kernels as C++")
add_custom_command(
  OUTPUT "${_ns_emu_out}/stubs.c"
  COMMAND ${Python3_EXECUTABLE} "${_ns_emu}/gen_stubs.py" "${CMAKE_CURRENT_SOURCE_DIR}/src/cuda" "${CUBLAS_INCLUDE_DIR}/cublas_v2.h" "${_ns_emu_out}/stubs.c"
  DEPENDS ${_ns_cu} ${_ns_cuh} ${_ns_host} "${_ns_emu}/gen_stubs.py"
  COMMENT "cuda emulator: stubs for cuDNN and cuBLAS")

file(GLOB _ns_host_sources CONFIGURE_DEPENDS src/cuda/*.cc)
add_library(nutshell_cuda SHARED ${_ns_host_sources} ${_ns_kernels} "${_ns_emu_out}/stubs.c" "${_ns_emu}/runtime.cc" "${_ns_emu}/libs.cc" "${_ns_emu}/dnn.cc" "${_ns_emu}/rnn.cc"
            ${NUTSHELL_CORE_SOURCES} src/gen/cuda_kernels.gen.cc)
target_include_directories(nutshell_cuda PRIVATE "${_ns_emu}/include" "${CMAKE_CURRENT_SOURCE_DIR}/src/cuda" ${CUDNN_INCLUDE_DIR} ${CUBLAS_INCLUDE_DIR}
                           ${CUDAToolkit_INCLUDE_DIRS})
# The kernels see ns_emu.h first; explicitly rounded arithmetic (__fmul_rn …) must stay unfused.
set_source_files_properties(${_ns_kernels} PROPERTIES COMPILE_OPTIONS "-include;${_ns_emu}/ns_emu.h;-ffp-contract=off;-Wno-unknown-pragmas")
target_compile_options(nutshell_cuda PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-O2 -g -Wall -Wno-unused-parameter -Wno-deprecated-declarations>)
set_target_properties(nutshell_cuda PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}")
target_link_options(nutshell_cuda PRIVATE -Wl,-z,defs)
# NUTSHELL_EMU_ASAN=ON: the emulated backend under AddressSanitizer (run node with
# LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0): a kernel that reads
# or writes past its device block stops with the offending line.
if(NUTSHELL_EMU_ASAN)
  target_compile_options(nutshell_cuda PRIVATE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(nutshell_cuda PRIVATE -fsanitize=address)
  target_compile_definitions(nutshell_cuda PRIVATE NS_EMU_ASAN=1)
endif()
target_link_libraries(nutshell_cuda PRIVATE Threads::Threads)
add_dependencies(nutshell nutshell_cuda)
set(NUTSHELL_CUDA_COMPILED 1)
set(NUTSHELL_CUDA_VERSION "${CUDAToolkit_VERSION}")
set(NUTSHELL_CUDA_EMULATED 1)
set(NUTSHELL_CUDNN_VERSION "emulated")
set(NUTSHELL_CUBLAS_VERSION "emulated")
set(NUTSHELL_CUDA_ARCHS_STR "emulated")
set(NUTSHELL_CUDA_STATUS "emulated on the cpu (emu/; headers of CUDA ${CUDAToolkit_VERSION}, cuDNN at ${CUDNN_INCLUDE_DIR}, cuBLAS at ${CUBLAS_INCLUDE_DIR})")

# The emulator's own checks (emu/selftest.cc), run first by scripts/cuda-emu-test.
add_executable(nutshell_emu_selftest emu/selftest.cc emu/runtime.cc emu/libs.cc emu/dnn.cc emu/rnn.cc "${_ns_emu_out}/stubs.c")
set_source_files_properties(emu/selftest.cc PROPERTIES COMPILE_OPTIONS "-include;${_ns_emu}/ns_emu.h")
target_include_directories(nutshell_emu_selftest PRIVATE "${_ns_emu}" "${_ns_emu}/include" ${CUDNN_INCLUDE_DIR} ${CUBLAS_INCLUDE_DIR}
                           ${CUDAToolkit_INCLUDE_DIRS})
target_compile_options(nutshell_emu_selftest PRIVATE -O2 -Wall -Wno-unused-parameter -Wno-deprecated-declarations)
target_link_libraries(nutshell_emu_selftest PRIVATE Threads::Threads)
set_target_properties(nutshell_emu_selftest PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}")
add_dependencies(nutshell nutshell_emu_selftest)

# The device-side error queue with the fetch played by hand (emu/device_errors_test.cc), run next.
add_executable(nutshell_emu_device_errors_test emu/device_errors_test.cc src/cuda/device_errors.cc src/core/storage.cc emu/runtime.cc)
target_include_directories(nutshell_emu_device_errors_test PRIVATE "${_ns_emu}" "${CMAKE_CURRENT_SOURCE_DIR}/src/cuda" ${CUDNN_INCLUDE_DIR}
                           ${CUBLAS_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
target_compile_options(nutshell_emu_device_errors_test PRIVATE -O2 -Wall -Wno-unused-parameter)
target_link_libraries(nutshell_emu_device_errors_test PRIVATE Threads::Threads)
set_target_properties(nutshell_emu_device_errors_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}")
add_dependencies(nutshell nutshell_emu_device_errors_test)
