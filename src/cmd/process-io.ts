import type { CliIO } from "./command.ts";

const stopSignals = ["SIGINT", "SIGTERM"] as const;

/** The process's terminal: standard output and error, and lines read from standard input. */
export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTerminal: Boolean(process.stdout.isTTY),
  readLine: async () => {
    for await (const line of console) return line;
    return null;
  },
};

/** onProcessStopSignal calls listener on every SIGINT and SIGTERM until the returned function is called. */
export function onProcessStopSignal(listener: (signal: string) => void): () => void {
  for (const s of stopSignals) process.on(s, listener);
  return () => {
    for (const s of stopSignals) process.off(s, listener);
  };
}
