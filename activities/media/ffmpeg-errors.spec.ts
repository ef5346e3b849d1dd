import { ApplicationFailure } from '@temporalio/common';
import { causeMessage, isTransientReadError, TransientReadError, withoutUrls } from './ffmpeg-errors';
import { httpInputOptions } from './http-input';
import { classify } from './input-checks';

/** The presigned query string the inputs were read with (the credential is AWS's documented example key). */
const Q =
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261202%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261202T221800Z&X-Amz-Expires=21600&X-Amz-Signature=5d2c0ffee0123456789abcdef&X-Amz-SignedHeaders=host&x-id=GetObject';

interface Row {
  name: string;
  /** ffmpeg's / ffprobe's exit status. */
  exit: number;
  stderr: string;
  transient: boolean;
  cause: string;
}

/**
 * Real stderr of Debian's ffmpeg/ffprobe 5.1.9, collected on bad inputs served over HTTP (python http.server)
 * and through a node:http server that resets (socket.resetAndDestroy()), closes or stalls mid-body, with the
 * options the adapters use (`-hide_banner -v error`, the reconnect options of http-input.ts) unless named.
 * "(ffmpeg)" rows are a decode to `-f null`; "-v warning" rows show what a warning level adds.
 */
const ROWS: Row[] = [
  {
    name: 'png renamed .mp4 (ffprobe)',
    exit: 1,
    stderr: `[png_pipe @ 0x563eed7ba300] Format not on whitelist 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,ivf,h264,hevc,mjpeg,ogg,wav,mp3,flac,aac'\nhttp://127.0.0.1:18091/anvil/inputs/png.mp4${Q}: Invalid argument\n`,
    transient: false,
    cause: 'format png_pipe is not accepted; Invalid argument',
  },
  {
    name: 'truncated mp4 (ffprobe)',
    exit: 1,
    stderr: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5593e5324300] moov atom not found\nhttp://127.0.0.1:18091/anvil/inputs/truncated.mp4${Q}: Invalid data found when processing input\n`,
    transient: false,
    cause: 'moov atom not found; Invalid data found when processing input',
  },
  {
    name: 'zero bytes (ffprobe)',
    exit: 1,
    stderr: `http://127.0.0.1:18091/anvil/inputs/zero.mp4${Q}: Invalid data found when processing input\n`,
    transient: false,
    cause: 'Invalid data found when processing input',
  },
  {
    name: 'random bytes (ffprobe)',
    exit: 1,
    stderr: `http://127.0.0.1:18091/anvil/inputs/random.mp4${Q}: Invalid data found when processing input\n`,
    transient: false,
    cause: 'Invalid data found when processing input',
  },
  {
    name: 'unsupported codec (ffmpeg first frame)',
    exit: 1,
    stderr: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e1aeb8da40] stream 0, offset 0x30: partial file\nDecoder (codec none) not found for input stream #0:0\n`,
    transient: false,
    cause: 'stream 0, offset 0x30: partial file; Decoder (codec none) not found for input stream #0:0',
  },
  {
    name: 'connection refused (ffprobe)',
    exit: 1,
    stderr: `[tcp @ 0x55969a868300] Connection to tcp://127.0.0.1:18099 failed: Connection refused\n[tcp @ 0x55969a868800] Connection to tcp://127.0.0.1:18099 failed: Connection refused\n[tcp @ 0x55969a868d40] Connection to tcp://127.0.0.1:18099 failed: Connection refused\n[tcp @ 0x55969a869240] Connection to tcp://127.0.0.1:18099 failed: Connection refused\nhttp://127.0.0.1:18099/anvil/inputs/t.mp4${Q}: Connection refused\n`,
    transient: true,
    cause: 'Connection to the server failed: Connection refused; Connection refused',
  },
  {
    name: '404 (ffprobe)',
    exit: 1,
    stderr: `http://127.0.0.1:18091/anvil/inputs/missing.mp4${Q}: Server returned 404 Not Found\n`,
    transient: false,
    cause: 'Server returned 404 Not Found',
  },
  {
    name: 'random bytes, banner (old ffprobe options)',
    exit: 1,
    stderr: `ffprobe version 5.1.9-0+deb12u1 Copyright (c) 2007-2026 the FFmpeg developers\n  built with gcc 12 (Debian 12.2.0-14+deb12u1)\n  configuration: --prefix=/usr --extra-version=0+deb12u1 --toolchain=hardened --libdir=/usr/lib/x86_64-linux-gnu --incdir=/usr/include/x86_64-linux-gnu --arch=amd64 --enable-gpl --disable-stripping --enable-gnutls --enable-ladspa --enable-libaom --enable-libass --enable-libbluray --enable-libbs2b --enable-libcaca --enable-libcdio --enable-libcodec2 --enable-libdav1d --enable-libflite --enable-libfontconfig --enable-libfreetype --enable-libfribidi --enable-libglslang --enable-libgme --enable-libgsm --enable-libjack --enable-libmp3lame --enable-libmysofa --enable-libopenjpeg --enable-libopenmpt --enable-libopus --enable-libpulse --enable-librabbitmq --enable-librist --enable-librubberband --enable-libshine --enable-libsnappy --enable-libsoxr --enable-libspeex --enable-libsrt --enable-libssh --enable-libsvtav1 --enable-libtheora --enable-libtwolame --enable-libvidstab --enable-libvorbis --enable-libvpx --enable-libwebp --enable-libx265 --enable-libxml2 --enable-libxvid --enable-libzimg --enable-libzmq --enable-libzvbi --enable-lv2 --enable-omx --enable-openal --enable-opencl --enable-opengl --enable-sdl2 --disable-sndio --enable-libjxl --enable-pocketsphinx --enable-librsvg --enable-libmfx --enable-libdc1394 --enable-libdrm --enable-libiec61883 --enable-chromaprint --enable-frei0r --enable-libx264 --enable-libplacebo --enable-librav1e --enable-shared\n  libavutil      57. 28.100 / 57. 28.100\n  libavcodec     59. 37.100 / 59. 37.100\n  libavformat    59. 27.100 / 59. 27.100\n  libavdevice    59.  7.100 / 59.  7.100\n  libavfilter     8. 44.100 /  8. 44.100\n  libswscale      6.  7.100 /  6.  7.100\n  libswresample   4.  7.100 /  4.  7.100\n  libpostproc    56.  6.100 / 56.  6.100\nhttp://127.0.0.1:18091/anvil/inputs/random.mp4${Q}: Invalid data found when processing input\n`,
    transient: false,
    cause: 'Invalid data found when processing input',
  },
  {
    name: 'reset mid-decode, no reconnect (ffmpeg)',
    exit: 0,
    stderr: `[NULL @ 0x5641e5a663c0] Invalid NAL unit size (2038 > 914).\n[NULL @ 0x5641e5a663c0] missing picture in access unit with size 918\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5641e5a618c0] stream 1, offset 0x473e7: partial file\n[h264 @ 0x5641e5a840c0] Invalid NAL unit size (2038 > 914).\n[h264 @ 0x5641e5a840c0] Error splitting the input into NAL units.\nhttp://127.0.0.1:18080/t.mp4: Connection reset by peer\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5641e5a618c0] stream 0, offset 0x47499: partial file\nhttp://127.0.0.1:18080/t.mp4: Connection reset by peer\nError while decoding stream #0:0: Invalid data found when processing input\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5641e5a618c0] stream 1, offset 0x47a00: partial file\nhttp://127.0.0.1:18080/t.mp4: Connection reset by peer\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5641e5a618c0] stream 1, offset 0x47abd: partial file\nhttp://127.0.0.1:18080/t.mp4: Connection reset by peer\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5641e5a618c0] stream 0, offset 0x47b73: partial file\nhttp://127.0.0.1:18080/t.mp4: Connection reset by peer\n`,
    transient: true,
    cause: 'Connection reset by peer',
  },
  {
    name: 'reset mid-decode, reconnects give up (ffmpeg)',
    exit: 0,
    stderr: `[NULL @ 0x55a66f75f880] Invalid NAL unit size (1273 > 1208).\n[NULL @ 0x55a66f75f880] missing picture in access unit with size 1212\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a66f75a9c0] stream 1, offset 0x61af1: partial file\n[h264 @ 0x55a66f7a0c80] Invalid NAL unit size (1273 > 1208).\nhttp://127.0.0.1:18084/t.mp4: Input/output error\n[h264 @ 0x55a66f7a0c80] Error splitting the input into NAL units.\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a66f75a9c0] stream 1, offset 0x61baa: partial file\nhttp://127.0.0.1:18084/t.mp4: Input/output error\nError while decoding stream #0:0: Invalid data found when processing input\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a66f75a9c0] stream 0, offset 0x61c5e: partial file\nhttp://127.0.0.1:18084/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a66f75a9c0] stream 1, offset 0x62013: partial file\nhttp://127.0.0.1:18084/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a66f75a9c0] stream 0, offset 0x620c7: partial file\nhttp://127.0.0.1:18084/t.mp4: Input/output error\n`,
    transient: true,
    cause: 'Input/output error',
  },
  {
    name: 'reset at open, reconnects give up (ffprobe-like ffmpeg open)',
    exit: 1,
    stderr: `[http @ 0x55925d888280] Stream ends prematurely at 859497, should be 876033\n[http @ 0x55925d888280] Stream ends prematurely at 0, should be 876033\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55925d8879c0] moov atom not found\nhttp://127.0.0.1:18082/t.mp4: Invalid data found when processing input\n`,
    transient: true,
    cause: 'Stream ends prematurely at 859497, should be 876033',
  },
  {
    name: 'server closes mid-body, no reconnect (ffmpeg)',
    exit: 0,
    stderr: `[http @ 0x557b949810c0] Stream ends prematurely at 300048, should be 876033\n[aac @ 0x557b949b66c0] Input buffer exhausted before END element found\nError while decoding stream #0:1: Invalid data found when processing input\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557b949808c0] stream 1, offset 0x49431: partial file\nhttp://127.0.0.1:18085/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557b949808c0] stream 0, offset 0x494e6: partial file\nhttp://127.0.0.1:18085/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557b949808c0] stream 1, offset 0x4989d: partial file\nhttp://127.0.0.1:18085/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557b949808c0] stream 1, offset 0x49953: partial file\nhttp://127.0.0.1:18085/t.mp4: Input/output error\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557b949808c0] stream 0, offset 0x49a0f: partial file\nhttp://127.0.0.1:18085/t.mp4: Input/output error\n`,
    transient: true,
    cause: 'Stream ends prematurely at 300048, should be 876033; Input/output error',
  },
  {
    name: 'server stalls, rw_timeout, no reconnect (ffmpeg)',
    exit: 0,
    stderr: `[aac @ 0x55f8454aca80] Input buffer exhausted before END element found\nError while decoding stream #0:1: Invalid data found when processing input\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55f845450940] stream 1, offset 0x49431: partial file\nhttp://127.0.0.1:18086/t.mp4: Connection timed out\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55f845450940] stream 0, offset 0x494e6: partial file\nhttp://127.0.0.1:18086/t.mp4: Connection timed out\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55f845450940] stream 1, offset 0x4989d: partial file\nhttp://127.0.0.1:18086/t.mp4: Connection timed out\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55f845450940] stream 1, offset 0x49953: partial file\nhttp://127.0.0.1:18086/t.mp4: Connection timed out\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55f845450940] stream 0, offset 0x49a0f: partial file\nhttp://127.0.0.1:18086/t.mp4: Connection timed out\n`,
    transient: true,
    cause: 'Connection timed out',
  },
  {
    name: 'tls reset (ffmpeg)',
    exit: 1,
    stderr: `[tls @ 0x5562360e5c00] Error in the pull function.\n[tls @ 0x5562360e5c00] IO error: Connection reset by peer\n[tcp @ 0x55623632c440] Connection to tcp://127.0.0.1:18443 failed: Connection refused\n[tcp @ 0x5562364dbac0] Connection to tcp://127.0.0.1:18443 failed: Connection refused\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x556235d388c0] moov atom not found\nhttps://127.0.0.1:18443/t.mp4: Invalid data found when processing input\n`,
    transient: true,
    cause: 'Error in the pull function; IO error: Connection reset by peer; Connection to the server failed: Connection refused',
  },
  {
    name: 'reset after moov, probe (ffprobe)',
    exit: 0,
    stderr: `[http @ 0x557154086b80] Stream ends prematurely at 48, should be 876033\n`,
    transient: false,
    cause: 'Stream ends prematurely at 48, should be 876033',
  },
  {
    name: 'count_packets cut, reconnects give up, -v warning (ffprobe)',
    exit: 0,
    stderr: `[http @ 0x55c3b37aab80] Will reconnect at 100048 in 0 second(s), error=Connection reset by peer.\n[http @ 0x55c3b37aab80] Will reconnect at 100048 in 1 second(s), error=Connection reset by peer.\n[http @ 0x55c3b37aab80] Will reconnect at 100048 in 3 second(s), error=Connection reset by peer.\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55c3b37aa2c0] Packet corrupt (stream = 0, dts = 28672).\n[NULL @ 0x55c3b37af080] Invalid NAL unit size (1010 > 363).\n[NULL @ 0x55c3b37af080] missing picture in access unit with size 367\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55c3b37aa2c0] stream 0, offset 0x18ac0: partial file\n`,
    transient: true,
    cause: 'Will reconnect at 100048 in 0 second(s), error=Connection reset by peer',
  },
  {
    name: 'count_packets, reconnect recovered, -v warning (ffprobe)',
    exit: 0,
    stderr: `[http @ 0x559ba2c22b80] Will reconnect at 100048 in 0 second(s), error=Connection reset by peer.\n`,
    transient: false,
    cause: 'Will reconnect at 100048 in 0 second(s), error=Connection reset by peer',
  },
  {
    name: 'server closes mid-body, reconnect recovered, warning (ffmpeg)',
    exit: 0,
    stderr: `[http @ 0x55c042f23280] Stream ends prematurely at 300048, should be 876033\n[http @ 0x55c042f23280] Will reconnect at 300048 in 0 second(s), error=Input/output error.\n`,
    transient: false,
    cause: 'Stream ends prematurely at 300048, should be 876033; Will reconnect at 300048 in 0 second(s), error=Input/output error',
  },
  {
    name: 'truncated object, faststart, -v warning (ffprobe count)',
    exit: 0,
    stderr: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b7f23fe2c0] Packet corrupt (stream = 0, dts = 142336).\n[NULL @ 0x55b7f2402a40] Invalid NAL unit size (1275 > 512).\n[NULL @ 0x55b7f2402a40] missing picture in access unit with size 516\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b7f23fe2c0] stream 0, offset 0x7a594: partial file\n`,
    transient: false,
    cause: 'Invalid NAL unit size (1275 > 512); missing picture in access unit with size 516; stream 0, offset 0x7a594: partial file',
  },
  {
    name: 'packet scan cut inside the header, no reconnect (ffprobe -show_entries packet)',
    exit: 1,
    stderr: `[http @ 0x558642073fc0] Stream ends prematurely at 1000, should be 876033\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x558642073700] error reading header\nhttp://127.0.0.1:18097/anvil/inputs/clip.mp4${Q}: End of file\n`,
    transient: true,
    cause: 'Stream ends prematurely at 1000, should be 876033; End of file',
  },
  {
    name: 'the same as packet-scan.ts reports it (URL replaced by <input>)',
    exit: 1,
    stderr: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x564b2774c700] error reading header\n<input>: End of file\n`,
    transient: true,
    cause: '<input>: End of file',
  },
];

describe('ffmpeg stderr → failure (real outputs)', () => {
  it.each(ROWS)('$name', ({ stderr, exit, transient, cause }) => {
    expect(isTransientReadError(stderr, exit === 0)).toBe(transient);
    const message = causeMessage(stderr, 'inputs/clip.mp4');
    expect(message).toBe(cause);
    expect(message.length).toBeLessThanOrEqual(200);
    expect(message).not.toMatch(/https?:|tcp:|127\.0\.0\.1|X-Amz|AKIA|Signature|configuration:|0x[0-9a-f]{6}/);
  });

  it('keeps the whole banner (2,100 characters) out of the message', () => {
    const row = ROWS.find((r) => r.name.includes('banner'))!;
    expect(row.stderr.length).toBeGreaterThan(2000);
    expect(causeMessage(row.stderr)).toBe('Invalid data found when processing input');
  });

  it('a cut connection recovered by -reconnect is no failure, the same with a failed exit is', () => {
    const recovered = ROWS.find((r) => r.name.startsWith('reset after moov'))!.stderr;
    expect(isTransientReadError(recovered, true)).toBe(false);
    expect(isTransientReadError(recovered, false)).toBe(true);
  });

  it('replaces URLs inside a line: the input by its name, a socket address by "the server"', () => {
    expect(withoutUrls(`Connection to tcp://minio.internal:9000?timeout=0 failed: Connection refused`)).toBe(
      'Connection to the server failed: Connection refused',
    );
    expect(withoutUrls(`Opening 'https://s3.internal:9000/anvil/inputs/a.mp4${Q}' for reading`, 'inputs/a.mp4')).toBe("Opening 'inputs/a.mp4' for reading");
  });

  it('cuts a long cause to 200 characters', () => {
    const long = `[h264 @ 0x55d0c0ffee00] ${'x'.repeat(500)}\n`;
    expect(causeMessage(long)).toHaveLength(200);
    expect(causeMessage('')).toBe('ffmpeg gave no reason');
  });
});

