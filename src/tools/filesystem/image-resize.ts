/** RgbaImage is decoded pixels: rows of width × 4 bytes (red, green, blue, alpha), not premultiplied. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Taps for one output pixel: `count` source indexes from `start`, with their normalized weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/**
 * lineTaps computes the bilinear (triangle) filter taps mapping srcSize pixels onto dstSize. When
 * shrinking, the filter widens by the ratio so every source pixel contributes (an area average).
 */
function lineTaps(dstSize: number, srcSize: number): Taps {
  const ratio = srcSize / dstSize;
  const scale = Math.max(ratio, 1);
  const radius = Math.ceil(scale);
  const stride = radius * 2 + 1;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const weights = new Float32Array(dstSize * stride);
  for (let v = 0; v < dstSize; v++) {
    const center = (v + 0.5) * ratio - 0.5;
    const first = Math.max(0, Math.ceil(center - radius));
    const last = Math.min(srcSize - 1, Math.floor(center + radius));
    let sum = 0;
    let n = 0;
    let begin = -1;
    for (let u = first; u <= last; u++) {
      const w = 1 - Math.abs((u - center) / scale);
      if (w <= 0) {
        if (begin >= 0) break;
        continue;
      }
      if (begin < 0) begin = u;
      weights[v * stride + n] = w;
      sum += w;
      n++;
    }
    start[v] = Math.max(begin, 0);
    count[v] = n;
    for (let i = 0; i < n; i++) weights[v * stride + i] = (weights[v * stride + i] ?? 0) / sum;
  }
  return { start, count, weights, stride };
}

function clampByte(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}

/** resamplePass filters along one axis: `along` is the axis being resized (x when horizontal). */
function resamplePass(src: RgbaImage, size: number, horizontal: boolean): RgbaImage {
  const srcLen = horizontal ? src.width : src.height;
  const lines = horizontal ? src.height : src.width;
  const width = horizontal ? size : src.width;
  const height = horizontal ? src.height : size;
  const out = new Uint8Array(width * height * 4);
  const taps = lineTaps(size, srcLen);
  const { start, count, weights, stride } = taps;
  const s = src.data;
  // offset of pixel u on line l, in bytes
  const step = horizontal ? 4 : src.width * 4;
  const lineStep = horizontal ? src.width * 4 : 4;
  const outStep = horizontal ? 4 : width * 4;
  const outLineStep = horizontal ? width * 4 : 4;
  for (let l = 0; l < lines; l++) {
    const lineBase = l * lineStep;
    const outBase = l * outLineStep;
    for (let v = 0; v < size; v++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      const n = count[v] ?? 0;
      const wBase = v * stride;
      let i = lineBase + (start[v] ?? 0) * step;
      for (let k = 0; k < n; k++, i += step) {
        const aw = (s[i + 3] ?? 0) * (weights[wBase + k] ?? 0);
        r += (s[i] ?? 0) * aw;
        g += (s[i + 1] ?? 0) * aw;
        b += (s[i + 2] ?? 0) * aw;
        a += aw;
      }
      if (a === 0) continue;
      const j = outBase + v * outStep;
      out[j] = clampByte(r / a);
      out[j + 1] = clampByte(g / a);
      out[j + 2] = clampByte(b / a);
      out[j + 3] = clampByte(a);
    }
  }
  return { width, height, data: out };
}

/** resize scales an image to exactly width × height with a bilinear filter, weighting colours by alpha. */
export function resize(src: RgbaImage, width: number, height: number): RgbaImage {
  let img = src;
  if (img.width !== width) img = resamplePass(img, width, true);
  if (img.height !== height) img = resamplePass(img, height, false);
  return img === src ? { width, height, data: src.data.slice() } : img;
}

/** crop copies the part of an image inside the rectangle (clipped to the image). */
export function crop(src: RgbaImage, x: number, y: number, width: number, height: number): RgbaImage {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(src.width, x + width);
  const y1 = Math.min(src.height, y + height);
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const out = new Uint8Array(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((y0 + row) * src.width + x0) * 4;
    out.set(src.data.subarray(from, from + w * 4), row * w * 4);
  }
  return { width: w, height: h, data: out };
}
