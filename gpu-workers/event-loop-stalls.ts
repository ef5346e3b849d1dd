import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches the GPU worker's event loop, which carries heartbeats and cancellation: every `everySeconds` it
 * logs the longest stall and the p99 delay of the interval (a stall near the heartbeat timeout would make a
 * live worker look dead), and resets. Returns a function that stops it.
 */
export function reportEventLoopStalls(everySeconds: number, log: (line: string) => void = (l) => console.log(l)): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    log(`[gpu] event loop: longest stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms over ${everySeconds} s`);
    delay.reset();
  }, everySeconds * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
