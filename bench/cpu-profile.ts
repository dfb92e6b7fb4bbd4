/**
 * Summaries of a `.cpuprofile` written by `bun --cpu-prof`: where the JS thread spent its samples, by
 * function (self time) and by function including callees (total time), in microseconds per request.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  /** `function (file)`; functions are merged across lines. */
  name: string;
  selfUs: number;
  totalUs: number;
}

export interface ProfileSummary {
  /** Sampled JS-thread time per request, in microseconds. */
  sampledUsPerRequest: number;
  lines: ProfileLine[];
}

/** label names a frame by function and file (relative to the project, or the package in node_modules). */
function label(frame: CallFrame, root: string): string {
  const fn = frame.functionName || "(anonymous)";
  if (!frame.url) return `${fn} [native]`;
  const url = frame.url.replace(/^file:\/\//, "");
  const modules = url.lastIndexOf("/node_modules/");
  const file =
    modules >= 0
      ? url.slice(modules + "/node_modules/".length)
      : url.startsWith(root)
        ? url.slice(root.length + 1)
        : url;
  return `${fn} (${file})`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Whether a sample's stack passes through a frame with the given function name. */
function stackHas(id: number, name: string, byId: Map<number, ProfileNode>, parent: Map<number, number>): boolean {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    if (byId.get(cur)?.callFrame.functionName === name) return true;
  }
  return false;
}

/**
 * summarizeProfile turns samples into time per request. Samples before the first one inside a request
 * handler (a frame named `fetch`, as Bun.serve's handler is in both servers) are startup and are left out.
 * Each sample counts as the median sampling interval: the profiler takes no samples while the thread is
 * idle, so the deltas around idle periods would otherwise be charged to whatever ran next.
 */
export function summarizeProfile(profile: CpuProfile, requests: number, root: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sampleUs = median(profile.timeDeltas);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const first = profile.samples.findIndex((id) => stackHas(id, "fetch", byId, parent));
  let counted = 0;
  for (const id of profile.samples.slice(Math.max(0, first))) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(root)") continue;
    counted++;
    const own = label(node.callFrame, root);
    self.set(own, (self.get(own) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n || n.callFrame.functionName === "(root)") break;
      const name = label(n.callFrame, root);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + 1);
    }
  }
  const perRequest = (samples: number) => (samples * sampleUs) / Math.max(1, requests);
  const lines = [...total.entries()].map(([name, t]) => ({
    name,
    selfUs: perRequest(self.get(name) ?? 0),
    totalUs: perRequest(t),
  }));
  return { sampledUsPerRequest: perRequest(counted), lines };
}

/** formatSummary prints the top functions by self time, then by total time. */
export function formatSummary(s: ProfileSummary, top: number): string {
  const row = (l: ProfileLine) =>
    `  ${l.selfUs.toFixed(1).padStart(7)}  ${l.totalUs.toFixed(1).padStart(7)}  ${l.name}`;
  const bySelf = [...s.lines].sort((a, b) => b.selfUs - a.selfUs).slice(0, top);
  const byTotal = [...s.lines].sort((a, b) => b.totalUs - a.totalUs).slice(0, top);
  return [
    `  sampled JS time: ${s.sampledUsPerRequest.toFixed(1)} µs per request`,
    "  self µs  total µs  (top by self time)",
    ...bySelf.map(row),
    "  self µs  total µs  (top by total time)",
    ...byTotal.map(row),
  ].join("\n");
}
