#!/bin/sh
# The kit's ffmpeg / ffprobe: Debian's binary with the libraries it was built against (the kit's lib/ first,
# the driver's libcuda / libnvcuvid / libnvidia-encode from the host). Shell builtins only: PATH may hold nothing else.
kit="${0%/bin/*}"
LD_LIBRARY_PATH="$kit/ffmpeg/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$kit/ffmpeg/libexec/${0##*/}" "$@"
