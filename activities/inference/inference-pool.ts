import { Worker } from 'node:worker_threads';
import { extname, join } from 'node:path';
import type { Detection } from '../../workflows/contracts';
import type { DetectOptions } from './detect-batch';
import type { AnyModel } from './models/registry';
import type { ExecutionProvider } from './session';
import type { VadCarry } from './silero';

export type ThreadRequest =
  | { id: number; type: 'load'; model: AnyModel }
  | { id: number; type: 'run'; model: string; frames: ArrayBuffer; count: number; options: DetectOptions }
  | { id: number; type: 'vad'; model: string; samples: ArrayBuffer; carry: VadCarry | null };

export type ThreadReply =
  | { id: number; type: 'loaded'; provider: ExecutionProvider }
  | { id: number; type: 'detections'; detections: Detection[][]; inferMs: number }
  | { id: number; type: 'speech'; probs: Float32Array; carry: VadCarry; inferMs: number }
  | { id: number; type: 'error'; message: string };

export interface PoolOptions {
  provider: ExecutionProvider;
  deviceId: number;
  intraOpThreads: number;
}

/**
 * One inference thread holding one ONNX Runtime session per loaded model. Requests are answered in
 * order; frames are transferred (not copied) to the thread.
 *
 * A thread that dies (a native crash, an out-of-memory abort) cannot be replaced in this process:
 * onnxruntime-node's addon registers once per process ("Module did not self-register" in a second thread).
 * So the pool fails the requests that were in it and every later one at once, naming the cause, and calls
 * `onDeath`: the GPU worker then shuts down (its chunks go back to the queue and resume elsewhere from their
 * checkpoints) and exits non-zero, so its pod restarts — instead of a slot wedged forever.
 */
export class InferencePool {
  private readonly thread: Worker;
  private readonly waiting = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;
  /** Why the thread died, once it has. */
  private death: Error | undefined;

  constructor(opts: PoolOptions & { onDeath?: (reason: string) => void }) {
    const file = join(__dirname, `inference.thread${extname(__filename)}`);
    const workerData: PoolOptions = { provider: opts.provider, deviceId: opts.deviceId, intraOpThreads: opts.intraOpThreads };
    // Built code runs the compiled thread file; under tsx/ts-jest the thread loads the source through tsx.
    this.thread =
      extname(file) === '.ts'
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData })
        : new Worker(file, { workerData });
    this.thread.on('message', (reply: ThreadReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!w) return;
      if (reply.type === 'error') w.reject(new Error(reply.message));
      else w.resolve(reply);
    });
    const died = (err: Error): void => {
      if (this.closed || this.death) return; // 'error' is followed by 'exit': once
      this.death = new Error(`the inference thread died (${err.message}); this GPU worker restarts`);
      this.failAll(this.death);
      opts.onDeath?.(err.message);
    };
    this.thread.on('error', died);
    this.thread.on('exit', (code) => died(new Error(`exited with code ${code}`)));
  }

  /** Loads a model into the thread; returns the execution provider that runs it. */
  async load(model: AnyModel): Promise<ExecutionProvider> {
    const reply = await this.request({ id: this.nextId++, type: 'load', model });
    return (reply as Extract<ThreadReply, { type: 'loaded' }>).provider;
  }

  /** Runs one batch of packed RGB24 frames; the buffer is transferred and unusable afterwards. */
  async detect(model: string, frames: Uint8Array, count: number, options: DetectOptions): Promise<{ detections: Detection[][]; inferMs: number }> {
    const buffer = ownBuffer(frames);
    const reply = await this.request({ id: this.nextId++, type: 'run', model, frames: buffer, count, options }, [buffer]);
    return reply as Extract<ThreadReply, { type: 'detections' }>;
  }

  /**
   * Speech probability per window of `samples` (model rate, mono, whole windows; transferred). Pass the
   * returned `carry` with the next block of the same stream, null at its start.
   */
  async speech(model: string, samples: Float32Array, carry: VadCarry | null): Promise<{ probs: Float32Array; carry: VadCarry; inferMs: number }> {
    const buffer = ownBuffer(samples);
    const reply = await this.request({ id: this.nextId++, type: 'vad', model, samples: buffer, carry }, [buffer]);
    return reply as Extract<ThreadReply, { type: 'speech' }>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.thread.terminate();
  }

  private request(msg: ThreadRequest, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    if (this.death) return Promise.reject(this.death);
    if (this.closed) return Promise.reject(new Error('inference pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.set(msg.id, { resolve, reject });
      this.thread.postMessage(msg, transfer);
    });
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** The view's own buffer when it spans all of it (transferred as is), else a copy of just the view. */
function ownBuffer(view: Uint8Array | Float32Array): ArrayBuffer {
  return view.buffer.byteLength === view.byteLength ? (view.buffer as ArrayBuffer) : view.slice().buffer;
}
