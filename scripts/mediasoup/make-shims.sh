#!/bin/bash
# Replace mediasoup worker's meson wraps (which download sources) with tiny
# "shim" subprojects that expose the same variables but wrap Debian system libs.
# Usage: make-shims.sh <unpacked mediasoup package>/worker
set -euo pipefail
W="$1"; S="$W/subprojects"
rm -f "$S"/*.wrap
mk() { mkdir -p "$S/$1"; echo 'void ms_shim_dummy_'"${1//-/_}"'(void) {}' > "$S/$1/shim.c"; cat > "$S/$1/meson.build"; }
mk openssl <<'M'
project('openssl', 'c')
openssl_dep = dependency('openssl')
libcrypto_lib = static_library('shim_crypto', 'shim.c')
libssl_lib = static_library('shim_ssl', 'shim.c')
M
mk libuv <<'M'
project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = static_library('shim_uv', 'shim.c')
M
# mediasoup <= 3.12 uses libsrtp 2.x API: expose Debian's libsrtp2 headers as <srtp.h>.
mk libsrtp2 <<'M'
project('libsrtp2', 'c')
libsrtp2_dep = declare_dependency(dependencies: dependency('libsrtp2'), compile_args: ['-I/usr/include/srtp2'])
libsrtp2 = static_library('shim_libsrtp2', 'shim.c')
M
# mediasoup >= 3.13 uses versatica's libsrtp 3 API: use the compat header (srtp3compat/srtp.h).
mk libsrtp3 <<'M'
project('libsrtp3', 'c')
libsrtp3_dep = declare_dependency(dependencies: dependency('libsrtp2'), include_directories: include_directories('include'))
libsrtp3 = static_library('shim_libsrtp3', 'shim.c')
M
mkdir -p "$S/libsrtp3/include"; cp "$(dirname "$0")/srtp3compat/srtp.h" "$S/libsrtp3/include/srtp.h"
mk usrsctp <<'M'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('shim_usrsctp', 'shim.c')
M
mk abseil-cpp <<'M'
project('abseil-cpp', 'c', 'cpp')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'),
  dependency('absl_inlined_vector'), dependency('absl_btree')])
absl_strings_dep = declare_dependency(dependencies: [dependency('absl_strings'), dependency('absl_str_format')])
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant'), dependency('absl_span')])
absl_base_dep = declare_dependency(dependencies: [dependency('absl_base'), dependency('absl_memory')])
absl_container_lib = static_library('shim_absl', 'shim.c')
M
mk nlohmann_json <<'M'
project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json')
M
mk catch2 <<'M'
project('catch2', 'cpp')
catch2_dep = declare_dependency()
catch2_with_main_dep = declare_dependency()
M
mk flatbuffers <<'M'
project('flatbuffers', 'c', 'cpp')
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = static_library('shim_flatbuffers', 'shim.c')
M
mk liburing <<'M'
project('liburing', 'c')
uring = dependency('liburing')
liburing = static_library('shim_uring', 'shim.c')
M
opt() { cat > "$S/$1/meson_options.txt"; }
opt libuv <<'M'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
M
for n in libsrtp2 libsrtp3; do opt $n <<'M'
option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')
M
done
opt usrsctp <<'M'
option('sctp_build_programs', type: 'boolean', value: false)
M
echo "shims created in $S: $(ls $S)"
