import { expect, test } from "bun:test";
import { makeThumb } from "../../src/tools/filesystem/thumb.ts";
import { parseThumbSize } from "../../src/tools/filesystem/thumb-size.ts";
import { gradient } from "./images.ts";

/** Thumb sizes PocketBase v0.39 made for PNG sources of these sizes (read from its answers). */
const pocketbaseSizes: Record<string, Record<string, [number, number]>> = {
  "60x40": {
    "100x100": [100, 100],
    "30x0": [30, 20],
    "0x30": [45, 30],
    "40x20t": [40, 20],
    "40x20f": [30, 20],
    "7x0": [7, 5],
    "0x7": [11, 7],
    "333x0": [333, 222],
    "33x17f": [25, 17],
    "500x499": [500, 499],
  },
  "301x199": {
    "30x0": [30, 20],
    "0x30": [45, 30],
    "333x0": [333, 220],
    "33x17": [33, 17],
    "33x17f": [25, 17],
    "1x1": [1, 1],
  },
  "7x97": {
    "100x100": [100, 100],
    "30x0": [30, 416],
    "0x30": [2, 30],
    "40x20f": [1, 20],
    "7x0": [7, 97],
    "0x7": [1, 7],
    "33x17f": [1, 17],
    "10x200": [10, 200],
  },
  "1000x3": {
    "30x0": [30, 1],
    "0x30": [10000, 30],
    "40x20f": [40, 1],
    "33x17f": [33, 1],
    "0x7": [2333, 7],
    "200x10": [200, 10],
  },
};

test("thumbs have the pixel sizes PocketBase gives them, tiny and extreme sources included", () => {
  for (const [source, sizes] of Object.entries(pocketbaseSizes)) {
    const [w, h] = source.split("x").map(Number) as [number, number];
    const img = gradient(w, h);
    for (const [size, expected] of Object.entries(sizes)) {
      const spec = parseThumbSize(size);
      if (!spec) throw new Error(`bad size ${size}`);
      const thumb = makeThumb(img, spec);
      expect({ source, size, got: [thumb.width, thumb.height] }).toEqual({ source, size, got: expected });
      expect(thumb.data.length).toBe(thumb.width * thumb.height * 4);
    }
  }
});

test("malformed sizes and 0x0 are refused", () => {
  for (const size of ["", "0x0", "0x0f", "10", "10x", "x10", "10x10z", "-1x10", "10X10"]) {
    expect(parseThumbSize(size)).toBeNull();
  }
  expect(parseThumbSize("10x20b")).toEqual({ width: 10, height: 20, mode: "b" });
});

test("resizing keeps a flat colour flat and an opaque picture opaque", () => {
  const img = gradient(50, 50);
  img.data.fill(200);
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
  const thumb = makeThumb(img, { width: 17, height: 9, mode: "" });
  expect(new Set(thumb.data)).toEqual(new Set([200, 255]));
});
