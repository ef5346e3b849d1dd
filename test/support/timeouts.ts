// Integration tests drive real servers, ffmpeg and onnxruntime on 2 CPU cores.
jest.setTimeout(240_000);