describe('classify (probe and first-frame failures)', () => {
  it('names the key and the cause in at most 300 characters, without a URL', async () => {
    const row = ROWS.find((r) => r.name.startsWith('truncated mp4'))!;
    const work = Promise.reject(new Error(causeMessage(row.stderr)));
    const err = (await classify(work, 'inputs/clip.mp4', 'InvalidMedia', 'video').catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe("input 'inputs/clip.mp4': it is not a readable video (moov atom not found; Invalid data found when processing input)");
    expect(err.message.length).toBeLessThanOrEqual(300);
  });

  it('passes a read error through as it is: retryable, never InvalidMedia', async () => {
    const read = new TransientReadError('reading the input failed: Stream ends prematurely at 859497, should be 876033');
    await expect(classify(Promise.reject(read), 'inputs/clip.mp4', 'InvalidMedia', 'video')).rejects.toBe(read);
  });

  it('strips a URL from a message that still has one and cuts it', async () => {
    const work = Promise.reject(new Error(`https://s3.internal:9000/anvil/inputs/clip.mp4${Q}: ${'y'.repeat(400)}`));
    const err = (await classify(work, 'inputs/clip.mp4', 'InvalidMedia', 'video').catch((e: unknown) => e)) as Error;
    expect(err.message).not.toMatch(/https?:|X-Amz|s3\.internal/);
    expect(err.message.length).toBeLessThanOrEqual(300);
  });
});

describe('httpInputOptions', () => {
  it('reconnects http and https inputs only', () => {
    expect(httpInputOptions('https://s3.example.com/b/k?X-Amz-Signature=1')).toEqual([
      '-reconnect',
      '1',
      '-reconnect_on_network_error',
      '1',
      '-reconnect_delay_max',
      '4',
      '-rw_timeout',
      '10000000',
    ]);
    expect(httpInputOptions('/tmp/clip.mp4')).toEqual([]);
    expect(httpInputOptions('file:///tmp/clip.mp4')).toEqual([]);
  });
});
